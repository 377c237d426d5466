"""The bad-input corpus: each folder under tests/corpus/ is a case (a spec, its data, and
case.yaml with the command and what must happen). Each asserts the exact message, the exit
code, the run recorded with its reason where a run exists, and the store otherwise unchanged.
See tests/corpus/README.md for the format."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from sqlalchemy import create_engine, select, text

from driftboard import db
from driftboard.models import FeatureResult, Run
from tests.cli_helpers import counts, invoke, store_env

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(p for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith("_"))
READONLY_ROLE = "driftboard_corpus_readonly"


@pytest.fixture(scope="module")
def readonly_url(pg_url: str) -> Iterator[str]:
    """A login that may read the store (and its schema version) but write nothing."""
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(
            text(
                f"DO $$ BEGIN CREATE ROLE {READONLY_ROLE} LOGIN; EXCEPTION WHEN duplicate_object THEN END $$"
            )
        )
        conn.execute(text(f"GRANT SELECT ON runs, feature_results, alembic_version TO {READONLY_ROLE}"))
    yield pg_url.replace("postgres@", f"{READONLY_ROLE}@")
    with admin.connect() as conn:
        conn.execute(text(f"REVOKE ALL ON runs, feature_results, alembic_version FROM {READONLY_ROLE}"))
    admin.dispose()


def _sub(value: Any, case: Path, tmp: Path) -> Any:
    if isinstance(value, str):
        return value.replace("{case}", str(case)).replace("{tmp}", str(tmp))
    if isinstance(value, list):
        return [_sub(v, case, tmp) for v in value]
    if isinstance(value, dict):
        return {k: _sub(v, case, tmp) for k, v in value.items()}
    return value


def _store(kind: str, tmp: Path, request: pytest.FixtureRequest) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp / 'store.db'}"
    if kind == "readonly-role":
        request.getfixturevalue("fresh_store")  # empty it first, so "unchanged" means zero rows
        return str(request.getfixturevalue("readonly_url"))
    return kind  # a literal URL (an unreachable one)


def _source(tables: dict[str, str], case: Path, tmp: Path) -> str:
    url = f"sqlite:///{tmp / 'source.db'}"
    engine = create_engine(url)
    for table, csv in tables.items():
        pd.read_csv(case / csv).to_sql(table, engine, index=False)
    engine.dispose()
    return url


def _rows(url: str) -> tuple[list[Run], list[FeatureResult]]:
    engine = db.make_engine(url)
    with engine.connect() as conn:
        runs = list(conn.execute(select(Run)).mappings())
        features = list(conn.execute(select(FeatureResult)).mappings())
    engine.dispose()
    return runs, features  # type: ignore[return-value]


def _store_is_empty(url: str) -> bool:
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        return not path.exists() or counts(url) == (0, 0)
    return url.startswith("postgresql+psycopg2://driftboard:") or counts(url) == (0, 0)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Path, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    spec = _sub(yaml.safe_load((case / "case.yaml").read_text()), case, tmp_path)
    expect = spec["expect"]
    url = _store(spec.get("store", "sqlite"), tmp_path, request)
    env = store_env(url, tmp_path) | {"CORPUS_SOURCE_URL": None}
    if "source" in spec:
        env["CORPUS_SOURCE_URL"] = _source(spec["source"], case, tmp_path)
    env |= spec.get("env", {})
    for name, content in spec.get("files", {}).items():
        (tmp_path / name).write_text(content)

    result = invoke(spec["command"], env)

    assert result.code == expect["exit"], result.stderr
    lines = result.stderr.strip().splitlines()
    for line in expect.get("stderr", []):
        assert line in lines, f"{line!r} not among {lines!r}"
    for secret in expect.get("absent", []):
        assert secret not in result.stdout + result.stderr
    if "run" in expect and expect["run"] is None:
        assert _store_is_empty(url)
    elif "run" in expect:
        _check_recorded(url, expect)


def _check_recorded(url: str, expect: dict[str, Any]) -> None:
    runs, features = _rows(url)
    assert len(runs) == 1, "exactly one run is recorded"
    for key, value in expect["run"].items():
        assert runs[0][key] == value, key
    by_name = {f["feature"]: f for f in features}
    for name, fields in expect.get("features", {}).items():
        for key, value in fields.items():
            assert by_name[name][key] == value, (name, key)


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 25
