# Two commands do everything on a fresh clone: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The developer's virtualenv declares itself a development one (the settings default to production).
DEVMARK := $(VENV)/jpo-env
HOST ?= 127.0.0.1
PORT ?= 8000
SEED ?= 2026

.PHONY: run test install lint typecheck check messages catalogue worker bench-smoke clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(DEVMARK): | $(BIN)/python
	echo development > $(DEVMARK)

$(STAMP): pyproject.toml | $(BIN)/python $(DEVMARK)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## run: install, migrate the SQLite database, load demo data, serve on http://127.0.0.1:8000
## (with the background task worker beside the web server; Ctrl-C stops both)
run: export JPO_ENV ?= development
run: $(STAMP)
	@mkdir -p var
	$(BIN)/jpo migrate --noinput
	$(BIN)/jpo demo --seed $(SEED)
	@$(BIN)/jpo demo_logins
	@echo "Background tasks: jpo db_worker runs beside the server (imports, screening, e-mails, reminders)."
	@trap 'kill 0' INT TERM EXIT; \
	  $(BIN)/jpo db_worker --no-reload --no-startup-delay & \
	  $(BIN)/jpo runserver $(HOST):$(PORT)

## test: install what tests need and run the whole suite
test: export JPO_ENV ?= test
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src bench
	$(BIN)/ruff format --check src bench
	$(BIN)/vulture

typecheck: $(STAMP)
	$(BIN)/mypy

check: lint typecheck test

## messages: refresh and compile the Japanese/English translation catalogues (needs GNU gettext)
messages: $(STAMP)
	cd src/jpo && ../../$(BIN)/jpo makemessages -l ja -l en --no-obsolete && ../../$(BIN)/jpo compilemessages

worker: export JPO_ENV ?= development
worker: $(STAMP)
	$(BIN)/jpo db_worker

bench-smoke: export JPO_ENV ?= development
bench-smoke: $(STAMP)
	@for f in bench/*.py; do echo "== $$f"; $(BIN)/python $$f --smoke || exit 1; done

clean:
	rm -rf $(VENV) var/*.sqlite3 .pytest_cache .mypy_cache .ruff_cache

## catalogue: recompile the Japanese catalogue (django.mo) from django.po without reordering it
catalogue: $(STAMP)
	$(BIN)/python -c "import polib; p = 'src/jpo/locale/ja/LC_MESSAGES/django'; polib.pofile(p + '.po').save_as_mofile(p + '.mo')"
