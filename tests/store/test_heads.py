"""The schema check without Alembic (store/heads.py) agrees with Alembic, or steps aside."""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from driftboard.store import connect, heads, schema
from tests.support.repo import REPO

SCRIPT = '''"""{doc}"""
revision{annotation} = {revision}
down_revision{annotation} = {down}
'''


@pytest.fixture
def versions(tmp_path: Path) -> Path:
    """A copy of the repository's migration scripts, to add to."""
    folder = tmp_path / "versions"
    shutil.copytree(REPO / "migrations" / "versions", folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def _add(folder: Path, name: str, revision: str, down: str, annotation: str = "") -> None:
    text = SCRIPT.format(doc=name, annotation=annotation, revision=revision, down=down)
    (folder / f"{name}.py").write_text(text)


def test_the_head_is_alembics(sqlite_url: str) -> None:
    engine = connect.make_engine(sqlite_url)
    assert heads.head(schema.migrations_dir() / "versions") == schema.head_revision(engine)
    engine.dispose()


def test_a_later_script_is_the_new_head(versions: Path) -> None:
    before = heads.head(versions)
    _add(versions, "later", "'9999'", f'"{before}"', annotation=": str")
    assert heads.head(versions) == "9999"


@pytest.mark.parametrize(
    ("revision", "down"),
    [
        ('"9999"', '("0010", "0011")'),  # a merge of two branches: left to Alembic
        ('"9999"', '"0010"'),  # a second head beside 0011
        ('"9999"', '"nowhere"'),  # a parent no script declares
        ('"0011"', '"0010"'),  # a revision declared twice
        ("REVISION", '"0011"'),  # not a plain string
    ],
)
def test_anything_unclear_gives_no_head(versions: Path, revision: str, down: str) -> None:
    _add(versions, "unclear", revision, down)
    assert heads.head(versions) is None


def test_editor_backups_and_other_files_are_not_scripts(versions: Path) -> None:
    before = heads.head(versions)
    _add(versions, ".#later", '"9999"', f'"{before}"')
    (versions / "notes.txt").write_text('revision = "9998"\n')
    assert heads.head(versions) == before


def test_the_stamp_is_what_alembic_reads(sqlite_url: str) -> None:
    engine = connect.make_engine(sqlite_url)
    with engine.connect() as conn:
        assert heads.stamped(conn) is None  # no version table yet
    schema.upgrade(engine)
    with engine.connect() as conn:
        assert heads.stamped(conn) == schema.current_revision(engine)
    engine.dispose()


def test_a_store_behind_the_head_is_not_current(sqlite_url: str) -> None:
    engine = connect.make_engine(sqlite_url)
    schema.upgrade(engine)
    assert schema.is_current(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0010'"))
    assert not schema.is_current(engine)
    engine.dispose()


def test_a_migrated_store_reads_as_current_on_both_backends(store_url: str) -> None:
    engine = connect.make_engine(store_url)
    with engine.connect() as conn:
        assert heads.stamped(conn) == heads.head(schema.migrations_dir() / "versions")
    assert schema.is_current(engine)
    engine.dispose()
