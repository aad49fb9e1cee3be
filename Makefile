# The two commands of the README: `make run` and `make test`. Both install first.
# `make check` (lint, types, import contract, line cap) runs in CI after the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

SYSTEM_STAMP := $(VENV)/.system

.PHONY: install system system-layouts run test check bench layouts fuzz clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,check]'
	touch $(STAMP)

# Our own modules compiled to bytecode now: where the environment says not to write
# bytecode (PYTHONDONTWRITEBYTECODE), Python would otherwise compile them from source
# at every start, a fifth of a CPU second of each command; compileall skips those
# already up to date, and a module edited since is compiled from source as before.
install: $(STAMP)
	@$(BIN)/python -m compileall -q jixiao extract normalize schemas

# Debian packages the tests need: headless Chromium (review page screenshots)
# and CJK fonts to render the forms. Installed once per machine.
$(SYSTEM_STAMP): | $(STAMP)
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "noto sans cjk"; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi
	touch $(SYSTEM_STAMP)

system: $(SYSTEM_STAMP)

# What the layout test bed's generator needs besides: LibreOffice Calc and Writer
# (headless), Chromium, the fonts it varies (Noto Sans and Serif CJK, WenQuanYi
# Zen Hei, which has no bold face), and pdftotext (poppler-utils), with which
# `python -m bench.layouts converted` makes the converted text it reads. `make test`
# never needs these: the committed renderings under tests/fixtures/layouts are read
# as they are.
LAYOUTS_STAMP := $(VENV)/.system-layouts
LAYOUTS_PACKAGES := libreoffice-calc-nogui libreoffice-writer-nogui chromium poppler-utils fonts-noto-cjk fonts-noto-cjk-extra fonts-wqy-zenhei
$(LAYOUTS_STAMP): | $(STAMP)
	@if ! command -v soffice >/dev/null 2>&1 || ! command -v chromium >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1 \
		|| ! fc-list 2>/dev/null | grep -qi "noto serif cjk sc" || ! fc-list 2>/dev/null | grep -qi "wenquanyi zen hei"; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq $(LAYOUTS_PACKAGES) >/dev/null; \
	fi
	touch $(LAYOUTS_STAMP)

system-layouts: $(LAYOUTS_STAMP)

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

bench: install system-layouts
	$(BIN)/python bench/run.py

# Field accuracy per producer and per layout feature over generated renderings
# (bench/layouts): LAYOUTS_COUNT renderings of seed LAYOUTS_SEED, kept between runs.
LAYOUTS_DIR ?= bench/.data/layouts
LAYOUTS_COUNT ?= 300
LAYOUTS_SEED ?= 1
layouts: install system-layouts
	$(BIN)/python -m bench.layouts build --count $(LAYOUTS_COUNT) --seed $(LAYOUTS_SEED) --out $(LAYOUTS_DIR)
	$(BIN)/python -m bench.layouts score $(LAYOUTS_DIR)

# Coverage-guided fuzzing of the text path (atheris is not a project dependency).
FUZZ_RUNS ?= 300000
fuzz: install
	$(BIN)/pip install --quiet 'atheris>=2.3'
	$(BIN)/python bench/fuzz_atheris.py -atheris_runs=$(FUZZ_RUNS)

clean:
	rm -rf out $(VENV)
