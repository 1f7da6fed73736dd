# `make run` serves the portal on http://127.0.0.1:5000; `make test` runs every test.
# Both set up everything they need on a fresh machine and are quick the second time.
# `make test-fast` is the same set-up and every test but the slow and browser ones, while working.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app portal
HOST ?= 127.0.0.1
PORT ?= 5000
CATALOGS := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))

.PHONY: run test test-fast lint setup install install-dev catalogs keys migrate seed bench clean upgrade lock

run: setup
	@echo ""
	@echo "  Portal: http://$(HOST):$(PORT)/   (stop with Ctrl+C)"
	@$(FLASK) demo-credentials | sed 's/^/  /'
	@echo ""
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install-dev catalogs lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The inner loop: everything but the browser journeys and the other slow tests.
test-fast: install-dev catalogs lint
	$(BIN)/python -m pytest -m "not slow and not browser" $(PYTEST_ARGS)

# Pyflakes, import order and line length (pyproject's [tool.ruff]); the floors of .importlinter.
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

setup: install catalogs keys migrate seed

$(VENV)/pyvenv.cfg:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the dependencies change.
$(VENV)/.installed: pyproject.toml | $(VENV)/pyvenv.cfg
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/pyvenv.cfg
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

catalogs: $(CATALOGS)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po | $(VENV)/pyvenv.cfg
	$(BIN)/pybabel -q compile -d translations -l $*

keys: install
	@$(FLASK) keys generate >/dev/null

migrate: install keys
	$(FLASK) db upgrade

# Demo data goes in once; the marker file keeps a second `make run` quick.
seed: instance/.demo-seeded

instance/.demo-seeded: | migrate
	$(FLASK) seed-demo
	@touch $@

# Production upgrades (README, "Upgrading"): run as the portal user with the production environment
# loaded, then reload the web service. Installs exactly the locked versions, then the portal itself.
upgrade: | $(VENV)/pyvenv.cfg
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/pybabel -q compile -d translations
	$(FLASK) db upgrade
	$(FLASK) discretion load
	@echo "upgrade: done; now reload the web service: systemctl reload portal-web"

# Regenerate requirements.lock (pinned versions with hashes) after changing pyproject.toml's dependencies.
lock: install-dev
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --no-emit-index-url --no-emit-find-links \
		--output-file requirements.lock pyproject.toml

bench: install-dev catalogs
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) instance/.demo-seeded
