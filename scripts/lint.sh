#!/usr/bin/env bash
# Style and types: ruff (lint + format) and mypy.
set -euo pipefail
cd "$(dirname "$0")/.."
ruff check driftboard tests migrations benchmarks
ruff format --check driftboard tests migrations benchmarks
mypy
