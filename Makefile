# Cadenza developer entry points. Everything is scripted in scripts/; nothing needs doing by hand.
SHELL := /bin/bash
.DEFAULT_GOAL := help
ROOT := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))

# Two pytest workers (xdist), whole test files each: e2e tests mostly wait on processes, so the
# other worker's tests run meanwhile. Each worker has its own database, Redis database and stack.
PYTEST_ARGS ?= -q -ra -n 2 --dist loadfile
BENCH_ARGS ?=

.PHONY: help bootstrap bootstrap-dev run test fuzz bench migrate services-start services-stop services-status lock clean

help: ## show this help
	@echo "Cadenza make targets:"
	@grep -E '^[a-zA-Z_-]+:.*## ' $(ROOT)/Makefile | awk -F ':.*## ' '{ printf "  %-16s %s\n", $$1, $$2 }'
	@echo
	@echo "Variables: PORT (run, default 8000 or a free one), PYTEST_ARGS (test, default '-q -ra -n 2 --dist loadfile'), BENCH_ARGS, UPGRADE=1 (lock)"

bootstrap: ## install system packages if missing and .venv from requirements.lock
	@bash $(ROOT)/scripts/bootstrap.sh

bootstrap-dev: ## same, plus the test dependencies (requirements-dev.lock)
	@BOOTSTRAP_DEV=1 bash $(ROOT)/scripts/bootstrap.sh

run: ## run every Procfile process with private PostgreSQL/Redis in .var (Ctrl-C stops all)
	@bash $(ROOT)/scripts/run.sh

test: ## run the test suite against private services in .var/test
	@bash $(ROOT)/scripts/test.sh $(PYTEST_ARGS)

fuzz: ## fuzz every API operation from the OpenAPI document (schemathesis; FUZZ_EXAMPLES, default 200)
	@FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-200} FUZZ_SEED=$${FUZZ_SEED:-random} bash $(ROOT)/scripts/test.sh -q -ra tests/e2e/test_fuzz.py

bench: ## run the benchmarks (python -m bench) against private services in .var/bench
	@bash $(ROOT)/scripts/bench.sh $(BENCH_ARGS)

migrate: ## alembic upgrade head on the dev database (.var)
	@bash $(ROOT)/scripts/migrate.sh

services-start: ## start the dev PostgreSQL/Redis (.var) and leave them running
	@bash $(ROOT)/scripts/services.sh start .var && bash $(ROOT)/scripts/services.sh env .var

services-stop: ## stop every PostgreSQL/Redis these scripts started (.var, .var/test, .var/bench)
	@for d in .var .var/test .var/bench; do bash $(ROOT)/scripts/services.sh stop $$d; done

services-status: ## show the dev services (.var)
	@bash $(ROOT)/scripts/services.sh status .var || true

lock: ## regenerate both lock files with uv (UPGRADE=1 to move pins)
	@bash $(ROOT)/scripts/lock.sh

clean: services-stop ## stop services, remove .var and .venv
	rm -rf $(ROOT)/.var $(ROOT)/.venv
