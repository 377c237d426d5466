"""Alert quality: how often a configuration would page, on real seasonal data and on the demo.

Seattle's daily weather (vega_datasets, 2012–2015) in monthly windows, no real drift: every
page is a false alarm of the season. The demo month (6-hour windows, drift from day 20):
false alarms before the onset and windows until detection after it. Pages are the alert
replay's (driftboard/prometheus/replay.py): DriftboardModelDrift incidents by the generated
rules with alerting/config.yml's levels.
Results: docs/seasonal-references.md and docs/calibrated-thresholds.md.

    python benchmarks/alert_quality.py
"""

import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from driftboard.demo import generate, ondisk  # noqa: E402
from driftboard.drift.scoring import DriftOptions  # noqa: E402
from driftboard.jobs.load import LoadedSpec  # noqa: E402
from driftboard.jobs.spec import JobSpec  # noqa: E402
from driftboard.jobs.window import Window  # noqa: E402
from driftboard.prometheus.replay import replay, timeline  # noqa: E402
from driftboard.results import Evaluation  # noqa: E402
from driftboard.run.evaluate import evaluate  # noqa: E402
from tests.support import seattle  # noqa: E402

CALIBRATED = {"threshold": "calibrated"}
SEATTLE: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "fixed reference (Jan–Mar 2012)": ({"path": "winter.csv"}, {}),
    "fixed reference, calibrated": ({"path": "winter.csv"}, CALIBRATED),
    "rolling (previous: 3)": ({"previous": 3}, {}),
    "rolling, calibrated": ({"previous": 3}, CALIBRATED),
    "seasonal (offset: 1y)": ({"offset": "1y"}, {}),
    "seasonal, calibrated": ({"offset": "1y"}, CALIBRATED),
}


def paging(spec: JobSpec, runs: list[Evaluation]) -> list[bool]:
    """After each run, whether DriftboardModelDrift fires (the alert replay of the real rules)."""
    return [any(name == "DriftboardModelDrift" for name, _ in alerts) for _, alerts in timeline(spec, runs)]


def _runs(loaded: LoadedSpec, windows: list[Window], cache: Path) -> list[Evaluation]:
    return [evaluate(loaded, w, "none", DriftOptions(cache_dir=cache)) for w in windows]


def seattle_table(folder: Path) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    seattle.write(folder)
    frame = seattle.frame()
    (folder / "winter.csv").write_text(frame.iloc[:91].to_csv(index=False, date_format="%Y-%m-%dT%H:%M:%SZ"))
    years = (2013, 2014, 2015)
    rows = [
        "| reference and thresholds | pages in 2013, 2014, 2015 | months paging "
        "| months with a drifted feature | failed runs |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, (reference, drift) in SEATTLE.items():
        loaded = seattle.spec(folder, reference, drift)
        found = _runs(loaded, [w for y in years for w in seattle.months(y)], folder / "cache")
        states = paging(loaded.spec, found)
        starts = [now and not before for before, now in zip([False, *states], states, strict=False)]
        per_year = [sum(starts[12 * k : 12 * k + 12]) for k in range(len(years))]
        drifted = sum(e.n_drifted > 0 for e in found)
        failed = sum(e.status != "succeeded" for e in found)
        rows.append(
            f"| {name} | {', '.join(map(str, per_year))} | {sum(states)} of 36 | {drifted} of 36 | {failed} |"
        )
    return rows


def demo_table(folder: Path) -> list[str]:
    story = generate.story_ending(datetime(2026, 2, 1, tzinfo=UTC))
    path = ondisk.write(story, folder)
    configs: dict[str, dict[str, Any]] = {
        "Evidently's thresholds (0.1)": {"numerical": {"threshold": 0.1}},
        "the demo's hand-tuned 0.15": {},
        "calibrated": {"numerical": {"threshold": "calibrated"}, "categorical": {"threshold": "calibrated"}},
    }
    ticks = [story.start + timedelta(hours=6 * (k + 1)) for k in range(story.days * 4)]
    windows = [Window(t - timedelta(hours=6), t) for t in ticks]
    rows = [
        "| thresholds | windows with a drifted feature before day 20 | pages before day 20 "
        "| windows after the onset until a page | features drifted in the first window after it |",
        "| --- | --- | --- | --- | --- |",
    ]
    for k, (name, drift) in enumerate(configs.items()):
        body = ondisk.spec_for(story, "6h")
        body["drift"] = drift or body["drift"]
        spec = JobSpec.model_validate(body)
        found = _runs(LoadedSpec(path, spec), windows, folder / f"cache-{k}")
        rows.append(_demo_row(name, story, spec, found))
    return rows


def _demo_row(name: str, story: generate.Story, spec: JobSpec, found: list[Evaluation]) -> str:
    states = paging(spec, found)
    before = [e for e in found if e.window.end <= story.onset]
    after = [e for e in found if e.window.start >= story.onset]
    later = [s for s, e in zip(states, found, strict=True) if e.window.start >= story.onset]
    first = next((k + 1 for k, s in enumerate(later) if s), None)
    caught = sorted(f.feature for f in after[0].features if f.drift_detected)
    drifted_before = sum(e.n_drifted > 0 for e in before)
    paged = sum(replay(spec, before).pages.values())
    return (
        f"| {name} | {drifted_before} of {len(before)} | {paged} | {first} | "
        f"{len(caught)} ({', '.join(caught)}) |"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        print("\n".join(seattle_table(Path(tmp) / "seattle")), flush=True)
        print()
        print("\n".join(demo_table(Path(tmp) / "demo")))


if __name__ == "__main__":
    main()
