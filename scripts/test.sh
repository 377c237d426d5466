#!/usr/bin/env bash
# The one test command (README and .ci/run call exactly this): set-up, lint, generated files, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
scripts/lint.sh
scripts/check-generated.sh
# Coverage of driftboard with a floor a few points under the measured total. Only the pytest
# process is measured: code that runs in the scheduler, demo and CLI subprocesses the slow tests
# start is not counted. coverage's `patch = subprocess` would count it, but would also trace
# those processes, slowing down tests that wait on a scheduler's timing.
python -m pytest --cov=driftboard --cov-report=term:skip-covered --cov-fail-under=86 "$@"
