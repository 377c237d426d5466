"""requirements.lock pins exactly what driftboard[dev] needs, as installed (scripts/lock.sh)."""

import importlib.util
import re
from types import ModuleType

from packaging.utils import canonicalize_name

from tests.support.repo import REPO

LOCK = REPO / "requirements.lock"


def lock_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lock", REPO / "scripts" / "lock.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pins() -> dict[str, str]:
    lines = [line for line in LOCK.read_text().splitlines() if not line.startswith("#")]
    assert all(re.fullmatch(r"[a-z0-9-]+==\S+", line) for line in lines), "name==version lines only"
    return dict(line.split("==") for line in lines)


def test_the_lock_is_current() -> None:
    """Fails after a dependency change in pyproject.toml until scripts/lock.sh is rerun."""
    assert LOCK.read_text() == lock_script().render(), "requirements.lock is stale: run scripts/lock.sh"


def test_every_declared_dependency_is_pinned_within_its_range() -> None:
    locked = pins()
    for requirement in lock_script().declared():
        version = locked[canonicalize_name(requirement.name)]
        assert requirement.specifier.contains(version, prereleases=True), (requirement, version)
