#!/usr/bin/env bash
# Hadoop's S3A connector for the spark engine's tests of Spark reading s3:// itself (against
# moto's local S3 server, tests/run/test_sparkhadoop.py). Its jars live on Maven Central,
# which this CI machine cannot reach; PyPI's sagemaker_pyspark sdist ships hadoop-aws 3.3.1
# and the AWS SDK bundle it was built with, so they are taken from there, checked against
# pinned hashes, into .cache/spark-jars/ (once: later runs find them there).
set -euo pipefail
cd "$(dirname "$0")/.."

DEST=.cache/spark-jars
SDIST=sagemaker_pyspark-1.4.5.tar.gz
SDIST_SHA=05ca2d5081d7138ce29a8fb0a9cba077f28c825288ed07aed46a82e63c0bf1fb
JARS=(
  "hadoop-aws-3.3.1.jar 6be50ad8a8b445d2802381b085b2a3ede5c29d353450a6a21f16b2fefa962b6e"
  "aws-java-sdk-bundle-1.11.901.jar b87175b32a16544cc1b37cf40390eb375833e62bed67f8ce6cde4b7ad6429ead"
)

have_all() {
  for entry in "${JARS[@]}"; do
    read -r name sha <<<"$entry"
    echo "$sha  $DEST/$name" | sha256sum --check --status 2>/dev/null || return 1
  done
}

have_all && exit 0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
.venv/bin/python -m pip download -q --no-deps --no-binary :all: -d "$work" sagemaker_pyspark==1.4.5
echo "$SDIST_SHA  $work/$SDIST" | sha256sum --check --status
mkdir -p "$DEST"
for entry in "${JARS[@]}"; do
  read -r name _ <<<"$entry"
  tar -xzf "$work/$SDIST" -C "$DEST" --strip-components=3 "sagemaker_pyspark-1.4.5/deps/jars/$name"
done
have_all
