# Jingchu: `make demo` starts the platform from nothing; `make test` is the whole quality gate.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed-$(shell cat requirements/lock.txt pyproject.toml | cksum | cut -d' ' -f1)
DEMO_ENV := JINGCHU_DEMO=true JINGCHU_DATABASE_URL=sqlite:///var/jingchu.sqlite3
PYTEST_ARGS ?= -n 2

.PHONY: demo test install lint typecheck migrations-check openapi-check pytest openapi lock messages

$(STAMP): requirements/lock.txt pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --require-hashes -r requirements/lock.txt
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

demo: $(STAMP)
	$(DEMO_ENV) $(BIN)/jingchu migrate --noinput
	$(DEMO_ENV) $(BIN)/jingchu demo
	$(DEMO_ENV) $(BIN)/jingchu serve --port $(PORT)

test: lint typecheck migrations-check openapi-check pytest

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	JINGCHU_SECRET_KEY=typecheck JINGCHU_SM4_KEY=00000000000000000000000000000000 \
	JINGCHU_BLIND_INDEX_KEY=typecheck $(BIN)/mypy jingchu

migrations-check: $(STAMP)
	JINGCHU_SECRET_KEY=check JINGCHU_SM4_KEY=00000000000000000000000000000000 \
	JINGCHU_BLIND_INDEX_KEY=check JINGCHU_DATABASE_URL=sqlite:///var/check.sqlite3 \
	$(BIN)/jingchu makemigrations --check --dry-run

openapi-check: $(STAMP)
	JINGCHU_SECRET_KEY=check JINGCHU_SM4_KEY=00000000000000000000000000000000 \
	JINGCHU_BLIND_INDEX_KEY=check $(BIN)/jingchu openapi --check docs/openapi.json

openapi: $(STAMP)
	JINGCHU_SECRET_KEY=check JINGCHU_SM4_KEY=00000000000000000000000000000000 \
	JINGCHU_BLIND_INDEX_KEY=check $(BIN)/jingchu openapi --write docs/openapi.json

pytest: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

messages: $(STAMP)
	cd jingchu && JINGCHU_DEMO=true ../$(BIN)/jingchu makemessages -l zh_Hans --no-obsolete --no-wrap \
		--ignore 'tests/*' --ignore conftest.py && JINGCHU_DEMO=true ../$(BIN)/jingchu compilemessages -l zh_Hans

lock:
	uv pip compile pyproject.toml --extra dev -p 3.11 --generate-hashes --no-header \
		-o requirements/lock.txt

# Case-submission throughput against PostgreSQL with gunicorn + wrk; writes bench/RESULTS.md.
.PHONY: bench
bench: $(STAMP)
	$(BIN)/python bench/cases_submit.py

# Instructions per case submission and per anchor request (callgrind, in-process, PostgreSQL);
# BASE=<revision> also counts that revision and prints the difference. Needs valgrind.
.PHONY: bench-instructions
bench-instructions: $(STAMP)
	$(BIN)/python bench/instructions.py

# What each part of a submission and of the anchor costs in place (thread CPU, in-process,
# PostgreSQL); prints a table (bench/parts.py).
.PHONY: bench-parts
bench-parts: $(STAMP)
	$(BIN)/python bench/parts.py

# What PostgreSQL writes to its WAL per case submission and per anchor request (pg_stat_wal,
# in-process, after a checkpoint and without); prints a table (bench/wal_per_request.py).
.PHONY: bench-wal
bench-wal: $(STAMP)
	$(BIN)/python bench/wal_per_request.py

# What the case-number counter row costs PostgreSQL: the submission's statement under pgbench with
# 8, 2 and 1 clients, with and without the counter; prints a table (bench/HISTORY.md).
.PHONY: bench-counter
bench-counter: $(STAMP)
	$(BIN)/python bench/counter_contention.py

# SM2 sign/verify through the seal service next to `openssl speed sm2`; writes bench/RESULTS-seals.md.
.PHONY: bench-seals
bench-seals: $(STAMP)
	$(BIN)/python bench/seals_sm2.py

# Bulk licence import with signing on both cores next to `openssl speed -multi 2 sm2` and the
# bare INSERT of the same rows; SQLite, and PostgreSQL when it answers; writes bench/RESULTS-licenses.md.
.PHONY: bench-licenses
bench-licenses: $(STAMP)
	$(BIN)/python bench/licenses_import.py

# Gateway lookups by ID number against the 10M-person population base on PostgreSQL (gunicorn +
# wrk) next to pgbench's point select of the same rows; writes bench/RESULTS-gateway.md. The
# database is kept between runs (generating the base takes ~10 min the first time).
.PHONY: bench-gateway
bench-gateway: $(STAMP)
	$(BIN)/python bench/gateway_lookup.py

# Ledger appends/s next to a bare INSERT of the same rows, and proof time next to a point select,
# on a 1M-entry log on PostgreSQL (SQLite if it does not answer); writes bench/RESULTS-ledger.md.
.PHONY: bench-ledger
bench-ledger: $(STAMP)
	$(BIN)/python bench/ledger.py

# Record linkage of 1M person records (Splink on DuckDB) next to an exact-match GROUP BY; writes
# bench/RESULTS-linkage.md.
.PHONY: bench-linkage
bench-linkage: $(STAMP)
	$(BIN)/python bench/lake_linkage.py

# 12345 category classifier: held-out and 5-fold quality, train time and suggestions/s next to a
# keyword-matching baseline; writes bench/RESULTS-hotline-classifier.md.
.PHONY: bench-hotline-classifier
bench-hotline-classifier: $(STAMP)
	$(BIN)/python bench/hotline_classifier.py

# The double-random draw at city sizes next to its HMAC-SM3 ranks alone; writes
# bench/RESULTS-supervision-draw.md.
.PHONY: bench-supervision-draw
bench-supervision-draw: $(STAMP)
	$(BIN)/python bench/supervision_draw.py

# The cockpit's main page and a drill-down (gunicorn + wrk) next to /healthz, and the one-day
# rollup refresh next to the KPI functions alone, with 10M cases and 1M 12345 tickets on
# PostgreSQL; writes bench/RESULTS-cockpit.md. The database is kept between runs (generating
# the data takes ~10 min the first time).
.PHONY: bench-cockpit
bench-cockpit: $(STAMP)
	$(BIN)/python bench/cockpit_pages.py

# Data-quality audit of the population rule set at 1M and 10M rows next to a hand-written DuckDB
# query and Great Expectations (own venv .venv-bench-ge); writes bench/RESULTS-lake-audit.md.
.PHONY: bench-lake-audit
bench-lake-audit: $(STAMP)
	$(BIN)/python bench/lake_audit.py
