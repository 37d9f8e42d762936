# Tuishou 推手 — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint browser test-sqlite test-postgres test-both install clean bench-network bench-engine

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

## make run: install, migrate, load the demo the first time, serve web + worker + scheduler.
# The demo takes its payments and pays out through the sandboxes, which production refuses unless allowed.
run: export TUISHOU_ALLOW_SANDBOX ?= 1
run: $(STAMP)
	$(BIN)/tuishou migrate --noinput
	$(BIN)/tuishou demo --if-empty
	$(BIN)/tuishou serve

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# Page tests drive Debian's Chromium through Playwright (never a downloaded browser); the CJK font draws
# Chinese text in share posters and screenshots.
browser:
	@command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -q "Noto Sans CJK" \
	  && fc-list 2>/dev/null | grep -q "Noto Color Emoji" || { \
	  echo "installing chromium, fonts-noto-cjk and fonts-noto-color-emoji (the tab bar's icons) from Debian"; \
	  $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium fonts-noto-cjk fonts-noto-color-emoji; }

# PYTEST_ARGS: extra pytest options for both runs (`make test PYTEST_ARGS=-x`); CI asks for the slowest tests.
PYTEST_ARGS ?= --durations=25

test-sqlite: $(STAMP) browser
	DATABASE_URL= $(BIN)/python -m pytest $(PYTEST_ARGS)

# Runs only the tests that touch the database; fails (never skips) when PostgreSQL is unreachable.
test-postgres: $(STAMP)
	@test -n "$(TEST_DATABASE_URL)" || { echo "TEST_DATABASE_URL is not set"; exit 1; }
	$(BIN)/python -m tuishou.core.dbcheck "$(TEST_DATABASE_URL)"
	DATABASE_URL="$(TEST_DATABASE_URL)" TUISHOU_TEST_DB_ONLY=1 $(BIN)/python -m pytest $(PYTEST_ARGS)

## make test: lint, the whole suite on SQLite, and again on PostgreSQL when TEST_DATABASE_URL is set.
# The two runs are independent processes on separate databases (SQLite in memory, PostgreSQL's test_ database),
# so they run side by side, one per core: the wall time is the longer run, not the sum. Each writes to its own
# log, printed whole once both have ended; either failing fails `make test`.
test: lint
	@if [ -n "$(TEST_DATABASE_URL)" ]; then $(MAKE) --no-print-directory test-both; \
	else $(MAKE) --no-print-directory test-sqlite && echo "TEST_DATABASE_URL not set: PostgreSQL run skipped"; fi

test-both: $(STAMP) browser
	@test -n "$(TEST_DATABASE_URL)" || { echo "TEST_DATABASE_URL is not set"; exit 1; }
	@$(BIN)/python -m tuishou.core.dbcheck "$(TEST_DATABASE_URL)"
	@logs=$$(mktemp -d); start=$$(date +%s); \
	echo "running the SQLite and PostgreSQL suites side by side (logs: $$logs)"; \
	for run in sqlite postgres; do \
	  ( $(MAKE) --no-print-directory test-$$run; rc=$$?; \
	    echo "$$run run: exit $$rc after $$(( $$(date +%s) - start )) s"; exit $$rc ) >$$logs/$$run.log 2>&1 & \
	  eval "$${run}_pid=$$!"; \
	done; \
	wait $$sqlite_pid; sqlite_rc=$$?; wait $$postgres_pid; postgres_rc=$$?; \
	for run in sqlite postgres; do echo; echo "======== $$run ========"; cat $$logs/$$run.log; done; \
	echo; tail -qn1 $$logs/sqlite.log $$logs/postgres.log; \
	rm -rf $$logs; [ $$sqlite_rc -eq 0 ] && [ $$postgres_rc -eq 0 ]

bench-network: $(STAMP)
	$(BIN)/python bench/network_tree.py

bench-engine: $(STAMP)
	$(BIN)/python bench/engine.py

# The benchmarks' own tools from Debian: pgbench (the anchor) and wrk (bench/orders_http.py drives HTTP with it).
.PHONY: bench-tools
bench-tools:
	@command -v pgbench >/dev/null 2>&1 && command -v wrk >/dev/null 2>&1 || { \
	  echo "installing wrk and postgresql-contrib (pgbench) from Debian"; \
	  $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q wrk postgresql-contrib; }

# Orders through the services on 1,000,000 promoters, the pgbench anchor, and HTTP with wrk.
.PHONY: bench-orders bench-orders-http
bench-orders: $(STAMP) bench-tools
	$(BIN)/python bench/orders.py

bench-orders-http: $(STAMP) bench-tools
	$(BIN)/python bench/orders_http.py

# The hot-product launch: 10,000 buyers for 5,000 units from 16 clients (PAID=fast: every fast path and the batches).
.PHONY: bench-launch
bench-launch: $(STAMP) bench-tools
	$(BIN)/python bench/launch.py --paid $(or $(PAID),services)

clean:
	rm -rf $(VENV) data/*.sqlite3*

# Settlement of 1,000,000 pending commissions on a throwaway PostgreSQL database, against a bare UPDATE.
.PHONY: bench-settle
bench-settle: $(STAMP)
	$(BIN)/python bench/settle.py

# The operator's dashboard and income disclosure on 1,000,000 promoters and orders (throwaway PostgreSQL database).
.PHONY: bench-dashboard
bench-dashboard: $(STAMP)
	$(BIN)/python bench/dashboard.py
