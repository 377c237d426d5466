#!/usr/bin/env bash
# Fails when a committed generated file is not what the generators produce now.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/generate.sh
if ! git diff --exit-code --stat -- examples dashboards alerting; then
  echo "generated files are stale: run 'make generate' and commit the result" >&2
  exit 1
fi
