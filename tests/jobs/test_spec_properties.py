"""Property tests of what users write in specs: any value of a field gives a valid spec whose
schedule works, or one clear line per problem naming the file — never a traceback."""

import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from driftboard.jobs.load import LoadedSpec, SpecError, load_spec
from driftboard.jobs.schedule import period, ticks_between, window_ending

BASE: dict[str, Any] = {
    "model": "m",
    "schedule": {"interval": "1h"},
    "timestamp_column": "ts",
    "reference": {"path": "r.csv"},
    "current": {"path": "c.csv"},
    "columns": {"numerical": ["x"], "categorical": ["c"]},
}
ANY_SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
)
DURATION_TEXT = st.builds(
    lambda n, unit: f"{n}{unit}", st.integers(min_value=-5, max_value=10**12), st.sampled_from("smhdwy")
)
CRON_FIELD = st.one_of(
    st.sampled_from(["*", "*/5", "0", "59", "60", "1-5", "5-1", "31", "30", "2", "mon", "L", "?", ""]),
    st.integers(min_value=-2, max_value=100).map(str),
)
CRON = st.lists(CRON_FIELD, min_size=3, max_size=7).map(" ".join)
ZONE = st.one_of(
    ANY_SCALAR, st.sampled_from(["UTC", "Europe/Paris", "America/St_Johns", "Mars/Olympus", "utc"])
)
# (path into the spec, values to put there)
FIELDS = [
    (("window",), st.one_of(ANY_SCALAR, DURATION_TEXT)),
    (("schedule",), st.builds(lambda v: {"interval": v}, st.one_of(ANY_SCALAR, DURATION_TEXT))),
    (("schedule",), st.builds(lambda c, z: {"cron": c, "timezone": z}, CRON, ZONE)),
    (("timestamp_timezone",), ZONE),
    (("drift", "threshold"), ANY_SCALAR),
    (("drift", "drift_share"), ANY_SCALAR),
    (
        ("drift", "per_column"),
        st.builds(lambda m, t: {"x": {"method": m, "threshold": t}}, ANY_SCALAR, ANY_SCALAR),
    ),
    (("columns", "numerical"), st.lists(st.one_of(st.text(max_size=300), ANY_SCALAR), max_size=3)),
    (("alerts", "stale_intervals"), ANY_SCALAR),
    (("alerts", "model_drift_runs"), ANY_SCALAR),
    (("alerts", "low_volume_ratio"), ANY_SCALAR),
    (("model",), ANY_SCALAR),
]
AT = datetime(2026, 3, 1, 12, 7, tzinfo=UTC)


def _with(path: tuple[str, ...], value: object) -> dict[str, Any]:
    spec = yaml.safe_load(yaml.safe_dump(BASE))  # a deep copy
    node = spec
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value
    return spec


def _load(file: Path) -> LoadedSpec | list[str]:
    """The spec, or its problems: anything else raised fails the test with its traceback."""
    try:
        return load_spec(file)
    except SpecError as exc:
        return exc.problems


def _one_line_each(problems: list[str], file: Path) -> None:
    assert problems
    for problem in problems:
        assert problem.startswith(str(file)), problem
        assert "\n" not in problem, problem
        assert "Traceback" not in problem, problem


def _check(loaded: LoadedSpec) -> None:
    """A spec that validates must also schedule: its windows and ticks compute."""
    window = window_ending(loaded.spec, AT)
    assert window.start < window.end <= AT
    assert period(loaded.spec).total_seconds() > 0
    ticks_between(loaded.spec, window.start, AT)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FIELDS).flatmap(lambda f: st.tuples(st.just(f[0]), f[1])))
def test_any_value_gives_a_working_spec_or_one_line_per_problem(field: tuple[tuple[str, ...], Any]) -> None:
    path, value = field
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "job.yaml"
        file.write_text(yaml.safe_dump(_with(path, value), allow_unicode=True), encoding="utf-8")
        loaded = _load(file)
        if isinstance(loaded, list):
            _one_line_each(loaded, file)
        else:
            _check(loaded)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_any_text_as_a_spec_file_is_refused_in_lines(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "job.yaml"
        file.write_text(text, encoding="utf-8")
        loaded = _load(file)
        if isinstance(loaded, list):
            _one_line_each(loaded, file)
