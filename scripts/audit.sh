#!/usr/bin/env bash
# Known vulnerabilities in the locked dependencies (requirements.lock) with pip-audit.
#
# pip-audit asks an advisory database over the network: PyPI's JSON API (default) or OSV
# (AUDIT_SERVICE=osv). Run it where one is reachable (a developer machine, a CI runner with
# internet access). This repository's own CI machine reaches loopback only, so CI does not run
# it (RELIABILITY.md, "Dependency audit"). pip-audit is not in .[dev]: this machine's package
# mirror does not carry it. Install it with: pip install 'pip-audit>=2.7'
set -euo pipefail
cd "$(dirname "$0")/.."
PIP_AUDIT=${PIP_AUDIT:-pip-audit}
if ! command -v "$PIP_AUDIT" >/dev/null; then
  echo "pip-audit not found: pip install 'pip-audit>=2.7' (or set PIP_AUDIT)" >&2
  exit 2
fi
# --no-deps --disable-pip: the lock is complete and pinned, so nothing is resolved or installed.
exec "$PIP_AUDIT" --strict --no-deps --disable-pip --requirement requirements.lock \
  --vulnerability-service "${AUDIT_SERVICE:-pypi}" "$@"
