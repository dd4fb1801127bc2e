# One command to set up and test, one to see the product. Targets create .venv as needed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
CODE := bot storage sandbox simulation tests benchmarks
MO := locales/vi/LC_MESSAGES/messages.mo locales/en/LC_MESSAGES/messages.mo
PORT ?= 8081

.PHONY: install catalogs extract lint format types test run demo bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

catalogs: $(MO)

locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po $(STAMP)
	$(PY) -m babel.messages.frontend compile -i $< -o $@ -l $*

# After changing user-facing text: refresh the template and merge it into each language.
extract: $(STAMP)
	$(PY) -m babel.messages.frontend extract -F babel.cfg -k N_ -k tr --no-location --sort-output \
		--omit-header -o locales/messages.pot .
	$(PY) -m babel.messages.frontend update -i locales/messages.pot -d locales -D messages \
		--no-fuzzy-matching --ignore-obsolete -w 100

# Style, the import contracts of pyproject.toml, and the layout rules import-linter cannot see
# (module and function sizes, no SQL in chat modules, one commit per update: tests/test_layout.py).
lint: $(STAMP)
	$(VENV)/bin/ruff check $(CODE)
	$(VENV)/bin/ruff format --check $(CODE)
	$(VENV)/bin/lint-imports
	$(VENV)/bin/pytest -q -p no:cacheprovider tests/test_layout.py

format: $(STAMP)
	$(VENV)/bin/ruff check --fix $(CODE)
	$(VENV)/bin/ruff format $(CODE)

types: $(STAMP)
	$(VENV)/bin/mypy

# Most tests wait on sockets (the sandbox, PostgreSQL): the suite uses about half of two cores,
# so ten workers share them well (6 min 02 s against 7 min 42 s with six, 05/12/2026; work
# stealing keeps the long end-to-end tests from finishing last on one worker);
# `make test WORKERS=0` runs them in one process. mypy runs beside them; the target fails if
# either fails.
WORKERS ?= 10
test: catalogs lint
	@$(VENV)/bin/mypy > .mypy.log 2>&1 & types=$$!; \
	$(VENV)/bin/pytest -n $(WORKERS) --dist worksteal; tests=$$?; \
	wait $$types; typed=$$?; cat .mypy.log; rm -f .mypy.log; \
	[ $$tests -eq 0 ] && [ $$typed -eq 0 ]

run: catalogs
	$(PY) -m bot db upgrade
	$(PY) -m bot run

# A demo school, the Telegram sandbox and the bot together; open the printed address.
demo: catalogs
	$(PY) -m bot demo --port $(PORT)

bench: catalogs
	$(PY) benchmarks/import_roster.py
	$(PY) benchmarks/sandbox_throughput.py
	$(PY) benchmarks/file_bombs.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache $(MO)
