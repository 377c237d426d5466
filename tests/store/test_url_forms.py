"""Every PostgreSQL URL form people are handed works for the store: `postgresql://`,
`postgres://` and `postgresql+psycopg2://`, each pointed at the installed driver (psycopg2);
a URL naming a driver that is not installed is one line on stderr and exit 3."""

import re
from pathlib import Path

import pytest

from driftboard.dburl import MissingDriver, engine_url
from tests.support.cli_helpers import counts, invoke, store_env
from tests.support.databases import create_pg_database, drop_pg_database
from tests.support.repo import REPO

SPEC = str(REPO / "jobs" / "example-churn.yaml")
CLEAN_AT = ["--at", "2026-01-01T18:00:00Z"]  # before the drift: no Evidently report to build
FORMS = ["postgresql://", "postgres://", "postgresql+psycopg2://"]
MISSING = "postgresql+psycopg://"  # psycopg 3: not installed in driftboard's environment


def as_form(url: str, scheme: str) -> str:
    return scheme + url.split("://", 1)[1]


@pytest.mark.parametrize("scheme", [*FORMS, "postgres+psycopg2://"])
def test_every_form_points_at_psycopg2(scheme: str) -> None:
    url = engine_url(f"{scheme}someone:secret@db.example:5433/metrics?sslmode=require")
    assert url.drivername == "postgresql+psycopg2"
    assert (url.username, url.password, url.host, url.port, url.database) == (
        "someone", "secret", "db.example", 5433, "metrics",
    )  # fmt: skip
    assert dict(url.query) == {"sslmode": "require"}


def test_sqlite_urls_are_left_alone() -> None:
    assert engine_url("sqlite:///driftboard.db").render_as_string() == "sqlite:///driftboard.db"


@pytest.mark.parametrize(
    ("url", "words"),
    [(MISSING + "u@h/db", "names driver 'postgresql+psycopg', which is not installed here"),
     ("postgresql+asyncpg://u@h/db", "names the asyncio driver 'postgresql+asyncpg'"),
     ("postgresq://u@h/db", "names an unknown database dialect 'postgresq'")],  # codespell:ignore
)  # fmt: skip
def test_unusable_drivers_are_named(url: str, words: str) -> None:
    with pytest.raises(MissingDriver, match=re.escape(words)):
        engine_url(url)


@pytest.mark.parametrize("scheme", FORMS)
def test_upgrade_run_and_sla_report_on_each_form(scheme: str, tmp_path: Path) -> None:
    url = create_pg_database()
    try:
        env = store_env(as_form(url, scheme), tmp_path) | {"DRIFTBOARD_KEEP_REPORTS": "none"}
        upgrade = invoke(["db", "upgrade"], env)
        assert upgrade.code == 0, upgrade.stderr
        run = invoke(["run", SPEC, *CLEAN_AT, "--json"], env)
        assert (run.code, run.json()["run"]["status"]) == (0, "succeeded"), run.stderr
        sla = invoke(["report", "sla", "--format", "json", "--end", "2026-01-02T00:00:00Z"], env)
        assert sla.code == 0, sla.stderr
        assert counts(url) == (1, 9)
    finally:
        drop_pg_database(url)


@pytest.mark.parametrize(
    "command",
    [["db", "upgrade"], ["run", SPEC, *CLEAN_AT], ["report", "sla"], ["db", "maintain"], ["status"]],
)
def test_a_missing_driver_is_one_line_and_exit_3(command: list[str], pg_url: str, tmp_path: Path) -> None:
    url = as_form(pg_url, MISSING).replace("postgres@", "postgres:pw-never-shown@")
    env = store_env(url, tmp_path)
    result = invoke(command, env)
    assert result.code == 3
    assert result.stderr.splitlines() == [
        "error: DRIFTBOARD_DATABASE_URL names driver 'postgresql+psycopg', which is not installed "
        "here (install it or write postgresql:// to use psycopg2)"
    ]
    assert "pw-never-shown" not in result.stderr + result.stdout
