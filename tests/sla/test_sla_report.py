"""`driftboard report sla` on sla_history: JSON carries the hand-worked numbers, Markdown and
HTML the same ones, and the HTML renders in headless Chromium without a console message."""

import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from driftboard.sla import document
from driftboard.sla.data import fetch
from driftboard.sla.render import duration, pct, ratio, render
from driftboard.sla.report import deliver_weekly
from tests.support.chromium import png_size, screenshot
from tests.support.cli_helpers import invoke, store_env
from tests.support.repo import REPO
from tests.support.sla_expected import ALPHA, BETA, INCIDENTS
from tests.support.sla_history import DAY as DAY_SPAN
from tests.support.sla_history import T0, H

CSP = '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'">'
SCREENSHOTS = REPO / "build" / "screenshots"  # kept after the run, to look at
DAY = ["--period", "1d", "--end", (T0 + 24 * H).isoformat()]
SUMMARY_KEYS = {  # JSON path in a model → the summary column it is
    ("freshness", "achieved"): "on_time_share", ("freshness", "coverage"): "coverage",
    ("freshness", "budget_left"): "freshness_budget_left", ("healthy", "achieved"): "healthy_share",
    ("healthy", "budget_left"): "healthy_budget_left", ("jobs", "success_rate"): "success_rate",
    ("jobs", "runs"): "runs", ("incidents", "incidents"): "incidents",
    ("incidents", "mttd_seconds"): "mttd_seconds", ("incidents", "mttr_seconds"): "mttr_seconds",
}  # fmt: skip


def report(engine: Engine, tmp_path: Path, fmt: str, *extra: str) -> str:
    url = engine.url.render_as_string(hide_password=False)
    result = invoke(["report", "sla", *DAY, "--format", fmt, *extra], store_env(url, tmp_path))
    assert result.code == 0, result.stderr
    return result.stdout


@pytest.fixture
def doc(sla_engine: Engine, tmp_path: Path) -> dict[str, Any]:
    return json.loads(report(sla_engine, tmp_path, "json"))


def models(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["model"]: m for m in doc["models"]}


def test_json_has_the_hand_worked_numbers(doc: dict[str, Any]) -> None:
    for name, expected in (("alpha", ALPHA), ("beta", BETA)):
        model = models(doc)[name]
        for (part, key), column in SUMMARY_KEYS.items():
            assert model[part][key] == pytest.approx(expected[column]), (name, part, key)
    incidents = models(doc)["alpha"]["incidents"]["items"]
    assert [datetime.fromisoformat(i["onset"]) for i in incidents] == [i[0] for i in INCIDENTS]
    assert [i["mttr_seconds"] for i in incidents] == [i[7] for i in INCIDENTS]


def test_executive_summary_adds_the_models_up(doc: dict[str, Any]) -> None:
    summary = doc["summary"]
    assert (summary["models"], summary["slos"], summary["slos_met"]) == (3, 4, 2)  # gamma: no data
    assert [(m["model"], m["slo"]) for m in summary["missed"]] == [
        ("alpha", "freshness"),
        ("beta", "healthy time"),
    ]
    assert (summary["runs"], summary["succeeded_runs"], summary["open_incidents"]) == (21 + 11, 18 + 11, 1)
    assert summary["mttd_seconds"] == pytest.approx(ALPHA["mttd_seconds"])
    assert [m["status"] for m in doc["models"]] == ["missed", "missed", "no data"]


def shown(model: dict[str, Any]) -> list[str]:
    """How the Markdown and HTML must write this model's numbers (render's own formats)."""
    f, h, j, i = model["freshness"], model["healthy"], model["jobs"], model["incidents"]
    texts = [pct(v) for v in (f["achieved"], f["target"], f["budget_left"], f["coverage"])]
    texts += [pct(v) for v in (h["achieved"], h["target"], h["budget_left"], j["success_rate"])]
    texts += [
        f"{j['succeeded_runs']}",
        f"{j['runs']}",
        duration(i["mttd_seconds"]),
        duration(i["mttr_seconds"]),
    ]
    return texts + [ratio(w["worst_ratio"]) for w in model["worst_features"] if w["drifted_windows"]][:3]


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_markdown_and_html_carry_the_json_numbers(
    sla_engine: Engine, tmp_path: Path, doc: dict[str, Any], fmt: str
) -> None:
    text = report(sla_engine, tmp_path, fmt)
    for model in doc["models"][:2]:
        section = text[text.index(f"{model['model']}<" if fmt == "html" else f"**{model['model']}**") :]
        for number in shown(model):
            assert number in section, (model["model"], number)
    assert f"{doc['summary']['slos_met']} of {doc['summary']['slos']}" in text
    assert duration(doc["summary"]["mttr_seconds"]) in text


def test_markdown_fits_a_chat_message(sla_engine: Engine, tmp_path: Path) -> None:
    text = report(sla_engine, tmp_path, "md")
    assert not {"|", "<"} & set(text)  # no tables or HTML: Slack shows neither
    assert len(text) < 4000  # one Slack message
    assert re.search(r"^🔴 \*\*alpha\*\*: missed$", text, re.MULTILINE)


def test_html_is_one_self_contained_file(sla_engine: Engine, tmp_path: Path) -> None:
    html = report(sla_engine, tmp_path, "html")
    assert "default-src 'none'" in html  # the browser itself refuses anything from elsewhere
    assert not re.search(r"""(src|href)=["']?(https?:|//)|@import|url\(""", html)
    assert "<script" not in html


@pytest.mark.chromium
def test_html_renders_in_chromium_without_console_messages(sla_engine: Engine, tmp_path: Path) -> None:
    page = tmp_path / "sla.html"
    page.write_text(report(sla_engine, tmp_path, "html"), encoding="utf-8")
    backend = sla_engine.dialect.name
    for name, width, height in (("desktop", 1100, 2400), ("phone", 390, 3600)):
        png = SCREENSHOTS / f"sla-report-{backend}-{name}.png"
        assert screenshot(page, png, width, height, tmp_path / f"profile-{name}") == []
        assert png_size(png) == (width, height)


@pytest.mark.chromium
@pytest.mark.parametrize(
    ("head", "body", "seen"),
    [("", "<script>undefinedFunction()</script>", "undefinedFunction is not defined"),
     (CSP, "<link rel=stylesheet href=https://cdn.invalid/x.css>", "cdn.invalid")],
)  # fmt: skip
def test_the_console_check_sees_errors(tmp_path: Path, head: str, body: str, seen: str) -> None:
    """Negative control: a script error and a stylesheet from elsewhere are both reported."""
    page = tmp_path / "broken.html"
    page.write_text(f"<html><head>{head}</head><body>{body}</body></html>")
    messages = screenshot(page, tmp_path / "broken.png", 200, 200, tmp_path / "profile")
    assert any(seen in m for m in messages), messages


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--format", "pdf"], "--format 'pdf'"), (["--model", "nope"], "no SLA data for nope"),
     (["--period", "a month"], "--period")],
)  # fmt: skip
def test_bad_requests_say_why(sla_engine: Engine, tmp_path: Path, args: list[str], message: str) -> None:
    url = sla_engine.url.render_as_string(hide_password=False)
    result = invoke(["report", "sla", *args], store_env(url, tmp_path))
    assert result.code == 2
    assert message in result.stderr


def test_out_writes_the_file_and_one_model_only(sla_engine: Engine, tmp_path: Path) -> None:
    out = tmp_path / "beta.json"
    assert report(sla_engine, tmp_path, "json", "--model", "beta", "--out", str(out)) == ""
    assert [m["model"] for m in json.loads(out.read_text())["models"]] == ["beta"]


def test_weekly_delivery_writes_last_iso_week(sla_engine: Engine, tmp_path: Path) -> None:
    wednesday = T0 + timedelta(days=9, hours=15)  # 2026-02-11; last full week: Mon 2 – Mon 9 Feb
    paths = deliver_weekly(sla_engine, tmp_path / "sla", wednesday)
    assert [p.name for p in paths] == ["sla-2026-W06.html", "sla-2026-W06.md", "sla-2026-W06.json"]
    period = json.loads(paths[2].read_text())["period"]
    assert (period["start"], period["end"], period["label"]) == (
        "2026-02-02T00:00:00+00:00", "2026-02-09T00:00:00+00:00", "7d",
    )  # fmt: skip
    before = json.loads(deliver_weekly(sla_engine, tmp_path, T0 + 2 * H)[2].read_text())  # week of 26 Jan
    assert [m["freshness"]["expected_windows"] for m in before["models"]] == [0, 0, 0]  # before any window


def test_html_escapes_what_comes_from_the_data(sla_engine: Engine) -> None:
    doc = document.build(fetch(sla_engine, DAY_SPAN), DAY_SPAN, "1d")
    doc["models"][0]["jobs"]["reasons"][0]["reason"] = "<img src=x onerror=alert(1)>"
    doc["models"][0]["worst_features"][0]["feature"] = "</svg><script>alert(2)</script>"
    html = render(doc, "html")
    assert "<img src=x" not in html
    assert "<script>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
