# Two entry points for a fresh machine: `make demo` and `make test`.
# Both create the virtual environment in .venv on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB := demo-out/demo.db
DEMO_URL := sqlite:///$(DEMO_DB)
KK := $(BIN)/kleinkasso

.PHONY: demo test lint check-types clean bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The main job on the shipped example data: creditor, ERP export, returned
# debits, daily run, bank statement, settlement, then the summary.
demo: $(STAMP)
	rm -rf demo-out
	mkdir -p demo-out
	$(KK) creditor add --config examples/creditor.toml --db $(DEMO_URL)
	@# Exit status 1 means some rows were rejected (six are broken on purpose).
	$(KK) import open-items examples/open-items.csv --creditor spielwiese --db $(DEMO_URL) || [ $$? -eq 1 ]
	$(KK) import returns examples/returns-camt054.xml --creditor spielwiese --db $(DEMO_URL)
	$(KK) run --as-of 2026-11-16 --out demo-out --db $(DEMO_URL)
	$(KK) import statement examples/statement-camt053.xml --db $(DEMO_URL)
	$(KK) run --as-of 2026-12-04 --out demo-out --db $(DEMO_URL)
	$(KK) settle --creditor spielwiese --period 2026-11 --out demo-out --db $(DEMO_URL)
	$(KK) check --db $(DEMO_URL)
	$(KK) summary --creditor spielwiese --as-of 2026-12-04 --db $(DEMO_URL)
	@echo "Letters, e-mails and the settlement are in demo-out/"

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/codespell src tests docs README.md

check-types: $(STAMP)
	$(BIN)/mypy

# The suite runs on SQLite and on a throwaway PostgreSQL server on
# 127.0.0.1 (scripts/pg-test-server installs Debian's postgresql-15 as root
# when it is missing). SKIP_PG=1 runs SQLite only.
test: $(STAMP) lint check-types
	@if [ -n "$(SKIP_PG)" ]; then \
		$(BIN)/pytest -q; \
	else \
		url=$$(scripts/pg-test-server start) || exit 1; \
		trap 'scripts/pg-test-server stop' EXIT; \
		KLEINKASSO_TEST_PG_URL=$$url $(BIN)/pytest -q; \
	fi

# The main job at 100,000 and 1,000,000 open items, each step beside its raw
# limit, on SQLite. With BENCH_PG_URL (an admin URL such as the one
# scripts/pg-test-server prints) it also runs on PostgreSQL, at 100,000 items
# or the sizes in BENCH_PG_ITEMS. It rewrites the figures in
# docs/benchmarks.md and keeps both CPUs busy for a long time.
bench: $(STAMP)
	$(BIN)/python bench/run.py --items 100000,1000000 --write-docs \
		$(if $(BENCH_PG_URL),--pg $(BENCH_PG_URL) --pg-items $(or $(BENCH_PG_ITEMS),100000))

clean:
	rm -rf $(VENV) demo-out .pytest_cache .mypy_cache .ruff_cache
