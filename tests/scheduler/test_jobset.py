"""SIGHUP reload semantics of the job set, without a process."""

from pathlib import Path

import pytest

from driftboard.jobs.load import LoadedSpec
from driftboard.scheduler import jobset
from driftboard.scheduler.jobset import JobSet


def write(folder: Path, name: str, model: str, interval: str = "1h") -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(
        f"model: {model}\nschedule: {{interval: {interval}}}\ntimestamp_column: ts\n"
        "reference: {path: r.csv}\ncurrent: {path: c.csv}\ncolumns: {numerical: [x]}\n"
    )
    return path


def test_added_changed_removed(tmp_path: Path) -> None:
    write(tmp_path, "a", "a")
    write(tmp_path, "b", "b")
    jobs = JobSet(tmp_path)
    first = jobs.reload()
    assert sorted(x.spec.model for x in first.added) == ["a", "b"]
    write(tmp_path, "a", "a", interval="2h")
    (tmp_path / "b.yaml").unlink()
    write(tmp_path, "c", "c")
    changes = jobs.reload()
    assert [x.spec.model for x in changes.added] == ["c"]
    assert [x.spec.model for x in changes.changed] == ["a"]
    assert changes.removed == ["b"]
    assert changes.problems == []
    assert sorted(jobs.by_model) == ["a", "c"]


def test_a_broken_spec_keeps_its_previous_version(tmp_path: Path) -> None:
    path = write(tmp_path, "a", "a")
    jobs = JobSet(tmp_path)
    jobs.reload()
    before = jobs.get("a")
    path.write_text("model: a\nschedule: {interval: banana}\n")
    changes = jobs.reload()
    assert (changes.added, changes.changed, changes.removed) == ([], [], [])
    assert any("a.yaml" in p and "schedule" in p for p in changes.problems)
    assert any("keeping the previous version" in p for p in changes.problems)
    assert jobs.get("a") is before


def test_a_spec_never_valid_is_reported_not_scheduled(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("model: [\n")
    changes = JobSet(tmp_path).reload()
    assert changes.added == []
    assert any("invalid YAML" in p for p in changes.problems)


def test_a_newcomer_cannot_take_a_running_models_name(tmp_path: Path) -> None:
    write(tmp_path, "z", "m")
    jobs = JobSet(tmp_path)
    jobs.reload()
    write(tmp_path, "a", "m", interval="5m")  # sorts first, but m already runs from z.yaml
    changes = jobs.reload()
    running = jobs.get("m")
    assert running is not None
    assert running.path.name == "z.yaml"
    assert changes.changed == []
    assert any("already defined" in p for p in changes.problems)


def test_a_spec_whose_check_itself_fails_is_reported_and_the_others_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever a bad file raises (here a TypeError from deep inside validation), it is that
    file's problem only: the other models load, and a running one keeps its version."""
    write(tmp_path, "good", "good")
    bad = write(tmp_path, "bad", "bad")
    jobs = JobSet(tmp_path)
    jobs.reload()
    assert sorted(jobs.by_model) == ["bad", "good"]
    real = jobset.load_spec

    def crashing(path: Path) -> LoadedSpec:
        if path == bad:
            raise TypeError("unhashable type: 'dict'")
        return real(path)

    monkeypatch.setattr(jobset, "load_spec", crashing)
    changes = jobs.reload()
    assert changes.problems == [
        f"{bad}: cannot load: TypeError: unhashable type: 'dict'",
        f"{bad}: keeping the previous version of 'bad'",
    ]
    assert sorted(jobs.by_model) == ["bad", "good"]
    assert JobSet(tmp_path).reload().problems == [f"{bad}: cannot load: TypeError: unhashable type: 'dict'"]
