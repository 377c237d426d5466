#!/usr/bin/env bash
# The quick loop while coding (55-80 s of CPU: about 70 s on an otherwise idle 2-core machine):
# every test but the slow ones (scheduler, demo and CLI processes, a database per test), the
# real Prometheus stack, promtool/amtool, Chromium and the local Spark (a JVM to start). Needs PostgreSQL on 127.0.0.1:5432
# (scripts/setup.sh starts it); to go without, pass the whole expression again with
# `and not postgres` (a later -m wins). CI (scripts/test.sh) runs everything.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
exec python -m pytest -m "not slow and not prometheus_stack and not chromium and not spark" "$@"
