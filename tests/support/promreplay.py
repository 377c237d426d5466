"""Check the alert replay against Prometheus's own rule engine: the series the replay says
the Pushgateway held after each run become promtool input series (one run a minute; a
series a push removed is marked stale, as a scrape of the Pushgateway would), the real
generated rules are evaluated on them, and ALERTS after each run must be the replay's set.
"""

import subprocess
from pathlib import Path
from typing import Any

import yaml

from driftboard.jobs.spec import JobSpec
from driftboard.prometheus import replay, replayrules, replaystate
from driftboard.results import Evaluation
from tests.support.repo import REPO

RULES = REPO / "alerting" / "rules" / "driftboard.yml"
REPLAYED = "|".join(replayrules.REPLAYED)
FIRING = f'ALERTS{{alertstate="firing",alertname=~"{REPLAYED}"}}'


def _selector(name: str, labels: dict[str, str]) -> str:
    inner = ",".join(f"{k}={_quoted(v)}" for k, v in sorted(labels.items()))
    return f"{name}{{{inner}}}"


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _values(key: replaystate.Series, steps: list[replaystate.Step]) -> str:
    out, present = [], False
    for step in steps:
        value = step.samples.get(key)
        out.append(repr(value) if value is not None else ("stale" if present else "_"))
        present = value is not None
    return " ".join(out)


def promtool_case(spec: JobSpec, runs: list[Evaluation]) -> dict[str, Any]:
    steps = list(replaystate.steps(spec, runs))
    keys = sorted({key for step in steps for key in step.samples}, key=str)
    series = [
        {"series": _selector(name, dict(labels)), "values": _values((name, labels), steps)}
        for name, labels in keys
    ]
    checks = []
    for k, (_, alerts) in enumerate(replay.timeline(spec, runs)):
        expected = [
            {"labels": _selector("ALERTS", {**dict(labels), "alertstate": "firing"}), "value": 1}
            for _, labels in sorted(alerts, key=str)
        ]
        checks.append({"expr": FIRING, "eval_time": f"{k}m", "exp_samples": expected})
    test = {"interval": "1m", "input_series": series, "promql_expr_test": checks}
    return {"rule_files": [str(RULES)], "evaluation_interval": "1m", "tests": [test]}


def check(spec: JobSpec, runs: list[Evaluation], folder: Path) -> subprocess.CompletedProcess[str]:
    path = folder / "replay_test.yml"
    path.write_text(yaml.safe_dump(promtool_case(spec, runs), sort_keys=False))
    return subprocess.run(
        ["promtool", "test", "rules", str(path)], capture_output=True, text=True, timeout=300, check=False
    )


def exposition(state: dict[replaystate.Series, float], model: str) -> str:
    """The state as the Pushgateway's text format, under another model name (the shared stack
    isolates tests by model)."""
    lines = []
    for name in sorted({name for name, _ in state}):
        lines.append(f"# TYPE {name} gauge")
        for (found, labels), value in sorted(state.items(), key=str):
            if found == name:
                moved = {**dict(labels), "model": model}
                lines.append(f"{_selector(name, moved)} {value!r}")
    return "\n".join(lines) + "\n"
