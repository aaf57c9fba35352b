# thidua: `make run` serves the web chat on http://127.0.0.1:8000/chat; `make test` runs the
# quality gates and the suite (on PostgreSQL too when THIDUA_TEST_POSTGRES_URL is set).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint test-sqlite test-postgres locales bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The officer desk is on under `make run`, signed with a secret generated once for this machine
# (var/web-secret); THIDUA_WEB_UI / THIDUA_WEB_SECRET in the environment win.
RUN_ENV = THIDUA_WEB_UI=$${THIDUA_WEB_UI:-true} \
	THIDUA_WEB_SECRET=$${THIDUA_WEB_SECRET:-$$(cat var/web-secret)}

run: $(STAMP)
	mkdir -p var
	test -s var/web-secret || (umask 077 && $(BIN)/python -c \
		"import secrets; print(secrets.token_urlsafe(48))" > var/web-secret)
	$(BIN)/thidua db upgrade
	$(RUN_ENV) $(BIN)/thidua demo load --if-empty
	$(RUN_ENV) $(BIN)/thidua serve

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

test-sqlite: $(STAMP)
	$(BIN)/pytest --db=sqlite

test-postgres: $(STAMP)
	$(BIN)/pytest --db=postgres

test: lint test-sqlite
	@if [ -n "$$THIDUA_TEST_POSTGRES_URL" ]; then $(MAKE) --no-print-directory test-postgres; \
	else echo "THIDUA_TEST_POSTGRES_URL is not set: the PostgreSQL pass was skipped"; fi

# Re-extract the template and list what either catalog lacks (add it to the feature's own .po).
locales: $(STAMP)
	$(BIN)/pybabel extract -F locales/babel.cfg -k _ -k N_ -k gettext -k ngettext:1,2 \
		--no-location --sort-output --project thidua -o locales/messages.pot .
	$(BIN)/pytest -q tests/unit/test_catalogs.py

bench: $(STAMP)
	$(BIN)/python -m bench.webchat_throughput

clean:
	rm -rf $(VENV) var
