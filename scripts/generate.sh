#!/usr/bin/env bash
# Regenerate every committed generated file (kube-prometheus style: CI diffs the result).
set -euo pipefail
cd "$(dirname "$0")/.."
python -m driftboard.demo.example examples/churn
python -m driftboard.prometheus.rules
python -m driftboard.dashboards
