# Xinsheng — two commands: `make run` (install, migrate, seed the demo, serve) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2
# Without SECRET_KEY the app runs as a local development install (random key kept in instance/).
export XINSHENG_ENV ?= development
DEBIAN_PACKAGES := chromium fonts-noto-cjk
# For the tests only: nginx runs the shipped site file in tests/deploy (with its own nginx.conf;
# the package's service and default site are not used); Java runs ODK Validate (the jar pyxform
# ships) on an XLSForm export.
TEST_DEBIAN_PACKAGES := nginx openjdk-17-jre-headless

.PHONY: run test install install-test translations db seed system-packages test-system-packages bench conformance clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: requirements.lock | $(BIN)/python
	$(BIN)/pip install -q -r requirements.lock
	touch $@

$(VENV)/.test: requirements-test.lock $(VENV)/.runtime
	$(BIN)/pip install -q -r requirements-test.lock
	touch $@

# plotly.js's basic bundle (the dashboards' and reports' plotly.js, a quarter of the full one):
# fetched from the npm registry and checked against its pinned sha512 by reports/plotly_install.py
# (no npm needed); git-ignored.
PLOTLY_BASIC := reports/vendor/plotly-basic.min.js
$(PLOTLY_BASIC): reports/plotly_install.py | $(VENV)/.runtime
	$(BIN)/python -m reports.plotly_install

# Debian packages (Chromium and CJK fonts for the PDF report) are part of every install.
install: $(VENV)/.runtime $(PLOTLY_BASIC) translations system-packages
install-test: $(VENV)/.test $(PLOTLY_BASIC) translations

# Compiled catalogs are build products (not committed).
translations: $(VENV)/.runtime
	$(BIN)/pybabel compile --statistics -d translations

db: install
	mkdir -p instance
	$(BIN)/alembic upgrade head

seed: db
	$(BIN)/flask --app run demo seed

# The gunicorn workers and the job worker write their metrics to one folder, emptied at each
# start, so a scrape of /metrics adds them all up (docs/operations.md).
METRICS_DIR ?= $(CURDIR)/instance/prometheus

# The job worker (analysis runs) runs beside gunicorn and stops with it.
run: seed
	@echo "Serving Xinsheng on http://$(HOST):$(PORT)"
	rm -rf "$(METRICS_DIR)" && mkdir -p "$(METRICS_DIR)"
	export PROMETHEUS_MULTIPROC_DIR="$(METRICS_DIR)"; \
	$(BIN)/flask --app run jobs worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile - run:app

# Debian packages the browser tests need (Chromium driven by Playwright, CJK fonts).
system-packages:
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

test-system-packages:
	@$(MAKE) --no-print-directory system-packages DEBIAN_PACKAGES="$(DEBIAN_PACKAGES) $(TEST_DEBIAN_PACKAGES)"

# TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/xinsheng_test runs the suite on PostgreSQL
# (and then the multi-host deployment test, tests/deploy, which needs root and nginx).
PYTEST_ARGS ?= -n auto
test: install-test test-system-packages
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Each benchmark is also one command of its own; see bench/RESULTS.md.
bench: install-test
	$(BIN)/python bench/answer_storage.py
	$(BIN)/python bench/export_responses.py
	$(BIN)/python bench/acsi/bench_pls.py
	$(BIN)/python bench/acsi/bench_cbsem.py
	$(BIN)/python bench/acsi/bench_segments.py
	$(BIN)/python bench/dashboard.py
	$(BIN)/python bench/mail_send.py

# What the XLSForm and LimeSurvey importers make of pyxform's test corpus and LimeSurvey's sample
# surveys in ../shared/fixtures/ (not part of the project): counts, and a line per unusable file.
conformance: $(VENV)/.runtime
	$(BIN)/python -m bench.conformance

clean:
	rm -rf $(VENV) instance translations/*/LC_MESSAGES/*.mo $(PLOTLY_BASIC)
