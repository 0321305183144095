# The two commands a new user runs: `make demo` and `make test`.
# Everything they need is installed into .venv from setup.cfg.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SAMPLES := $(sort $(wildcard samples/*.xlsx))

.PHONY: demo test bench samples clean browser graphviz postgres

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# durable-rules 2.0.28 (its last release) calls PyEval_CallObject, which Python 3.13 removed: as
# released it does not build there, so setup.cfg installs it only below 3.13 and a plain
# `pip install .` on 3.13+ runs the python engine. Here, on 3.13+, we build it with
# packaging/durable_compat.h force-included (CPPFLAGS: its setup.py overwrites CFLAGS), without
# pip's cache (a wheel built without the header imports with an undefined symbol), and drop it
# again if it still does not import, so the python engine takes over.
$(VENV)/.durable: $(BIN)/python packaging/durable_compat.h
	@if $(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 13))'; then \
		CPPFLAGS="-include $(CURDIR)/packaging/durable_compat.h" $(BIN)/python -m pip install --quiet \
			--no-cache-dir --no-binary durable-rules 'durable-rules>=2.0.28,<2.1' && \
		$(BIN)/python -c 'import durable_rules_engine' || \
		{ $(BIN)/python -m pip uninstall --quiet -y durable-rules; \
		  echo "durable-rules did not build on this Python: the python engine runs the rules"; }; fi
	touch $@

# Reinstall only when the packaging files change.
$(VENV)/.installed: $(BIN)/python $(VENV)/.durable setup.cfg setup.py pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

DEMO_SAMPLE := samples/northwind-energy.xlsx

demo: $(VENV)/.installed
	@for f in $(SAMPLES); do echo; echo "== pmo-assess assess $$f =="; $(BIN)/pmo-assess assess $$f || exit 1; done
	@echo; echo "== a deliberately broken workbook (expected: a list of problems, exit 2) =="
	-$(BIN)/pmo-assess validate samples/broken/typos-and-gaps.xlsx
	@echo; echo "== the gap report for $(DEMO_SAMPLE) =="
	$(BIN)/pmo-assess assess $(DEMO_SAMPLE) -o report.xlsx --force
	$(BIN)/pmo-assess assess $(DEMO_SAMPLE) -o report.html --force
	$(BIN)/pmo-assess assess $(DEMO_SAMPLE) -o report.json --force
	$(BIN)/pmo-assess graph $(DEMO_SAMPLE) -o report.graphml --force
	@if command -v chromium >/dev/null 2>&1; then $(BIN)/pmo-assess assess $(DEMO_SAMPLE) -o report.pdf --force; \
	else echo "(no chromium: report.pdf not written; apt-get install chromium, or make test, installs it)"; fi
	@echo; echo "Reports written:"; for f in report.xlsx report.html report.pdf report.json report.graphml; do \
		[ -f $$f ] && echo "  $(CURDIR)/$$f"; done; true

# The HTML report test opens the report in headless Chromium, and the graph test renders the DOT
# export with Graphviz (Debian's packages). Install them when missing and we can (root with apt);
# otherwise those tests are skipped and say why.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
		(DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 || (apt-get update -qq >/dev/null 2>&1 && \
		 DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1)) || echo "chromium not installed: the browser test will be skipped"; }

graphviz:
	@command -v dot >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
		(DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null 2>&1 || (apt-get update -qq >/dev/null 2>&1 && \
		 DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null 2>&1)) || echo "graphviz not installed: the DOT rendering test will be skipped"; }

# The store tests start a throwaway PostgreSQL cluster of their own (tests/postgres.py) from Debian's
# server binaries; install them when missing and we can, else those tests skip and say why.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
		(DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null 2>&1 || (apt-get update -qq >/dev/null 2>&1 && \
		 DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null 2>&1)) || echo "postgresql not installed: the PostgreSQL store tests will be skipped"; }

# The whole suite runs once per rule engine (PMO_ASSESS_ENGINE), in parallel workers: durable-rules
# where it is installed (Python 3.11, 3.12), then the plain-Python engine everywhere.
test: $(VENV)/.installed browser graphviz postgres
	@if $(BIN)/python -c "import durable_rules_engine" 2>/dev/null; then \
		echo "== the test suite on the durable engine =="; \
		PMO_ASSESS_ENGINE=durable $(BIN)/python -m pytest -n auto -q || exit 1; \
	else echo "durable-rules is not installed on this Python: the suite runs on the python engine only"; fi
	@echo "== the test suite on the python engine =="
	PMO_ASSESS_ENGINE=python $(BIN)/python -m pytest -n auto -q

bench: $(VENV)/.installed
	$(BIN)/python bench/run.py

# Rebuild samples/ from the question bank and samples/specs/*.yaml.
samples: $(VENV)/.installed
	$(BIN)/python samples/build.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
