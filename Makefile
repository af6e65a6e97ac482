# The targets README, CI and people call.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test test-fast lint bench soak generate docs examples lock clean

# The pinned versions of requirements-dev.lock first (what CI and the tests run on), then the project
# itself without resolving again: an install never picks up a release nobody has tested.
$(STAMP): pyproject.toml requirements-dev.lock
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/istd worker

# The whole suite, real services included (RabbitMQ and PostgreSQL on localhost).
# pytest exits 5 when nothing is collected; that is not a pass. The 25 slowest tests are listed at the
# end, to keep the whole run (and CI) within its time.
test: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider --durations=25 $(PYTEST_ARGS)

# The tests that need no service and run in seconds to minutes: everything not marked postgres, rabbitmq,
# slow or browser (SQLite files, TestRabbitBroker in memory, the real `istd` command).
FAST := not postgres and not rabbitmq and not slow and not browser
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider -m "$(FAST)" $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check gateway schemas handlers storage tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

# Both print their figures next to the ceiling they are compared with. The worker benchmark needs
# RabbitMQ and PostgreSQL on localhost; BENCH_COUNT messages (about 5 minutes at 50000 here).
BENCH_COUNT ?= 50000
bench: $(STAMP)
	$(BIN)/python benchmarks/validate_bench.py
	$(BIN)/python benchmarks/declaration_bench.py
	$(BIN)/python benchmarks/worker_bench.py --count $(BENCH_COUNT)

# Two workers on PostgreSQL for SOAK_MINUTES at 80 % of one worker's capacity measured first (or at
# SOAK_RATE msg/s when given); throughput, backlog and RSS each minute, checks at the end (docs/operations.md).
SOAK_MINUTES ?= 10
SOAK_RATE ?=
soak: $(STAMP)
	$(BIN)/python benchmarks/soak.py --minutes $(SOAK_MINUTES) $(if $(SOAK_RATE),--rate $(SOAK_RATE))

# Every generated file (each says so in its first line): our XSDs, docs/rules.md, the example messages.
# Tests check that each is current (tests/schemas/test_xsd_files.py, tests/rules/test_catalogue.py,
# tests/examples/test_examples.py).
generate: $(STAMP)
	$(BIN)/python -m schemas.build
	$(BIN)/python -m handlers.rules.catalogue > docs/rules.md
	$(BIN)/python -m schemas.examples

docs: $(STAMP)
	$(BIN)/python -m handlers.rules.catalogue > docs/rules.md

examples: $(STAMP)
	$(BIN)/python -m schemas.examples

# Re-pin after a change to the dependencies in pyproject.toml: requirements.lock (what the Docker image
# installs) and requirements-dev.lock (with the dev extra: CI, `make install`).
PIP_COMPILE := $(BIN)/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links
lock: $(STAMP)
	$(PIP_COMPILE) -o requirements.lock pyproject.toml
	$(PIP_COMPILE) --extra dev -o requirements-dev.lock pyproject.toml

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
