# Postmortem Wizard — the two commands a fresh machine needs are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8501
APT_PACKAGES := chromium fonts-dejavu-core poppler-utils prometheus prometheus-alertmanager

.PHONY: run test lint bench install install-test system-packages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the dependencies change, so `make run` on an installed tree starts at once.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test system-packages

## run: install, migrate the database, seed the demo incident if empty, start the app on $(HOST):$(PORT)
run: install
	$(BIN)/postmortem migrate --seed-demo
	$(BIN)/streamlit run serve.py --server.address=$(HOST) --server.port=$(PORT)

## system-packages: Debian packages the tests drive (Chromium for browser tests); installed when missing
system-packages:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/mypy

## test: install test needs, lint, type-check and run the whole suite (SQLite and PostgreSQL, browser tests)
test: lint
	$(BIN)/pytest

bench: install-test
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) data test-output
