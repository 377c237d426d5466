"""Every query and link in the generated dashboard JSON, to test them and to run them elsewhere.

`promql_targets()` is what to run against a real Prometheus: each expression with where it
comes from; `macros.expand_promql` turns one into what Grafana would send.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from driftboard.dashboards.build import GENERATED


@dataclass(frozen=True)
class Target:
    dashboard: str  # uid
    origin: str  # "panel <title>", "variable <name>" or "annotation <name>"
    language: str  # "sql" or "promql"
    text: str
    format: str  # sql: "table" | "time_series"; promql: "range" | "instant" | "annotation"


@dataclass(frozen=True)
class Link:
    dashboard: str
    panel: str
    title: str
    url: str
    column: str | None  # the table column the link sits on; None for the whole panel


def load(directory: Path = GENERATED) -> dict[str, dict[str, Any]]:
    """uid → dashboard JSON, for every file in the folder."""
    dashboards = (json.loads(p.read_text(encoding="utf-8")) for p in sorted(directory.glob("*.json")))
    return {d["uid"]: d for d in dashboards}


def panels(dashboard: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for panel in dashboard.get("panels", []):
        yield panel
        yield from panel.get("panels", [])  # panels inside a collapsed row


def targets(dashboard: dict[str, Any]) -> Iterator[Target]:
    uid = dashboard["uid"]
    for panel in panels(dashboard):
        for target in panel.get("targets", []):
            yield _target(uid, f"panel {panel['title']}", target)
    for variable in dashboard.get("templating", {}).get("list", []):
        if variable["type"] == "query":
            yield Target(uid, f"variable {variable['name']}", "sql", variable["query"], "table")
    for annotation in dashboard.get("annotations", {}).get("list", []):
        if "expr" in annotation:
            yield Target(uid, f"annotation {annotation['name']}", "promql", annotation["expr"], "annotation")
        elif "target" in annotation:
            yield _target(uid, f"annotation {annotation['name']}", annotation["target"])


def _target(uid: str, origin: str, target: dict[str, Any]) -> Target:
    if "rawSql" in target:
        return Target(uid, origin, "sql", target["rawSql"], target["format"])
    return Target(uid, origin, "promql", target["expr"], "instant" if target.get("instant") else "range")


def links(dashboard: dict[str, Any]) -> Iterator[Link]:
    uid = dashboard["uid"]
    for item in dashboard.get("links", []):
        yield Link(uid, "(dashboard)", item["title"], item["url"], None)
    for panel in panels(dashboard):
        config = panel.get("fieldConfig", {})
        for item in config.get("defaults", {}).get("links", []):
            yield Link(uid, panel["title"], item["title"], item["url"], None)
        for override in config.get("overrides", []):
            for prop in override["properties"]:
                if prop["id"] == "links":
                    column = override["matcher"]["options"]
                    yield from (
                        Link(uid, panel["title"], i["title"], i["url"], column) for i in prop["value"]
                    )


def all_targets(directory: Path = GENERATED) -> list[Target]:
    return [t for d in load(directory).values() for t in targets(d)]


def promql_targets(directory: Path = GENERATED) -> list[Target]:
    return [t for t in all_targets(directory) if t.language == "promql"]
