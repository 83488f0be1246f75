# Set-up and everyday commands; `make run` and `make test` create .venv on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test fuzz bench eval models wheel-check clean

$(STAMP): pyproject.toml
	@$(PYTHON) -m venv $(VENV) || { $(PYTHON) -m pip install --user --quiet virtualenv && $(PYTHON) -m virtualenv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,serve,lsp,dask]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/coach

test: $(STAMP)
	$(BIN)/python -m pytest

# The property tests with Hypothesis's "long" profile: a fresh seed and 1,500 examples each.
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=long $(BIN)/python -m pytest tests -k fuzz

bench: $(STAMP)
	$(BIN)/python benchmarks/engine_bench.py

# The synthetic test split and the real test split, side by side; never tune on either.
eval: $(STAMP)
	@echo "== synthetic corpus (written for this project), test split =="
	$(BIN)/coach eval tests/corpus/*.jsonl --split test
	@echo "== real corpus (public messages), test split =="
	$(BIN)/coach eval tests/corpus/real/*.jsonl --split test --by kind

# Retrain the second-opinion classifier (fixed seed) from the labelled corpora; no download.
models: $(STAMP)
	$(BIN)/python -m coach.training.classifier nl en

# Install the built wheel (not editable) into a fresh venv and run a check with it.
wheel-check:
	tools/wheel_check.sh

clean:
	rm -rf $(VENV) build *.egg-info
