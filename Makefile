# Every target creates .venv when it is missing and installs the package with its extras.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Scanners live in their own virtualenv: Checkov pins dependencies that Pulumi's SDK outgrew.
TOOLS := .venv-tools
TOOLS_STAMP := $(TOOLS)/.installed
CHECKOV_VERSION := 3.3.30

.PHONY: install test synth lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[all,dev]'
	touch $(STAMP)

$(TOOLS_STAMP):
	test -x $(TOOLS)/bin/python || $(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --upgrade pip
	$(TOOLS)/bin/python -m pip install --quiet 'checkov==$(CHECKOV_VERSION)'
	touch $(TOOLS_STAMP)

install: $(STAMP)

test: $(STAMP) $(TOOLS_STAMP)
	CHECKOV=$(TOOLS)/bin/checkov $(BIN)/python -m pytest

synth: $(STAMP)
	$(BIN)/fluxlit-secrets synth --stack dev

lint: $(STAMP)
	$(BIN)/ruff check components tests bench policies examples __main__.py
	$(BIN)/ruff format --check components tests bench policies examples __main__.py
	$(BIN)/lint-imports
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) $(TOOLS) build
