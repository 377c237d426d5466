"""Every outbound HTTP call driftboard makes (Pushgateway, Prometheus, webhooks), under a total
deadline.

urllib's `timeout` bounds each socket operation, not the call: a server that trickles its
answer a byte at a time, or sends no HTTP at all but keeps the line open, holds the caller
forever. Here a timer shuts the socket down when the deadline passes, which wakes a blocked
read at once. Every failure, whatever layer raised it (a malformed URL, a non-HTTP answer, a
refused connection, the deadline), is one `OutboundError` whose message never repeats the
URL: webhook URLs are secrets. Callers that retry use one policy, `retried`.
"""

import contextlib
import http.client
import socket
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlsplit

from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential

DEFAULT_DEADLINE = 10.0
ATTEMPTS = 3  # with 0.5 s and 1 s between them: a brief hiccup passes, a dead service costs ~2 s
T = TypeVar("T")


class OutboundError(OSError):
    """The call did not complete, or the server answered with an HTTP error status.
    `retryable` is False where another attempt would fail the same way (a malformed URL, a
    request the server refused as such)."""

    def __init__(self, message: str, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable

    def __str__(self) -> str:
        return str(self.args[0])


def retryable(exc: BaseException) -> bool:
    """Network trouble may pass; a malformed URL or a refused request would fail again."""
    return isinstance(exc, OSError) and getattr(exc, "retryable", True)


def retried(send: Callable[..., T]) -> Callable[..., T]:
    """The one retry policy of outbound calls (Pushgateway, retrain hook, SLA webhook)."""
    policy = retry(
        retry=retry_if_exception(retryable),
        stop=stop_after_attempt(ATTEMPTS),
        wait=wait_exponential(multiplier=0.5, max=4),
        reraise=True,
    )
    return policy(send)


def tries(exc: BaseException) -> str:
    """How a failure's message says that it was retried (empty where it was not)."""
    return f" after {ATTEMPTS} attempts" if retryable(exc) else ""


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes


def call(
    url: str,
    method: str = "GET",
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    deadline: float = DEFAULT_DEADLINE,
) -> Answer:
    """One request and its whole answer within `deadline` seconds; HTTP ≥ 400 is an error."""
    conn = _connection(url, deadline)
    expired = threading.Event()
    timer = threading.Timer(deadline, _cut, (conn, expired))
    timer.start()
    try:
        answer = _exchange(conn, url, method, body, dict(headers or {}))
    except (OSError, http.client.HTTPException, ValueError) as exc:
        retryable = not isinstance(exc, ValueError | http.client.InvalidURL)  # or a refused header
        raise OutboundError(_why(exc, expired.is_set(), deadline), retryable) from None
    finally:
        timer.cancel()
        conn.close()
    if expired.is_set():  # the shutdown can read as the end of a (cut) answer, not as an error
        raise OutboundError(_why(TimeoutError(), True, deadline))
    if answer.status >= 400:  # 5xx may pass; 4xx would be refused again
        raise OutboundError(f"HTTP {answer.status}", retryable=answer.status >= 500)
    return answer


def _connection(url: str, deadline: float) -> http.client.HTTPConnection:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise OutboundError(f"not an http(s) URL (scheme {parts.scheme!r})", retryable=False)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    try:
        return kind(parts.netloc.rsplit("@", 1)[-1], timeout=deadline)
    except (http.client.InvalidURL, ValueError) as exc:
        raise OutboundError(f"malformed URL: {type(exc).__name__}", retryable=False) from None


def _exchange(
    conn: http.client.HTTPConnection, url: str, method: str, body: bytes | None, headers: dict[str, str]
) -> Answer:
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    conn.request(method, target, body=body, headers=headers)
    response = conn.getresponse()
    return Answer(response.status, response.read())


def _cut(conn: http.client.HTTPConnection, expired: threading.Event) -> None:
    """Called by the timer: a shutdown (unlike close) wakes a read blocked in another thread."""
    expired.set()
    sock = conn.sock
    if sock is not None:
        with contextlib.suppress(OSError):  # already closed: the call ended as the deadline passed
            sock.shutdown(socket.SHUT_RDWR)


def _why(exc: BaseException, expired: bool, deadline: float) -> str:
    if expired:
        return f"no complete answer within the {deadline:g} s deadline"
    if isinstance(exc, http.client.InvalidURL):
        return "malformed URL (InvalidURL)"
    reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    # One short line: a hostile service chooses this text (e.g. the line it sent instead of HTTP).
    return f"{type(exc).__name__}: {' '.join(reason.split())[:200]}"
