# The two commands of the README: `make run` and `make test`. Both install first.
# `make check` (lint, types, import contract, line cap) runs in CI after the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

SYSTEM_STAMP := $(VENV)/.system

.PHONY: install system run test check bench fuzz clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,check]'
	touch $(STAMP)

install: $(STAMP)

# Debian packages the tests need: headless Chromium (review page screenshots)
# and CJK fonts to render the forms. Installed once per machine.
$(SYSTEM_STAMP): | $(STAMP)
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "noto sans cjk"; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi
	touch $(SYSTEM_STAMP)

system: $(SYSTEM_STAMP)

run: install
	$(BIN)/jixiao extract samples -o out/forms.jsonl -o out/

test: install system
	$(BIN)/python -m pytest -q

# mypy and import-linter look for jixiao/extract/, not the folders pyproject
# maps to the packages: they read a tree of links laid out as Python imports it.
TREE := $(VENV)/tree
check: install
	$(BIN)/ruff check .
	$(BIN)/python tools/package_tree.py $(TREE)
	MYPYPATH=$(TREE) $(BIN)/mypy -p jixiao
	cd $(TREE) && $(CURDIR)/$(BIN)/lint-imports --no-cache $(CURDIR)/pyproject.toml
	$(BIN)/python tools/line_cap.py

bench: install
	$(BIN)/python bench/run.py

# Coverage-guided fuzzing of the text path (atheris is not a project dependency).
FUZZ_RUNS ?= 300000
fuzz: install
	$(BIN)/pip install --quiet 'atheris>=2.3'
	$(BIN)/python bench/fuzz_atheris.py -atheris_runs=$(FUZZ_RUNS)

clean:
	rm -rf out $(VENV)
