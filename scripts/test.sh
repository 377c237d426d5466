#!/usr/bin/env bash
# The one test command (README and .ci/run call exactly this): set-up, lint, generated files, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
scripts/lint.sh
scripts/check-generated.sh
python -m pytest "$@"
