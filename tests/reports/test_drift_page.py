"""`driftboard report drift` on the hand-made history (tests/support/drift_history.py): a
self-contained page that renders in headless Chromium without a console message, with one
cell per feature and run in the heatmap's colours, sparklines, flags and report links."""

import re
from pathlib import Path

import pytest

from driftboard.colours import GRAFANA_HEX, NO_DATA_HEX
from tests.support.chromium import dump_dom, png_size, screenshot
from tests.support.cli_helpers import invoke, store_env
from tests.support.databases import migrated
from tests.support.drift_history import FAILED_REASON, T0, H, seed
from tests.support.repo import REPO

SCREENSHOTS = REPO / "build" / "screenshots"
END = ["--period", "1d", "--end", (T0 + 6 * H).isoformat()]
# Per feature, worst first, the colour of each of its six runs (drift_history's ratios).
GREEN, YELLOW, ORANGE, RED = (GRAFANA_HEX[c] for c in ("green", "yellow", "orange", "red"))
EXPECTED = {
    "income": [GREEN, GREEN, YELLOW, ORANGE, ORANGE, RED],
    "age": [GREEN] * 6,
    "plan": [GREEN] * 6,
    "zip": [NO_DATA_HEX] * 6,
}


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("drift-page")
    url = migrated(f"sqlite:///{folder / 'store.db'}", seed)
    out = folder / "site" / "alpha.html"
    result = invoke(["report", "drift", "alpha", *END, "--out", str(out)], store_env(url, folder))
    assert (result.code, result.stderr.strip()) == (0, f"wrote {out}")
    return out


def cells(dom: str) -> list[tuple[str, str]]:
    """(feature, fill) of each heatmap cell, in document order."""
    found = re.findall(r'<rect class="cell" data-feature="([^"]+)"[^>]* fill="([^"]+)"', dom)
    return [(f, fill) for f, fill in found]


def test_self_contained(page: Path) -> None:
    html = page.read_text()
    assert "default-src 'none'" in html
    assert not re.search(r"""(src|href)=["']?(https?:|//)|@import|url\(""", html)
    assert "<script" not in html


def test_renders_in_chromium_without_console_messages(page: Path, tmp_path: Path) -> None:
    for name, width, height in (("desktop", 1200, 1400), ("phone", 390, 2000)):
        png = SCREENSHOTS / f"drift-report-{name}.png"
        assert screenshot(page, png, width, height, tmp_path / f"profile-{name}") == []
        assert png_size(png) == (width, height)


def test_chromium_builds_one_cell_per_feature_and_run(page: Path, tmp_path: Path) -> None:
    dom = dump_dom(page, tmp_path / "profile")
    expected = [(feature, fill) for feature, fills in EXPECTED.items() for fill in fills]
    assert cells(dom) == expected
    assert dom.count('class="spark"') == 3  # zip was never scored: no line to draw


def test_cells_of_a_kept_report_link_to_it(page: Path) -> None:
    html = page.read_text()
    href = "../reports/alpha/20260401T050000Z.html"  # relative: the page works offline
    assert html.count(f'<a href="{href}"><rect class="cell"') == 4  # the fifth run, every feature
    assert f'<a href="{href}">2026-04-01 05:00 UTC</a>' in html


def test_flags_failed_runs_and_numbers(page: Path) -> None:
    html = page.read_text()
    assert "latest 2026-04-01 06:00 UTC: nulls 0% → 40%" in html
    assert "skipped: missing from current data" in html
    assert "4.00" in html  # income's worst ratio
    assert "3 of 6" in html  # income drifted in its last three runs


def test_failed_runs_are_listed(tmp_path: Path) -> None:
    url = migrated(f"sqlite:///{tmp_path / 'store.db'}", seed)
    end = ["--period", "1d", "--end", (T0 + 2 * H).isoformat()]
    result = invoke(["report", "drift", "beta", *end], store_env(url, tmp_path))
    assert f"2026-04-01 02:00 UTC: {FAILED_REASON}" in result.stdout


def test_reports_url_option(tmp_path: Path) -> None:
    url = migrated(f"sqlite:///{tmp_path / 'store.db'}", seed)
    args = ["report", "drift", "alpha", *END, "--reports-url", "http://127.0.0.1:8090/reports/"]
    html = invoke(args, store_env(url, tmp_path)).stdout
    assert '<a href="http://127.0.0.1:8090/reports/alpha/20260401T050000Z.html">' in html


def test_unknown_model(tmp_path: Path) -> None:
    url = migrated(f"sqlite:///{tmp_path / 'store.db'}", seed)
    result = invoke(["report", "drift", "gamma", "--out", str(tmp_path / "x.html")], store_env(url, tmp_path))
    assert (result.code, "no runs of model 'gamma'" in result.stderr) == (2, True)
    assert not (tmp_path / "x.html").exists()
