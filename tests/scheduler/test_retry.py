"""Retries: transient errors back off and retry up to the bound; permanent ones fail at once."""

import socket
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from driftboard.jobs.load import LoadedSpec
from driftboard.jobs.spec import JobSpec
from driftboard.jobs.window import Window
from driftboard.results import Evaluation
from driftboard.run.evaluate import evaluate
from driftboard.scheduler.retry import Interrupted, TransientError, with_retries
from driftboard.settings import Settings
from tests.support.databases import PG_ADMIN_URL

FAST = Settings(retry_attempts=3, retry_initial_seconds=0.01, retry_max_seconds=0.02)


class Flaky:
    """Fails transiently `failures` times, then returns; records each call's `final` flag."""

    def __init__(self, failures: int, error: Exception | None = None) -> None:
        self.failures, self.error, self.calls = failures, error, []  # type: list[tuple[int, bool]]

    def __call__(self, number: int, final: bool) -> str:
        self.calls.append((number, final))
        if len(self.calls) <= self.failures:
            raise self.error or TransientError("source database unavailable: refused")
        return "done"


def test_transient_errors_are_retried_until_success() -> None:
    call, retries = Flaky(2), []
    assert with_retries(call, FAST, threading.Event(), retries.append) == "done"
    assert call.calls == [(1, False), (2, False), (3, True)]
    assert len(retries) == 2


def test_retries_are_bounded_and_the_last_error_is_raised() -> None:
    call = Flaky(10)
    with pytest.raises(TransientError):
        with_retries(call, FAST, threading.Event(), lambda state: None)
    assert len(call.calls) == FAST.retry_attempts


def test_permanent_errors_fail_at_once() -> None:
    call = Flaky(10, ValueError("bad column"))
    with pytest.raises(ValueError, match="bad column"):
        with_retries(call, FAST, threading.Event(), lambda state: None)
    assert call.calls == [(1, False)]


def test_shutdown_stops_retrying_and_cuts_the_backoff_short() -> None:
    stopping = threading.Event()
    slow = Settings(retry_attempts=5, retry_initial_seconds=3600, retry_max_seconds=3600)
    call = Flaky(10)
    threading.Timer(0.2, stopping.set).start()
    with pytest.raises(Interrupted):
        with_retries(call, slow, stopping, lambda state: None)  # an hour's backoff, cut short
    assert len(call.calls) == 1


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _evaluate_on(url: str, tmp_path: Path, query: str = "SELECT 1") -> Evaluation:
    spec = JobSpec.model_validate(
        {
            "model": "m",
            "schedule": {"interval": "1h"},
            "timestamp_column": "ts",
            "reference": {"sql": {"url": url, "query": query}},
            "current": {"sql": {"url": url, "query": query}},
            "columns": {"numerical": ["x"]},
        }
    )
    end = datetime(2026, 3, 1, tzinfo=UTC)
    return evaluate(LoadedSpec(tmp_path / "m.yaml", spec), Window(end - timedelta(hours=1), end), "none")


def test_an_unreachable_source_yields_a_retryable_evaluation(tmp_path: Path) -> None:
    """SourceUnavailable, raised by the source, marks the evaluation retryable."""
    outcome = _evaluate_on(f"postgresql+psycopg2://postgres@127.0.0.1:{_closed_port()}/x", tmp_path)
    assert outcome.status == "failed"
    assert outcome.retryable, outcome.error


@pytest.mark.postgres  # the local server refuses the login
@pytest.mark.parametrize(
    ("user", "database", "refused"),
    [("driftboard_no_such_role", "postgres", "role"), ("postgres", "driftboard_no_such_db", "database")],
)
def test_a_login_the_source_refuses_is_not_retried(
    tmp_path: Path, user: str, database: str, refused: str
) -> None:
    """The local PostgreSQL answers and refuses: a configuration error, failed at once."""
    url = make_url(PG_ADMIN_URL).set(username=user, password=None, database=database)
    outcome = _evaluate_on(url.render_as_string(hide_password=False), tmp_path)
    assert not outcome.retryable
    assert outcome.error is not None
    assert outcome.error.startswith("source database refused the login: ")
    assert f'{refused} "driftboard_no_such_' in outcome.error


def test_a_bad_query_is_not_retried(tmp_path: Path) -> None:
    """The server answered: a query it rejects fails the same way at every attempt."""
    url = PG_ADMIN_URL
    spec_url = make_url(url).render_as_string(hide_password=False)
    outcome = _evaluate_on(spec_url, tmp_path, query="SELECT * FROM driftboard_no_such_table")
    assert outcome.error is not None
    assert outcome.error.startswith("source query failed: ")
    assert not outcome.retryable
