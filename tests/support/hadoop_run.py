"""`python tests/support/hadoop_run.py JOB CACHE`: one spark-engine evaluation of JOB in a
process of its own, whose Spark (PYSPARK_SUBMIT_ARGS, from tests/run/test_sparkhadoop.py)
has Hadoop's S3A connector. The pyarrow route (arrowplan.frame) is refused here, so a run
that succeeds had Spark read s3:// through Hadoop. Prints the evaluation as one JSON line."""

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from driftboard.drift.scoring import DriftOptions  # noqa: E402
from driftboard.drift.spark import arrowplan  # noqa: E402
from tests.support import lake  # noqa: E402


def refused(*args: object) -> NoReturn:
    raise AssertionError("the pyarrow route was taken: Spark's Hadoop should have read s3://")


def main() -> None:
    job, cache = Path(sys.argv[1]), Path(sys.argv[2])
    arrowplan.frame = refused  # type: ignore[assignment]
    got = lake.evaluate(job, DriftOptions(engine="spark", spark_master="local[1]", cache_dir=cache))
    sys.stdout.write(json.dumps(asdict(got), default=str) + "\n")


if __name__ == "__main__":
    main()
