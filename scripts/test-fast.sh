#!/usr/bin/env bash
# The quick loop while coding (under two minutes on the 2-core machine): every test but the slow
# ones (scheduler, demo and CLI processes), the real Prometheus stack, promtool/amtool and
# Chromium. Needs PostgreSQL on 127.0.0.1:5432 (scripts/setup.sh starts it); add
# `-m "... and not postgres"` yourself to go without. CI (scripts/test.sh) runs everything.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
exec python -m pytest -m "not slow and not prometheus_stack and not chromium" "$@"
