"""The batch fast path: the register read from a preloaded snapshot, commands applied to it, written in bulk.

The twin of the one-message path (storage.repositories.Register reads, storage.commands applies,
the ORM writes). Both must leave the same register; tests/scenarios/test_scenario_batch.py runs every
scenario both ways and compares.

    writer.py ..... BatchWriter: the storage.writers.Writer of a run of messages; opens, then flushes
    snapshot.py ... Snapshot: handlers.state.State in memory, loading what was not preloaded on demand
    load.py ....... one query per table for all missing keys (the writer hands it to the snapshot)
    rows.py ....... in-memory records of stored and new rows
    apply.py ...... the handlers' commands applied to the snapshot, step for step as storage.commands
    bulk.py ....... id reservation and one executemany per table and kind of change

Imports point one way: writer -> snapshot, load, apply, bulk -> rows (and storage.repositories for
the view builders). No module here imports one above it.

A new command (handlers.outcome) touches:
    storage/commands.py                 its ORM application (the one-message path)
    storage/batch/apply.py              the same on the snapshot
    storage/batch/rows.py, bulk.py      when it creates or changes a kind of row
    handlers/reads.py                   when it writes under a key others read (its test checks)
A new state read (a method on a handlers.state Protocol) touches:
    storage/repositories.py             Register: the query
    storage/batch/snapshot.py           the same answer from memory, with `need(...)` for its key
    storage/batch/load.py               when it needs rows the snapshot does not load yet
    handlers/reads.py                   the key it reads, read off the message (preloaded)
    tests/handlers/test_reads.py        `Recording`: note the key it reads (typed as State, so mypy
                                        names a missing method)
    tests/kit/typed_messages.py         FakeState, the handlers' tests' stand-in
"""
