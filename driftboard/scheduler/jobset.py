"""The specs the scheduler runs, re-read on SIGHUP.

A spec file that turns invalid is reported and its previous version keeps running; a file
that was never valid is reported and not scheduled. When two files name the same model,
the one already running wins, and the other is reported.
"""

from dataclasses import dataclass, field
from pathlib import Path

from driftboard.jobs.load import LoadedSpec, SpecError, load_spec, spec_files


@dataclass
class Changes:
    added: list[LoadedSpec] = field(default_factory=list)
    changed: list[LoadedSpec] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class JobSet:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.by_model: dict[str, LoadedSpec] = {}

    def get(self, model: str) -> LoadedSpec | None:
        return self.by_model.get(model)

    def _read(self, problems: list[str]) -> list[LoadedSpec]:
        previous = {loaded.path: loaded for loaded in self.by_model.values()}
        if not self.folder.is_dir():
            problems.append(f"{self.folder}: not a folder of job specs")
            return list(previous.values())
        found = [loaded for path in spec_files([self.folder]) if (loaded := _load(path, previous, problems))]
        # Files already running first, so a newcomer cannot take over a running model's name.
        return sorted(found, key=lambda loaded: loaded.path not in previous)

    def reload(self) -> Changes:
        changes = Changes()
        by_model: dict[str, LoadedSpec] = {}
        for loaded in self._read(changes.problems):
            other = by_model.setdefault(loaded.spec.model, loaded)
            if other is not loaded:
                changes.problems.append(
                    f"{loaded.path}: model: {loaded.spec.model!r} is already defined in {other.path}"
                )
        for model, loaded in by_model.items():
            if model not in self.by_model:
                changes.added.append(loaded)
            elif self.by_model[model] != loaded:
                changes.changed.append(loaded)
        changes.removed = [model for model in self.by_model if model not in by_model]
        self.by_model = by_model
        return changes


def _load(path: Path, previous: dict[Path, LoadedSpec], problems: list[str]) -> LoadedSpec | None:
    """The file's spec; when it is bad, its previous version, or nothing. Never raises: a bad
    spec, however bad, must not stop the other models."""
    try:
        return load_spec(path)
    except SpecError as exc:
        problems.extend(exc.problems)
    except Exception as exc:  # a check that itself failed: still this file's problem only
        problems.append(f"{path}: cannot load: {type(exc).__name__}: {exc}")
    if path not in previous:
        return None
    problems.append(f"{path}: keeping the previous version of {previous[path].spec.model!r}")
    return previous[path]
