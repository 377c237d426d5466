"""No secret is committed: the tracked files hold no credential-looking value beyond the
documented placeholders, and the places where operators put real ones are ignored by git.

Passwords inside URLs are allowed only as placeholders ("…", "password") or, under tests/, as the fake
values the tests use to check that a password is never shown.
"""

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.support.repo import REPO

PATTERNS = {
    "Slack webhook URL": r"hooks\.slack\.com/services/T\w+/B\w+/\w+",
    "Slack token": r"xox[abposr]-[A-Za-z0-9-]{10,}",
    "PagerDuty key": r"(?i)(?:routing|service|integration)_?key\W{1,4}[0-9a-f]{32}",
    "private key": r"-----BEGIN [A-Z ]*PRIVATE KEY-----",
    "AWS access key": r"AKIA[0-9A-Z]{16}",
    "GitHub token": r"gh[pousr]_[A-Za-z0-9]{36}",
}
PASSWORD_IN_URL = re.compile(r"[a-z][a-z0-9+.-]*://[^\s:/@'\"`]+:([^\s@'\"`/]+)@")
PLACEHOLDERS = {"…", "...", "password"}  # "user:password@host" shows the form of a URL
FAKE_TEST_PASSWORDS = {"corpus-secret", "source-secret", "s3cret", "hunter2"}


def tracked() -> dict[str, str]:
    names = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True)
    files = {}
    for name in names.stdout.splitlines():
        data = (REPO / name).read_bytes()
        if b"\0" not in data:  # text files only
            files[name] = data.decode("utf-8", errors="replace")
    return files


def findings(name: str, content: str) -> list[str]:
    found = [f"{name}: {kind}" for kind, pattern in PATTERNS.items() if re.search(pattern, content)]
    allowed = PLACEHOLDERS | (FAKE_TEST_PASSWORDS if name.startswith("tests/") else set())
    found += [f"{name}: password in a URL" for p in PASSWORD_IN_URL.findall(content) if p not in allowed]
    return found


def test_no_tracked_file_holds_a_secret() -> None:
    files = tracked()
    assert len(files) > 100  # the scan really saw the repository
    assert [f for name, content in files.items() for f in findings(name, content)] == []


@pytest.mark.parametrize(
    "sample",
    [
        "https://hooks.slack.com/services/" + "T0123ABCD/B0123ABCD/" + "a1" * 12,
        "xoxb-" + "1234567890-abcdef",
        "routing_key: " + "0123456789abcdef" * 2,
        "-----BEGIN RSA " + "PRIVATE KEY-----",
        "AKIA" + "ABCDEFGHIJKLMNOP",
        "ghp_" + "a" * 36,
        "postgresql://driftboard:" + "r3al-password@db/driftboard",
        "postgresql://u:" + "hunter2@h/db",  # a fake test password, outside tests/
    ],
)
def test_the_scan_catches_each_kind(sample: str) -> None:
    """Built at run time, so the samples themselves are not in the repository."""
    assert findings("docs/x.md", sample)


def test_where_real_secrets_go_is_ignored_by_git() -> None:
    names = set(tracked())
    assert ".env.example" in names
    assert not [n for n in names if Path(n).name == ".env" or n.startswith("secrets/")]
    ignored = subprocess.run(
        ["git", "check-ignore", ".env", "secrets/slack-webhook-url"], cwd=REPO, capture_output=True, text=True
    )
    assert ignored.stdout.split() == [".env", "secrets/slack-webhook-url"]


def test_env_example_and_compose_hold_no_value() -> None:
    """Every secret comes from .env (left empty in the example) or a secret file."""
    for line in (REPO / ".env.example").read_text().splitlines():
        if re.match(r"[A-Z_]*(PASSWORD|SECRET|TOKEN)[A-Z_]*=", line) and "_FILE=" not in line:
            assert line.endswith("="), line
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    for service in compose["services"].values():
        for key, value in (service.get("environment") or {}).items():
            if re.search("PASSWORD|SECRET|TOKEN|_KEY", key) or "@" in str(value):
                assert re.search(r"\$\{[A-Z_]+:\?", str(value)), key  # required from .env
    # The retrain hook is off by default: compose requires no secret for it.
    assert set(compose["secrets"]) == {"slack-webhook-url", "pagerduty-routing-key"}
