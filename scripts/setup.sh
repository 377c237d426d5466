#!/usr/bin/env bash
# Everything the test suite needs on a fresh Debian 12 machine of the python-svc kind:
# Debian packages for the real Prometheus stack, a running PostgreSQL, and the Python venv.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
for bin in prometheus promtool prometheus-pushgateway prometheus-alertmanager amtool; do
  command -v "$bin" >/dev/null || need_apt=(prometheus prometheus-pushgateway prometheus-alertmanager)
done
# Headless Chromium renders the SLA report in its tests.
command -v chromium >/dev/null || need_apt+=(chromium)
# The spark drift engine's tests run a local Spark 4, which needs Java 17 or later.
command -v java >/dev/null || need_apt+=(openjdk-17-jre-headless)
if [ ${#need_apt[@]} -gt 0 ]; then
  # Installing must not start the daemons (they would grab ports and persist data).
  if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
  for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432

PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# Under the pins of requirements.lock (scripts/lock.sh): what CI tests is what the image ships.
.venv/bin/python -m pip install -q --constraint requirements.lock -e '.[dev,spark]'
# Hadoop's S3A connector jars, for the test of Spark reading s3:// itself (Maven Central is out of reach).
scripts/spark-jars.sh
