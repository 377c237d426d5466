"""Which failures are worth retrying, and the bounded exponential backoff between attempts.

Transient, by the type of what failed: a source that raised SourceUnavailable (its
Evaluation comes back `retryable`), the results store unreachable (TransientError), a
timeout, a worker process that died. Everything else (bad data, bad query, a bug) is
permanent: the run fails at once and its reason is stored.
"""

import functools
import threading
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    stop_when_event_set,
    wait_exponential,
)

from driftboard.settings import Settings

T = TypeVar("T")


class TransientError(Exception):
    """A failure worth retrying. Plain message only: it crosses process boundaries by pickle."""


class Interrupted(Exception):
    """Shutdown came during a backoff: no further attempt was made."""


def _sleep(stopping: threading.Event, seconds: float) -> None:
    if stopping.wait(seconds):
        raise Interrupted


def with_retries(
    call: Callable[[int, bool], T],
    settings: Settings,
    stopping: threading.Event,
    on_retry: Callable[[RetryCallState], None],
) -> T:
    """Call `call(attempt, final)` until it returns or raises a permanent error.

    `final` tells the call its attempt is the last, so it records a transient failure
    instead of raising. Shutdown ends a backoff early with Interrupted; no attempt follows.
    """
    retrying = Retrying(
        retry=retry_if_exception_type((TransientError, BrokenProcessPool, TimeoutError)),
        stop=stop_after_attempt(settings.retry_attempts) | stop_when_event_set(stopping),
        wait=wait_exponential(multiplier=settings.retry_initial_seconds, max=settings.retry_max_seconds),
        sleep=functools.partial(_sleep, stopping),
        before_sleep=on_retry,
        reraise=True,
    )
    for attempt in retrying:
        with attempt:
            number = attempt.retry_state.attempt_number
            return call(number, number >= settings.retry_attempts)
    raise AssertionError("unreachable: tenacity re-raises the last error when it stops")
