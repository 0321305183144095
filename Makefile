# The two commands a new user runs: `make demo` and `make test`.
# Everything they need is installed into .venv from setup.cfg.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SAMPLES := $(sort $(wildcard samples/*.xlsx))

.PHONY: demo test bench samples clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the packaging files change.
$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

demo: $(VENV)/.installed
	@echo "== validating the bundled samples =="
	$(BIN)/pmo-assess validate $(SAMPLES)
	@echo "== a deliberately broken workbook (expected: a list of problems, exit 2) =="
	-$(BIN)/pmo-assess validate samples/broken/typos-and-gaps.xlsx

test: $(VENV)/.installed
	$(BIN)/python -m pytest

bench: $(VENV)/.installed
	$(BIN)/python bench/run.py

# Rebuild samples/ from the question bank and samples/specs/*.yaml.
samples: $(VENV)/.installed
	$(BIN)/python samples/build.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
