"""The package's floor plan, enforced: rooms by stage of the data path, and imports that only
ever point back along it (README's Layout table lists the same order)."""

import ast
import re
from collections import Counter
from pathlib import Path

from tests.support.repo import REPO

PACKAGE = REPO / "driftboard"
# The stages a run flows through, in order; a module may import its own stage and earlier
# ones, never a later one. "base" is the top-level plumbing every stage may use.
STAGES = [
    "base",
    "jobs",
    "results",
    "data",
    "drift",
    "store",
    "prometheus",
    "reports",
    "run",
    "sla",
    "scheduler",
    "dashboards",
    "demo",
    "shell",
]
TOP_LEVEL_STAGE = {"results": "results", "__main__": "shell", "api": "shell"}
FOLDER_STAGE = {"cli": "shell"}  # the command: a thin shell over every stage


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def stage(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "base"
    if len(parts) == 2 and not (PACKAGE / parts[1]).is_dir():
        return TOP_LEVEL_STAGE.get(parts[1], "base")
    return FOLDER_STAGE.get(parts[1], parts[1])


def imports(path: Path, known: dict[str, Path]) -> set[str]:
    """Every driftboard module this file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in known)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("driftboard"):
            subs = {f"{node.module}.{a.name}" for a in node.names}
            found.update((subs & known.keys()) or {node.module})
    return found


def test_every_subpackage_is_a_known_stage() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert {FOLDER_STAGE.get(f, f) for f in folders} <= set(STAGES)


def test_at_most_twelve_modules_at_the_top() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 12, top


def test_no_two_modules_share_a_file_name() -> None:
    names = Counter(p.name for p in PACKAGE.rglob("*.py") if p.name not in {"__init__.py", "__main__.py"})
    assert [name for name, count in names.items() if count > 1] == []


# The package's face: driftboard/__init__.py re-exports the Python API (driftboard.api, shell
# stage) lazily, from a module-level __getattr__, so that `driftboard.score(...)` works while
# `import driftboard` (every stage does it, for __version__) imports nothing of the API.
FACE = {("driftboard", "driftboard.api")}


def test_no_import_points_forward_along_the_data_path() -> None:
    known = modules()
    forward = [
        f"{module} ({stage(module)}) imports {target} ({stage(target)})"
        for module, path in known.items()
        for target in sorted(imports(path, known))
        if STAGES.index(stage(target)) > STAGES.index(stage(module)) and (module, target) not in FACE
    ]
    assert forward == []


def test_no_import_loops() -> None:
    known = modules()
    graph = {m: imports(p, known) - {m} for m, p in known.items()}
    # A package's own __init__ importing its modules is its face, not a loop.
    graph = {m: {t for t in ts if not m.startswith(t + ".")} for m, ts in graph.items()}
    loops, done, path = [], set(), []

    def visit(node: str) -> None:
        if node in path:
            loops.append([*path[path.index(node) :], node])
            return
        if node in done:
            return
        path.append(node)
        for target in sorted(graph[node]):
            visit(target)
        path.pop()
        done.add(node)

    for module in sorted(graph):
        visit(module)
    assert loops == []


def test_the_data_stage_never_reaches_the_store() -> None:
    known = modules()
    reached = imports(known["driftboard.data.sources"], known)
    assert not {t for t in reached if t.startswith("driftboard.store")}


RUNS_HOME = "driftboard.store.runs"
RUNS_SQL = re.compile(r"\b(FROM|INTO|UPDATE|JOIN)\s+runs\b", re.IGNORECASE)


def _queries_runs(path: Path) -> bool:
    """Whether the module imports the `Run` table or writes SQL on `runs` itself."""
    source = path.read_text(encoding="utf-8")
    imported = {
        a.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and node.module == "driftboard.store.models"
        for a in node.names
    }
    return "Run" in imported or bool(RUNS_SQL.search(source))


def test_every_query_on_runs_lives_in_the_runs_package() -> None:
    # The dashboards' SQL is Grafana's (through the read-only role), not the package's; the
    # table's definition (models) and its migrations define it rather than query it.
    outside = [
        module
        for module, path in modules().items()
        if not module.startswith((RUNS_HOME, "driftboard.dashboards", "driftboard.store.models"))
        and _queries_runs(path)
    ]
    assert outside == []


def test_the_runs_package_does_query_runs() -> None:
    """The rule above checks something: the package it allows does import the table."""
    home = [m for m, p in modules().items() if m.startswith(RUNS_HOME) and _queries_runs(p)]
    assert len(home) >= 5
