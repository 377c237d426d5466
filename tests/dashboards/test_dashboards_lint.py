"""Static checks of the generated dashboards, the provisioning files, and regeneration."""

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from grafana_foundation_sdk.models.dashboard import Dashboard
from typer.testing import CliRunner

from driftboard.cli import app
from driftboard.dashboards import build, common, inventory, sqlquery
from driftboard.store import grafana_role
from tests.support.dashboard_support import GENERATED, REPO
from tests.support.grafana_macros import PROM_BUILTINS, SQL_BUILTINS

PROVISIONING = REPO / "dashboards" / "provisioning"
UIDS = {
    common.UID_OVERVIEW,
    common.UID_HEATMAP,
    common.UID_FEATURE,
    common.UID_JOB_HEALTH,
    common.UID_SLA,
    common.UID_PERFORMANCE,
}
VARIABLE = re.compile(r"\$\{(\w+)(?::(\w+))?\}|\$(\w+)|\[\[(\w+)")


def walk(node: Any) -> Any:
    """Every dict and list inside a JSON document."""
    yield node
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
    for child in children:
        yield from walk(child)


def test_the_dashboards_with_their_fixed_uids(dashboards: dict[str, Any]) -> None:
    files = sorted(p.name for p in GENERATED.glob("*.json"))
    assert files == sorted(f"{uid}.json" for uid in UIDS)
    assert set(dashboards) == UIDS  # load() keys by uid: as many distinct uids as files


@pytest.mark.parametrize("uid", sorted(UIDS))
def test_panels_are_titled_described_and_have_units(dashboards: dict[str, Any], uid: str) -> None:
    panels = list(inventory.panels(dashboards[uid]))
    assert len({p["id"] for p in panels}) == len(panels)
    for panel in (p for p in panels if p["type"] != "row"):  # a row is a header, with no data
        assert panel["title"]
        assert panel.get("description"), panel["title"]
        assert panel["fieldConfig"]["defaults"].get("unit"), panel["title"]
        assert panel.get("targets"), panel["title"]


@pytest.mark.parametrize("uid", sorted(UIDS))
def test_panels_fit_the_grid_without_overlapping(dashboards: dict[str, Any], uid: str) -> None:
    # The SDK places panels left to right but does not wrap one that does not fit.
    boxes = [(p["title"], p["gridPos"]) for p in dashboards[uid]["panels"]]
    for title, box in boxes:
        assert box["x"] + box["w"] <= 24, title
    for i, (first, a) in enumerate(boxes):
        for second, b in boxes[i + 1 :]:
            apart = a["x"] + a["w"] <= b["x"] or b["x"] + b["w"] <= a["x"]
            assert apart or a["y"] + a["h"] <= b["y"] or b["y"] + b["h"] <= a["y"], (first, second)


@pytest.mark.parametrize("uid", sorted(UIDS))
def test_datasources_are_the_provisioned_uids(dashboards: dict[str, Any], uid: str) -> None:
    refs = [n["datasource"] for n in walk(dashboards[uid]) if isinstance(n, dict) and "datasource" in n]
    assert refs
    for ref in refs:
        # An object naming a provisioned uid and its type: never a Grafana-local numeric id
        # or a bare name string.
        assert isinstance(ref, dict), ref
        assert set(ref) == {"type", "uid"}, ref
        assert common.DATASOURCE_UIDS.get(ref["uid"]) == ref["type"], ref


@pytest.mark.parametrize("uid", sorted(UIDS))
def test_queries_use_defined_variables_and_quote_them(dashboards: dict[str, Any], uid: str) -> None:
    names = {v["name"] for v in dashboards[uid]["templating"]["list"]}
    for target in inventory.targets(dashboards[uid]):
        for braced, fmt, bare, legacy in VARIABLE.findall(target.text):
            name = braced or bare or legacy
            builtins = SQL_BUILTINS if target.language == "sql" else PROM_BUILTINS
            if name in builtins:
                continue
            assert name in names, (target.origin, name)
            assert name != "reports_url", target.origin  # a free text box never reaches a query
            if target.language == "sql":
                # Only ${var:sqlstring} quotes every value as a literal (see test_dashboards_queries).
                assert fmt == "sqlstring", (target.origin, name)


LINK_VARIABLE = re.compile(r"\$\{([\w.]+?)(?::(\w+))?\}")
LINK_BUILTINS = {"__url_time_range", "__value.time", "__value.raw", "__field.name"}


def test_link_templates_resolve(dashboards: dict[str, Any]) -> None:
    checked = 0
    for dashboard in dashboards.values():
        names = {v["name"] for v in dashboard["templating"]["list"]}
        for link in inventory.links(dashboard):
            for name, _fmt in LINK_VARIABLE.findall(link.title + link.url):
                # __data.fields.* and __field.labels.* are checked against query results.
                dynamic = name.startswith(("__data.fields.", "__field.labels."))
                assert dynamic or name in LINK_BUILTINS or name in names, (link, name)
            target = re.match(r"/d/([\w-]+)(?:\?(.*))?$", link.url)
            if target:  # into another dashboard: it exists and has the variables we set
                assert target[1] in dashboards, link
                wanted = re.findall(r"var-(\w+)=|\$\{(\w+):queryparam\}", target[2] or "")
                defined = {v["name"] for v in dashboards[target[1]]["templating"]["list"]}
                assert {a or b for a, b in wanted} <= defined, link
            checked += 1
    assert checked >= 10


def test_alertmanager_link_names_the_provisioned_datasource(dashboards: dict[str, Any]) -> None:
    sources = yaml.safe_load((PROVISIONING / "datasources" / "driftboard.yaml").read_text())["datasources"]
    name = next(s["name"] for s in sources if s["type"] == "alertmanager")
    urls = [link.url for link in inventory.links(dashboards[common.UID_JOB_HEALTH])]
    assert f"/alerting/groups?alertmanager={name.replace(' ', '%20')}" in urls


def test_datasource_provisioning_matches_the_dashboards() -> None:
    config = yaml.safe_load((PROVISIONING / "datasources" / "driftboard.yaml").read_text())
    assert config["apiVersion"] == 1
    sources = {s["uid"]: s for s in config["datasources"]}
    assert {uid: s["type"] for uid, s in sources.items()} == common.DATASOURCE_UIDS
    postgres = sources[common.POSTGRES_UID]
    assert postgres["user"] == grafana_role.ROLE
    # Grafana expands $VAR in provisioning files: the password never sits in the repository.
    assert postgres["secureJsonData"] == {"password": f"${grafana_role.PASSWORD_ENV}"}
    assert "password" not in postgres
    assert "password" not in postgres["jsonData"]


def test_dashboard_provider_points_at_the_generated_folder() -> None:
    config = yaml.safe_load((PROVISIONING / "dashboards" / "driftboard.yaml").read_text())
    (provider,) = config["providers"]
    assert (provider["type"], provider["folder"]) == ("file", "driftboard")
    assert provider["options"]["path"] == build.GRAFANA_PATH  # compose mounts dashboards/generated here
    assert provider["allowUiUpdates"] is False
    assert (REPO / build.GENERATED).is_dir()
    assert any((REPO / build.GENERATED).glob("*.json"))


def test_committed_json_is_what_the_code_generates() -> None:
    assert build.differences(GENERATED) == []


def test_check_fails_on_a_stale_or_foreign_file(tmp_path: Path) -> None:
    copy = tmp_path / "generated"
    shutil.copytree(GENERATED, copy)
    assert build.main(["--check", f"--out={copy}"]) == 0
    path = copy / "driftboard-heatmap.json"
    path.write_text(path.read_text().replace("Drift heatmap", "Drift heat map"))
    (copy / "old.json").write_text("{}")
    assert build.differences(copy) == [
        "driftboard-heatmap.json: would change",
        "old.json: not generated by driftboard.dashboards",
    ]
    result = CliRunner().invoke(app, ["dashboards", "build", "--check", f"--out={copy}"])
    assert result.exit_code == 1


def test_build_writes_sorted_keys(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["dashboards", "build", f"--out={tmp_path}"])
    assert result.exit_code == 0
    text = (tmp_path / "driftboard-overview.json").read_text()
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=2) + "\n"


def test_sdk_reads_sql_targets_back_through_the_extension() -> None:
    sqlquery.register()
    data = json.loads((GENERATED / "driftboard-heatmap.json").read_text())
    decoded = Dashboard.from_json(data)
    targets = [t for p in decoded.panels or [] for t in getattr(p, "targets", None) or []]
    assert targets
    assert all(isinstance(t, sqlquery.SqlQuery) for t in targets)
    original = [t for p in data["panels"] for t in p["targets"]]
    assert [t.to_json() | {"datasource": t.datasource.to_json()} for t in targets] == original  # type: ignore[union-attr]
