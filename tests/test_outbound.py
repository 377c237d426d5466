"""Outbound calls end within their deadline and fail as one OutboundError, whatever the
service does, and the error never repeats the URL (webhook URLs are secrets)."""

import pytest

from driftboard import outbound
from tests.support.misbehaving import answering, misbehaving
from tests.support.realstack import free_port


def test_a_trickling_answer_is_cut_at_the_deadline() -> None:
    """urllib's per-read timeout never fires here: a byte arrives every 0.1 s for 30 s."""
    with misbehaving("trickle") as url, pytest.raises(outbound.OutboundError) as caught:
        outbound.call(url + "/metrics", deadline=0.5)
    assert str(caught.value) == "no complete answer within the 0.5 s deadline"


def test_a_service_that_is_not_http_is_an_error() -> None:
    with misbehaving("ssh") as url, pytest.raises(outbound.OutboundError) as caught:
        outbound.call(url, "PUT", b"x 1\n", deadline=5)
    assert str(caught.value).startswith("BadStatusLine: ")


def test_an_http_error_status_is_an_error() -> None:
    with misbehaving("http-error") as url, pytest.raises(outbound.OutboundError) as caught:
        outbound.call(url, "POST", b"{}")
    assert str(caught.value) == "HTTP 503"


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("http://127.0.0.1:9091/a b/token-s3cret", "malformed URL (InvalidURL)"),
        ("ftp://127.0.0.1/token-s3cret", "not an http(s) URL (scheme 'ftp')"),
        ("http://127.0.0.1:port/token-s3cret", "malformed URL: InvalidURL"),
    ],
)
def test_a_malformed_url_is_an_error_that_does_not_repeat_it(url: str, said: str) -> None:
    with pytest.raises(outbound.OutboundError) as caught:
        outbound.call(url)
    assert str(caught.value) == said


def test_a_refused_connection_is_an_error() -> None:
    with pytest.raises(outbound.OutboundError) as caught:
        outbound.call(f"http://127.0.0.1:{free_port()}/")
    assert "refused" in str(caught.value).lower()


def test_an_answer_is_returned_whole() -> None:
    with answering(b"ok 1\n") as url:
        answer = outbound.call(url + "/x", "PUT", b"x 1\n", {"Content-Type": "text/plain"})
    assert (answer.status, answer.body) == (200, b"ok 1\n")


def test_only_what_may_pass_is_retryable() -> None:
    with pytest.raises(outbound.OutboundError) as malformed:
        outbound.call("http://127.0.0.1:9/a b")
    with pytest.raises(outbound.OutboundError) as refused:
        outbound.call(f"http://127.0.0.1:{free_port()}/")
    assert (malformed.value.retryable, refused.value.retryable) == (False, True)


def test_the_retry_policy_tries_three_times_what_may_pass() -> None:
    calls: list[str] = []

    @outbound.retried
    def flaky(url: str) -> None:
        calls.append(url)
        outbound.call(url)

    with pytest.raises(outbound.OutboundError) as refused:
        flaky(f"http://127.0.0.1:{free_port()}/")
    assert (len(calls), outbound.tries(refused.value)) == (outbound.ATTEMPTS, " after 3 attempts")


def test_the_retry_policy_gives_up_at_once_on_a_refused_request() -> None:
    calls: list[str] = []

    @outbound.retried
    def refused(url: str) -> None:
        calls.append(url)
        outbound.call(url + "/x")

    with answering(b"no\n", status=404) as url, pytest.raises(outbound.OutboundError) as caught:
        refused(url)
    assert (len(calls), outbound.tries(caught.value)) == (1, "")
