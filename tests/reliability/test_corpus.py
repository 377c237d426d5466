"""The bad-input corpus: each folder under tests/reliability/corpus/ is a case (a spec, its data, and
case.yaml with the command and what must happen). Each asserts the exact message, the exit
code, the run recorded with its reason where a run exists, and the store otherwise unchanged.
See tests/reliability/corpus/README.md for the format."""

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from sqlalchemy import create_engine, inspect, select, text

from driftboard.store import connect
from driftboard.store.models import FeatureResult, Run
from tests.support import corpus_env
from tests.support.cli_helpers import Result, counts, invoke, store_env
from tests.support.databases import migrated
from tests.support.repo import REPO, TESTS
from tests.support.schedproc import Cluster

# Some cases use PostgreSQL (a store or source, the shared server or one of their own), chosen
# in case.yaml at run time: the whole corpus is marked.
pytestmark = pytest.mark.postgres

CORPUS = TESTS / "reliability" / "corpus"
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


@pytest.fixture(scope="module")
def scram() -> Iterator[Cluster]:
    """A PostgreSQL server of the tests' own that checks passwords (tests/support/corpus_env.py)."""
    with corpus_env.scram_cluster() as cluster:
        yield cluster


def _sub(value: Any, subs: dict[str, str]) -> Any:
    if isinstance(value, str):
        for placeholder, replacement in subs.items():
            value = value.replace(placeholder, replacement)
        return value
    if isinstance(value, list):
        return [_sub(v, subs) for v in value]
    if isinstance(value, dict):
        return {k: _sub(v, subs) for k, v in value.items()}
    return value


def _load(case: Path, tmp: Path, request: pytest.FixtureRequest) -> dict[str, Any]:
    raw = yaml.safe_load((case / "case.yaml").read_text())
    subs = {"{case}": str(case), "{tmp}": str(tmp)}
    if raw.get("store") == "wrong-password" or "pg_source" in raw:
        subs["{pg_port}"] = str(request.getfixturevalue("scram").port)
    return dict(_sub(raw, subs))


def _store(kind: str, tmp: Path, request: pytest.FixtureRequest) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp / 'store.db'}"
    if kind == "wrong-password":
        return corpus_env.login(request.getfixturevalue("scram"), kind)
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
    engine = connect.make_engine(url)
    with engine.connect() as conn:
        runs = list(conn.execute(select(Run)).mappings())
        features = list(conn.execute(select(FeatureResult)).mappings())
    engine.dispose()
    return runs, features  # type: ignore[return-value]


def _store_is_empty(url: str, request: pytest.FixtureRequest) -> bool:
    if corpus_env.WRONG in url:  # the URL cannot log in: look with the right password
        return corpus_env.driftboard_tables(request.getfixturevalue("scram")) == []
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        return not path.exists() or _no_tables(url) or counts(url) == (0, 0)
    # A malformed URL, or one naming a driver not installed, opens no database to look into.
    unopenable = ("postgresql+psycopg2://driftboard:", "postgresql+psycopg://")
    return url.startswith(unopenable) or counts(url) == (0, 0)


def _no_tables(url: str) -> bool:
    """A SQLite file a command opened but never migrated: no driftboard table (Alembic may have
    made its empty bookkeeping table before refusing the revision)."""
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()


def _env(
    spec: dict[str, Any], url: str, case: Path, tmp: Path, request: pytest.FixtureRequest
) -> dict[str, Any]:
    env: dict[str, Any] = store_env(url, tmp) | {"CORPUS_SOURCE_URL": None}
    if "source" in spec:
        env["CORPUS_SOURCE_URL"] = _source(spec["source"], case, tmp)
    if "pg_source" in spec:
        env["CORPUS_SOURCE_URL"] = corpus_env.login(request.getfixturevalue("scram"), spec["pg_source"])
    for name, content in spec.get("files", {}).items():
        (tmp / name).write_text(content)
    return env | spec.get("env", {})


def _disk(options: dict[str, Any] | None, url: str, tmp: Path, stack: contextlib.ExitStack) -> Path | None:
    """Mount the case's small tmpfs; when asked, migrate a SQLite store on it, then fill it."""
    if options is None:
        return None
    mount = stack.enter_context(corpus_env.tmpfs(tmp / options["dir"], options["size"]))
    if not options.get("fill"):
        return None
    if url.startswith(f"sqlite:///{mount}/"):
        migrated(url)  # an existing store that fills up, not a new one that cannot start
    return corpus_env.fill(mount)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Path, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    spec = _load(case, tmp_path, request)
    with contextlib.ExitStack() as stack:
        url = _store(spec.get("store", "sqlite"), tmp_path, request)
        filler = _disk(spec.get("tmpfs"), url, tmp_path, stack)
        result = invoke(spec["command"], _env(spec, url, case, tmp_path, request))
        if filler is not None:
            filler.unlink()  # room to read the store back
        _check(result, spec["expect"], url, request)


def _check(result: Result, expect: dict[str, Any], url: str, request: pytest.FixtureRequest) -> None:
    assert result.code == expect["exit"], result.stderr
    lines = result.stderr.strip().splitlines()
    for line in expect.get("stderr", []):
        assert line in lines, f"{line!r} not among {lines!r}"
    for secret in expect.get("absent", []):
        assert secret not in result.stdout + result.stderr
    if "run" in expect and expect["run"] is None:
        assert _store_is_empty(url, request)
    elif "run" in expect:
        _check_recorded(url, expect)
    if "no_files_under" in expect:  # e.g. no half-written report left behind
        assert [p for p in Path(expect["no_files_under"]).rglob("*") if p.is_file()] == []


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


def test_every_case_is_listed_in_reliability_md() -> None:
    table = (REPO / "RELIABILITY.md").read_text()
    assert [c.name for c in CASES if f"| {c.name} |" not in table] == []
