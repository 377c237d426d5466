# driftboard chores; each target is a script CI runs too.
.DEFAULT_GOAL := help
VENV := .venv/bin
export PATH := $(CURDIR)/$(VENV):$(PATH)

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

setup: ## Install Debian packages, start PostgreSQL, create .venv
	scripts/setup.sh

spark-jars: ## Hadoop's S3A connector jars for the Spark-through-Hadoop test (setup runs it)
	scripts/spark-jars.sh

fmt: ## Format and auto-fix every Python file (the scope of the pre-commit ruff hooks)
	ruff check --fix .
	ruff format .

lint: ## pre-commit hooks on all files (ruff, codespell, hygiene) + mypy
	scripts/lint.sh

generate: ## Regenerate committed generated files
	scripts/generate.sh

check-generated: ## Fail if generated files are stale
	scripts/check-generated.sh

test: ## The full test suite with its own set-up (what CI runs)
	scripts/test.sh

test-fast: ## Unit tests only, under 2 min: no slow, Prometheus-stack, Chromium or Spark tests
	scripts/test-fast.sh

lock: ## Regenerate requirements.lock from .venv
	scripts/lock.sh

audit: ## pip-audit the locked dependencies (needs an advisory database online; RELIABILITY.md)
	scripts/audit.sh

bench: ## Benchmarks (see BENCHMARKS.md)
	@ls benchmarks/*.py >/dev/null 2>&1 && for b in benchmarks/[a-z]*.py; do python $$b; done

.PHONY: help setup spark-jars fmt lint generate check-generated test test-fast lock audit bench
