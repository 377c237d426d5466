#!/usr/bin/env bash
# Style, spelling, hygiene and types: every pre-commit hook on every file (.pre-commit-config.yaml:
# ruff lint + format, codespell, whitespace/EOF/YAML/TOML/JSON checks…), then mypy.
set -euo pipefail
cd "$(dirname "$0")/.."
# The hooks are `language: system`: they call the tools in .venv, so it must be on PATH.
export PATH="$PWD/.venv/bin:$PATH"
pre-commit run --all-files --show-diff-on-failure
mypy
