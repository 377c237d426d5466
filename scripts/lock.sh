#!/usr/bin/env bash
# Regenerate requirements.lock from .venv (see scripts/lock.py). After changing pyproject.toml's
# dependencies: .venv/bin/pip install -e '.[dev,spark]' (without -c), run this, commit both files.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python scripts/lock.py >requirements.lock
