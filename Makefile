# Everything a fresh Debian machine needs is set up by the targets themselves; a second run skips
# what is done. `make demo` runs a session against the virtual card; `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
JAR := simulator/target/sscard-simulator.jar
JAVA_SOURCES := $(shell find applet simulator/src -name '*.java' 2>/dev/null) pom.xml applet/pom.xml simulator/pom.xml
MVN := mvn -B -q -ntp
PYTEST_ARGS ?=
# xdist workers of `make test-python` (0: one process). At most 2: there are two virtual readers.
PYTEST_WORKERS ?= 2

.PHONY: help setup system-deps build cap spec spec-check lint test test-thorough test-java test-python demo bench \
	smoke-wheel test-lowest-deps dist clean

help:
	@echo "make demo   - start the virtual card and run a session against it"
	@echo "make test   - run all tests (Java, spec drift, lint, types, CAP conversion, Python on model/simulator/PC-SC)"
	@echo "make cap    - CAP files for Java Card 3.0.4 and 3.0.5 (Oracle's SDK at JC_HOME), verified, and their footprint"
	@echo "make test-thorough - the property-based suites with far larger budgets"
	@echo "make spec   - regenerate the Java constants, Python tables and docs/spec.md from apdu_spec/"
	@echo "make bench  - transport and start-up benchmarks"
	@echo "make dist   - wheel (with the simulator jar) and sdist in dist/"
	@echo "make smoke-wheel - build the wheel, install it in a fresh venv and use it from outside the checkout"
	@echo "make test-lowest-deps - the suites on the lowest dependency versions pyproject.toml allows"

system-deps:
	@bash scripts/install-system-deps.sh

$(VENV)/.installed: pyproject.toml setup.py | system-deps
	@test -x $(PY) || python3 -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip
	@$(PY) -m pip install -q -e '.[dev]'
	@touch $@

setup: system-deps $(VENV)/.installed

$(JAR): $(JAVA_SOURCES) | system-deps
	$(MVN) package -DskipTests
	@touch $@

build: $(JAR)

spec: setup
	$(PY) -m apdu_spec.generate

spec-check: setup
	$(PY) -m apdu_spec.generate --check

lint: setup
	$(VENV)/bin/ruff check host simulator/jcardsim_bridge apdu_spec tests benchmarks examples setup.py
	$(VENV)/bin/mypy

test-java: setup
	$(MVN) package
	@touch $(JAR)

# In parallel everything but the tests that need the machine alone (marker serial, tests/conftest.py),
# then those alone; exit status 5 (none selected, e.g. by PYTEST_ARGS) is no failure there.
test-python: setup build
	$(PY) -m pytest -n $(PYTEST_WORKERS) -m "not serial" $(PYTEST_ARGS)
	$(PY) -m pytest -m serial $(PYTEST_ARGS) || [ $$? -eq 5 ]

# The CAP files (applet/target/cap/<target>/), converted and verified with Oracle's Java Card SDK
# from JC_HOME, else ../shared/javacard-sdk/jc320v25.1_kit; skipped, saying so, where there is none.
cap: setup build
	$(PY) scripts/cap.py

test: spec-check lint test-java cap test-python

# The property-based suites with the `thorough` hypothesis profile (far more examples and steps),
# and the long Java known-answer tests (Maven profile `thorough`: SM4's 1,000,000 encryptions).
test-thorough: setup build
	$(MVN) -pl applet -am test -Pthorough -Dtest=Sm4Test -Dsurefire.failIfNoSpecifiedTests=false
	HYPOTHESIS_PROFILE=thorough $(PY) -m pytest tests/properties $(PYTEST_ARGS)

demo: setup build
	$(PY) examples/demo.py

bench: setup build
	$(PY) benchmarks/transport.py
	$(PY) benchmarks/sm4_card.py
	$(PY) benchmarks/cli_start.py

dist: setup build
	rm -rf build  # setuptools stages wheels there, and would pack a file left from an earlier build
	$(PY) -m build --sdist --wheel -o dist .

smoke-wheel: setup build
	bash scripts/smoke-wheel.sh

test-lowest-deps: setup
	bash scripts/test-lowest-deps.sh

clean:
	$(MVN) clean
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist
