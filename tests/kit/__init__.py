"""The test kit: what several test folders share, imported as ``tests.kit.<module>`` (tests are a package).

- ``reference``: where the published reference material lives (``ISTD_REFERENCE_DIR``), the ``reference``
  marker, and the published XSDs and examples for the conformance tests (nothing else reads them);
- ``examples``: the shipped example messages (``examples/``, ``make generate``), one per message type;
- ``identity``: the test parties and each message type's BerichtCode, name and sender, from the registry;
- ``typed_messages``: the one typed-message builder: valid baselines per standard for the level-2 rule tests,
  short messages and ``FakeState`` (the register in memory) for the handler and level-3/4 rule tests;
- ``xml_messages``: XML messages of both standards built from small dataclasses (scenarios, privacy);
- ``traffic``: realistic mixed traffic from the examples' story (fault tests and benchmarks);
- ``documents``: documents for the codec tests (published and shipped examples, generated ones);
- ``conformance``: our spec next to the published XSDs (xmlschema introspection, mutant seeds);
- ``harness``: messages through ``Processor.process`` on a real database, one transaction each;
- ``services``: RabbitMQ and database helpers, the worker in memory or on a real broker, ``wait_for``;
- ``reliability``: worker processes, queue depths and register fingerprints for the fault tests.
"""
