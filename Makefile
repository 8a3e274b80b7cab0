# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PLAN_FILE ?= workplan/data/dongcheng-cppcc-2017-work-plan.txt
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/cppcc
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
# One pytest-xdist worker per CPU, a test file at a time (a file's tests share its fixtures; each
# worker that runs a tests/live file builds its own stage). `make test PYTEST_WORKERS=0`: one process.
PYTEST_WORKERS ?= auto

.PHONY: run test test-fuzz test-services lint format install install-dev messages migrate seed serve bench bench-meetings bench-similarity clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: $(PYTHON) not found; set PYTHON=python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: $(BIN)/python requirements.txt
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: $(VENV)/.runtime-installed requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime-installed messages
install-dev: $(VENV)/.dev-installed node_modules/axe-core/axe.min.js messages

# axe-core for the accessibility browser test (tests/browser/test_accessibility.py), pinned in
# package-lock.json, from the npm registry, installed only when missing; never served to users.
node_modules/axe-core/axe.min.js: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "make: npm not found (apt-get install npm) for axe-core"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

messages: $(BIN)/python
	@if command -v msgfmt >/dev/null 2>&1; then \
		$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=var -v0; \
	else echo "make: msgfmt (GNU gettext) not found: the interface falls back to English"; fi

migrate: install
	$(BIN)/python manage.py migrate --no-input -v0

seed: migrate
	$(BIN)/python manage.py import_workplan $(PLAN_FILE)
	$(BIN)/python manage.py seed_demo --if-embedded
	$(BIN)/python manage.py rebuild_similarity_index

run: seed
	$(BIN)/python manage.py collectstatic --no-input -v0
	PORT=$(PORT) bash bin/serve

# PostgreSQL, Redis, Chromium and gettext: found, or started/installed by bin/test-services (which
# stops at the end only what it started). The suite includes the live stage (tests/live/).
test: test-services install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	@export DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)}; \
		$(BIN)/python -m cppcc_portal.core.checkservices && \
		$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile --durations=25 -m "not serial" $(PYTEST_ARGS); \
		status=$$?; \
		if [ $$status -eq 0 ]; then \
			$(BIN)/pytest -m serial $(PYTEST_ARGS); status=$$?; \
			if [ $$status -eq 5 ]; then status=0; fi; \
		fi; \
		bash bin/test-services stop; exit $$status

# The live schema fuzz alone, deeper than in `make test`: schemathesis's coverage phase too and five
# examples per operation, as every role (tests/live/test_schema_fuzz.py).
test-fuzz: test-services install-dev
	@export DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		FUZZ_PHASES=$${FUZZ_PHASES:-examples,coverage,fuzzing,stateful} FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-5}; \
		$(BIN)/pytest -m fuzz tests/live/test_schema_fuzz.py $(PYTEST_ARGS); \
		status=$$?; bash bin/test-services stop; exit $$status

test-services:
	@DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		bash bin/test-services start

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var

# Latency of the main pages at ten and one years of data, the attendance import, the sweep, the
# meetings' check-in and ballot burst, and one district's burst on the scaled-out stage in a city of
# 17 committees (heavy: builds the cppcc_bench and cppcc_bench_city databases once, then reuses
# them); figures go to docs/benchmarks.md.
bench: install-dev
	@command -v wrk >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && (apt-get install -y wrk || sudo apt-get install -y wrk); }
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Only the meetings' check-in and ballot burst (issue 16), on the one-year data set; prints the table.
bench-meetings: install-dev
	$(BIN)/python bench/run.py --only-burst $(BENCH_ARGS)

# Only the similar-proposals figures (quality and in-process speed; a minute, no server).
bench-similarity: install-dev
	$(BIN)/python bench/similarity.py
