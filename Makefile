# Tuishou 推手 — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint browser test-sqlite test-postgres install clean bench-network bench-engine

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

test-sqlite: $(STAMP) browser
	DATABASE_URL= $(BIN)/python -m pytest

# Runs only the tests that touch the database; fails (never skips) when PostgreSQL is unreachable.
test-postgres: $(STAMP)
	@test -n "$(TEST_DATABASE_URL)" || { echo "TEST_DATABASE_URL is not set"; exit 1; }
	$(BIN)/python -m tuishou.core.dbcheck "$(TEST_DATABASE_URL)"
	DATABASE_URL="$(TEST_DATABASE_URL)" TUISHOU_TEST_DB_ONLY=1 $(BIN)/python -m pytest

## make test: lint, the whole suite on SQLite, and again on PostgreSQL when TEST_DATABASE_URL is set.
test: lint test-sqlite
	@if [ -n "$(TEST_DATABASE_URL)" ]; then $(MAKE) --no-print-directory test-postgres; \
	else echo "TEST_DATABASE_URL not set: PostgreSQL run skipped"; fi

bench-network: $(STAMP)
	$(BIN)/python bench/network_tree.py

bench-engine: $(STAMP)
	$(BIN)/python bench/engine.py

# Orders through the services on 1,000,000 promoters, the pgbench anchor, and HTTP with wrk (apt-get install wrk).
.PHONY: bench-orders
bench-orders: $(STAMP)
	$(BIN)/python bench/orders.py

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
