"""The command as a new user meets it: --version, help written for users (formats, time
zones, defaults, exit codes, environment, examples, no type tags), run --fail-on-drift."""

import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
import typer.main

from driftboard import __version__
from driftboard.cli import app
from tests.support.cli_helpers import invoke, store_env
from tests.support.repo import REPO

SPEC = str(REPO / "jobs" / "example-churn.yaml")
ENV_VARS = ["DRIFTBOARD_DATABASE_URL", "DRIFTBOARD_REPORTS_DIR", "DRIFTBOARD_JOBS_DIR",
            "DRIFTBOARD_PUSHGATEWAY_URL", "DRIFTBOARD_PROMETHEUS_URL"]  # fmt: skip


def commands() -> list[list[str]]:
    """Every leaf command's words, e.g. ["db", "upgrade"]."""
    found: list[list[str]] = []

    def walk(command: click.Command, words: list[str]) -> None:
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                walk(sub, [*words, name])
        else:
            found.append(words)

    walk(typer.main.get_command(app), [])
    return found


def help_of(words: list[str]) -> str:
    result = invoke([*words, "--help"], {"COLUMNS": "100"})
    assert result.code == 0, result.stderr
    return result.stdout


def test_version() -> None:
    done = subprocess.run([sys.executable, "-m", "driftboard", "--version"], capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (0, f"driftboard {__version__}\n")


def test_top_level_help_is_for_users() -> None:
    text = help_of([])
    for code in ("0  done", "1  the run or the command failed", "2  bad input", "3  the results database",
                 "4  dataset drift found"):  # fmt: skip
        assert code in text, code
    for name in ENV_VARS:
        assert name in text, name
    assert "default sqlite:///driftboard.db" in text
    assert "a time without an offset is UTC" in text
    assert "driftboard run jobs/example-churn.yaml --at 2026-01-02T18:00:00Z" in text


@pytest.mark.parametrize("words", commands(), ids=" ".join)
def test_no_type_tags(words: list[str]) -> None:
    assert not re.search(r"<(str|bool|int|float|path|text|list)[^>]*>", help_of(words), re.IGNORECASE)


USER_COMMANDS = [
    ["validate"],
    ["run"],
    ["backfill"],
    ["labels"],
    ["status"],
    ["history"],
    ["report", "drift"],
]


@pytest.mark.parametrize("words", USER_COMMANDS, ids=" ".join)
def test_examples_and_exit_codes_in_each_commands_help(words: list[str]) -> None:
    text = help_of(words)
    assert "Examples:" in text
    assert re.search(r"^\s+driftboard " + " ".join(words), text, re.MULTILINE)
    assert "Exit codes:" in text


@pytest.mark.parametrize("words", [["run"], ["backfill"], ["labels"], ["history"], ["report", "drift"]])
def test_time_options_state_their_format_and_zone(words: list[str]) -> None:
    text = " ".join(help_of(words).replace("│", " ").split())  # rich wraps help inside a box
    assert "ISO 8601, e.g. 2026-01-02T18:00:00Z; no offset means UTC" in text


def test_fail_on_drift_exits_4_only_on_dataset_drift(tmp_path: Path, sqlite_url: str) -> None:
    env = store_env(sqlite_url, tmp_path) | {"DRIFTBOARD_KEEP_REPORTS": "none"}
    drifting = tmp_path / "drifting.yaml"  # 3 of 9 features drift at 18:00: dataset drift from 0.3
    drifting.write_text(Path(SPEC).read_text().replace("drift_share: 0.5", "drift_share: 0.3")
                        .replace("../examples", str(REPO / "examples")))  # fmt: skip
    drifted = invoke(["run", str(drifting), "--at", "2026-01-02T18:00:00Z", "--fail-on-drift"], env)
    assert (drifted.code, drifted.stderr.strip()) == (4, "error: dataset drift: 3 features drifted (33%)")
    some_drift = invoke(["run", SPEC, "--at", "2026-01-02T18:00:00Z", "--fail-on-drift"], env)
    assert some_drift.code == 0  # 3 of 9 is below the spec's drift_share 0.5
    without = invoke(["run", str(drifting), "--at", "2026-01-02T18:00:00Z"], env)
    assert without.code == 0  # drift alone never fails a run without the flag
