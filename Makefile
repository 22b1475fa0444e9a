# Two commands on a fresh machine:  make demo  and  make test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install demo test lint bench compiled bench-compiled clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[all,video,dev]"
	touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/takeback check examples/whatsapp-sextortion.txt --timezone Europe/London --country GB

test: install
	$(BIN)/ruff check src tests benchmarks setup.py
	$(BIN)/mypy
	$(BIN)/python -m pytest
	$(MAKE) compiled

bench: install
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	for script in benchmarks/*.py; do [ $$script = benchmarks/train_language.py ] || $(BIN)/python $$script || exit 1; done
	$(BIN)/python benchmarks/train_language.py --check

# takeback.identifiers compiled with mypyc (see setup.py), in a venv of its own, and tested there:
# nothing puts src/ on that venv's sys.path, so the tests import the installed wheel.
COMPILED_VENV ?= .venv-compiled
CBIN = $(abspath $(COMPILED_VENV))/bin

compiled:
	$(PYTHON) -m venv --clear $(COMPILED_VENV)
	$(CBIN)/python -m pip install --quiet --upgrade pip
	rm -rf build dist
	TAKEBACK_COMPILE=1 $(CBIN)/python -m pip wheel --no-deps --wheel-dir dist .
	$(CBIN)/python -m pip install --quiet dist/takeback-*.whl pytest
	$(CBIN)/python -c "import takeback.identifiers.base as m; assert m.__file__.endswith('.so'); print(m.__file__)"
	$(CBIN)/python -m pytest tests/identifiers

# The identifier benchmark on the compiled build, with Presidio beside it.
bench-compiled: compiled
	$(CBIN)/python -m pip install --quiet "$$(ls dist/takeback-*.whl)[bench]"
	$(CBIN)/python benchmarks/identifiers.py

clean:
	rm -rf $(VENV) $(COMPILED_VENV) build dist src/*.egg-info
