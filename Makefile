# Two commands on a fresh machine:  make demo  and  make test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install demo test lint bench clean

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
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	for script in benchmarks/*.py; do [ $$script = benchmarks/train_language.py ] || $(BIN)/python $$script || exit 1; done
	$(BIN)/python benchmarks/train_language.py --check

clean:
	rm -rf $(VENV) build src/*.egg-info
