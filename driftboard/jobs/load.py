"""Read job spec files, reporting every problem as `file:line: field.path: message`."""

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from driftboard.jobs.spec import JobSpec


class SpecError(Exception):
    """One or more spec files are invalid; `problems` holds one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class LoadedSpec:
    path: Path
    spec: JobSpec

    @property
    def base_dir(self) -> Path:
        """Relative data paths in a spec are resolved against the spec's own folder."""
        return self.path.parent


def _line_of(node: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    """Walk the YAML node tree along a pydantic error location to find its line."""
    line = node.start_mark.line + 1 if node else None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            break
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def line_of(path: Path, loc: tuple[int | str, ...]) -> int | None:
    """The line of a field in a spec file that loaded (for problems found after loading)."""
    try:
        return _line_of(yaml.compose(path.read_text(encoding="utf-8")), loc)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None


def _synthetic(part: int | str) -> bool:
    """Location parts pydantic adds (validator functions, the reference's union tags)."""
    return isinstance(part, str) and (part.startswith("function-") or part in REFERENCE_TAGS)


REFERENCE_TAGS = {"reference-source", "reference-relative"}


def _format(path: Path, node: yaml.Node | None, exc: ValidationError) -> list[str]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not _synthetic(p))
        field = ".".join(str(p) for p in loc) or "(top level)"
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown field"
        elif err["type"] == "missing":
            message = "required field is missing"
        line = _line_of(node, loc)
        problems.append(f"{path}:{line}: {field}: {message}" if line else f"{path}: {field}: {message}")
    return problems


def _yaml_problem(path: Path, exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
    context = getattr(exc, "context", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]  # one line, never PyYAML's echo
    return f"{where}: invalid YAML: {context + ': ' if context else ''}{problem}"


def _duplicate_keys(path: Path, node: yaml.Node | None) -> list[str]:
    """YAML lets a key appear twice and keeps the last: a spec never silently loses a setting."""
    problems: list[str] = []
    if isinstance(node, yaml.MappingNode):
        first: dict[object, int] = {}
        for key, value in node.value:
            line = key.start_mark.line + 1
            if key.value in first:
                problems.append(
                    f"{path}:{line}: {key.value}: defined twice (first at line {first[key.value]})"
                )
            first.setdefault(key.value, line)
            problems += _duplicate_keys(path, value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            problems += _duplicate_keys(path, item)
    return problems


def load_spec(path: Path) -> LoadedSpec:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError([f"{path}: cannot read: {exc}"]) from None
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SpecError([_yaml_problem(path, exc)]) from None
    if duplicates := _duplicate_keys(path, node):
        raise SpecError(duplicates)
    if not isinstance(data, dict):
        raise SpecError([f"{path}: a job spec is a YAML mapping, got {type(data).__name__}"])
    try:
        return LoadedSpec(path, JobSpec.model_validate(data))
    except ValidationError as exc:
        raise SpecError(_format(path, node, exc)) from None


def spec_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders into their *.yaml / *.yml files, sorted for stable order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in {".yaml", ".yml"}))
        else:
            files.append(path)
    return files


def load_specs(paths: Iterable[Path]) -> list[LoadedSpec]:
    """Load every spec, collecting all problems, including model names used twice."""
    loaded, problems = [], []
    for file in spec_files(paths):
        try:
            loaded.append(load_spec(file))
        except SpecError as exc:
            problems.extend(exc.problems)
    first_seen: dict[str, Path] = {}
    for item in loaded:
        other = first_seen.setdefault(item.spec.model, item.path)
        if other != item.path:
            problems.append(f"{item.path}: model: {item.spec.model!r} is already defined in {other}")
    if problems:
        raise SpecError(problems)
    return loaded
