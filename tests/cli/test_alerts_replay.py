"""`driftboard alerts replay` over a store: the runs read back fire what the in-memory replay
fires, one JSON object per firing; the text ends with the week's pages and Slack messages."""

import json
from pathlib import Path

import yaml

from driftboard.prometheus.replay import replay
from driftboard.store import connect, runs
from tests.support.cli_helpers import invoke, store_env
from tests.support.databases import migrated
from tests.support.helpers import spec_dict
from tests.support.replay_story import SPEC, story

WINDOW = ["--start", "2026-03-01T00:00:00Z", "--end", "2026-03-06T00:00:00Z"]


def _stored(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    url = migrated(f"sqlite:///{tmp_path / 'd.db'}")
    engine = connect.make_engine(url)
    for evaluation in story():
        runs.save(engine, evaluation)
    engine.dispose()
    spec = tmp_path / "model.yaml"
    spec.write_text(yaml.safe_dump(spec_dict(schedule={"interval": "6h"})))
    return spec, store_env(url, tmp_path)


def test_json_is_the_replay_of_the_stored_runs(tmp_path: Path) -> None:
    spec, env = _stored(tmp_path)
    result = invoke(["alerts", "replay", str(spec), *WINDOW, "--json"], env)
    assert result.code == 0, result.stderr
    printed = [json.loads(line) for line in result.stdout.splitlines()]
    assert printed == [f.to_json() for f in replay(SPEC, story()).fired]


def test_the_text_counts_pages_and_slack_messages_per_week(tmp_path: Path) -> None:
    spec, env = _stored(tmp_path)
    result = invoke(["alerts", "replay", str(spec), *WINDOW], env)
    assert result.code == 0, result.stderr
    assert "2026-W10: 1 pages, 9 Slack messages" in result.stdout
    assert "DriftboardModelDrift" in result.stdout


def test_a_backwards_range_and_an_unusable_store_are_refused(tmp_path: Path) -> None:
    spec, env = _stored(tmp_path)
    backwards = invoke(["alerts", "replay", str(spec), "--start", "2026-03-06", "--end", "2026-03-01"], env)
    assert backwards.code == 2
    assert "--start must be before --end" in backwards.stderr
    nowhere = store_env(f"sqlite:///{tmp_path / 'no' / 'd.db'}", tmp_path)
    assert invoke(["alerts", "replay", str(spec), *WINDOW], nowhere).code == 3
