"""The schema revision a run needs, known without Alembic: its import (with Mako and Pygments)
and its loading of every migration script cost a plain `driftboard run` about 0.2 s of CPU.

Each migration script declares `revision = "…"` and `down_revision = "…"` at the top level;
the head is the one revision no other script names as its parent. Anything this reading does
not understand (a merge of branches, two heads, a script without a plain string id) gives
None, and the caller asks Alembic itself: the shortcut is only ever taken when it is certain.
"""

import re
from pathlib import Path

from sqlalchemy import Connection, inspect, text

VERSION_TABLE = "alembic_version"  # Alembic's default; migrations/env.py does not change it
# Alembic loads every *.py of versions/ but __init__.py and editor backups (.#…).
SCRIPT = re.compile(r"(?!\.#|__init__).*\.py")
ID = r"""(?:"([^"\n]*)"|'([^'\n]*)'|(None))"""
FIELD = r"^{name}(?:\s*:[^=\n]*)?\s*=\s*" + ID + r"\s*(?:#.*)?$"
REVISION = re.compile(FIELD.format(name="revision"), re.MULTILINE)
DOWN = re.compile(FIELD.format(name="down_revision"), re.MULTILINE)


def _one(pattern: re.Pattern[str], source: str) -> tuple[str | None, bool]:
    """(the id or None, whether the field was read as exactly one plain string or None)."""
    found = pattern.findall(source)
    if len(found) != 1:
        return None, False
    double, single, none = found[0]
    return (None if none else double or single), True


def _parents(versions: Path) -> dict[str, str | None] | None:
    """Each script's revision and its parent, or None at the first script not read for sure."""
    parents: dict[str, str | None] = {}
    for script in sorted(versions.iterdir()):
        if not (script.is_file() and SCRIPT.fullmatch(script.name)):
            continue
        source = script.read_text(encoding="utf-8")
        (revision, ok), (down, down_ok) = _one(REVISION, source), _one(DOWN, source)
        if not (ok and down_ok and revision) or revision in parents:
            return None
        parents[revision] = down
    return parents


def head(versions: Path) -> str | None:
    """The single head revision of the scripts in `versions`, or None when unsure."""
    parents = _parents(versions)
    if parents is None or any(down is not None and down not in parents for down in parents.values()):
        return None  # a parent no script declares: Alembic would refuse, so say nothing here
    heads = set(parents) - set(parents.values())
    return heads.pop() if len(heads) == 1 else None


def stamped(conn: Connection) -> str | None:
    """The revision the database is at (Alembic's version table), None when there is none or
    more than one (branches: left to Alembic)."""
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    rows = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    return rows[0] if len(rows) == 1 else None
