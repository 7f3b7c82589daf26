# Every target creates .venv when it is missing and installs the package with its extras.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Scanners live in their own virtualenv: Checkov pins dependencies that Pulumi's SDK outgrew.
TOOLS := .venv-tools
TOOLS_STAMP := $(TOOLS)/.installed
CHECKOV_VERSION := 3.3.30

# The oldest Pulumi SDK the package supports: the engine's tests run there too (no cloud extras).
OLDEST := .venv-oldest
OLDEST_STAMP := $(OLDEST)/.installed
OLDEST_PULUMI := 3.237.0
OLDEST_TESTS := tests/engine tests/delivery tests/model tests/cli tests/host tests/components/test_contract.py tests/components/test_lifecycle.py

WHEEL_VENV := build/wheel-venv

.PHONY: install test test-oldest wheel-check synth lint bench clean e2e-tools e2e-up e2e-env e2e-down e2e

# A venv made by another Python (older than 3.11, or since replaced) is rebuilt, not reused.
NEEDS_311 := import sys; sys.exit(sys.version_info[:2] < (3, 11))
BASE_STAMP := $(VENV)/.installed-base

$(BASE_STAMP): pyproject.toml
	@$(PYTHON) -c '$(NEEDS_311)' || { echo "error: $(PYTHON) is older than Python 3.11; run make PYTHON=python3.11"; exit 2; }
	@$(BIN)/python -c '$(NEEDS_311)' 2>/dev/null || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(BASE_STAMP)

# Everything: the cloud SDKs and the development tools (tests, lint, bench).
$(STAMP): $(BASE_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[all,dev]'
	touch $(STAMP)

$(TOOLS_STAMP):
	test -x $(TOOLS)/bin/python || $(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --upgrade pip
	$(TOOLS)/bin/python -m pip install --quiet 'checkov==$(CHECKOV_VERSION)'
	touch $(TOOLS_STAMP)

$(OLDEST_STAMP): pyproject.toml
	test -x $(OLDEST)/bin/python || $(PYTHON) -m venv $(OLDEST)
	$(OLDEST)/bin/python -m pip install --quiet --upgrade pip
	$(OLDEST)/bin/python -m pip install --quiet 'pulumi==$(OLDEST_PULUMI)' -e '.[dev]'
	touch $(OLDEST_STAMP)

install: $(STAMP)

test: $(STAMP) $(TOOLS_STAMP)
	CHECKOV=$(TOOLS)/bin/checkov $(BIN)/python -m pytest

# The wheel, installed into a fresh venv without extras, synths the example app stack with its CLI.
wheel-check: $(BASE_STAMP)
	rm -rf build/dist $(WHEEL_VENV) build/wheel-synth
	$(BIN)/python -m pip wheel --quiet --no-deps -w build/dist .
	$(PYTHON) -m venv $(WHEEL_VENV)
	$(WHEEL_VENV)/bin/python -m pip install --quiet build/dist/fluxlit_secrets-*.whl
	$(WHEEL_VENV)/bin/fluxlit-secrets --version
	$(WHEEL_VENV)/bin/fluxlit-secrets synth --stack dev --project-dir examples/app-stack --out build/wheel-synth

# The engine's tests that need no cloud SDK, on the oldest supported Pulumi SDK.
test-oldest: $(OLDEST_STAMP)
	$(OLDEST)/bin/python -m pytest -p no:cacheprovider $(OLDEST_TESTS) \
		-k "not aws and not gcp and not azure and not checkov and not secret_checks_ran"

# The dev stack needs no cloud SDK: only the package itself is installed.
synth: $(BASE_STAMP)
	$(BIN)/fluxlit-secrets synth --stack dev

lint: $(STAMP)
	$(BIN)/ruff check components tests bench policies examples e2e __main__.py
	$(BIN)/ruff format --check components tests bench policies examples e2e __main__.py
	$(BIN)/lint-imports
	$(BIN)/mypy
	@if command -v go >/dev/null; then \
		cd e2e/standins && test -z "$$(gofmt -l .)" && go vet ./... && echo "e2e/standins: gofmt and go vet pass"; \
	else echo "go is not installed: the stand-ins' gofmt and go vet are not run"; fi

bench: $(STAMP)
	$(BIN)/python bench/run.py

# The real Pulumi CLI, language hosts, providers and a control plane, built from Go modules into
# ~/.cache/fluxlit-secrets/tools (e2e/tools.toml pins every version). Needs Go; a cold build takes
# minutes, a warm run a second.
e2e-tools:
	$(PYTHON) e2e/tools.py build

# A local control plane for a person: `make e2e-up`, then `eval "$$(make -s e2e-env)"`, then `make e2e-down`.
e2e-up: $(STAMP) e2e-tools
	@$(BIN)/python -m e2e.plane up

e2e-env: $(STAMP)
	@$(BIN)/python -m e2e.plane env

e2e-down: $(STAMP)
	@$(BIN)/python -m e2e.plane down

# The end-to-end tests: the real CLI on a control plane of their own (tests/e2e/).
e2e: $(STAMP) e2e-tools
	$(BIN)/python -m pytest -m e2e tests/e2e

clean:
	rm -rf $(VENV) $(TOOLS) $(OLDEST) build
