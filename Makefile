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
	@for f in $(SAMPLES); do echo; echo "== pmo-assess assess $$f =="; $(BIN)/pmo-assess assess $$f || exit 1; done
	@echo; echo "== two respondents for one office =="
	$(BIN)/pmo-assess assess samples/meridian-bank.xlsx samples/more-respondents/meridian-bank-finance.xlsx --format json -o report.json --force
	@echo; echo "== a deliberately broken workbook (expected: a list of problems, exit 2) =="
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
