"""`driftboard scheduler` as a process: signals, the HTTP endpoint, and an orderly exit.

SIGHUP re-reads the job specs; SIGTERM and SIGINT stop starting runs, give the running
ones `shutdown_timeout_seconds`, and exit 0. Handlers only set flags: the work happens in
the main thread, never inside a signal handler.
"""

import logging
import signal
import threading
from collections.abc import Mapping
from pathlib import Path
from types import FrameType

from driftboard.httpd import HttpServer, Router, WSGIApp, standard_routes
from driftboard.scheduler import logfmt, selfmon
from driftboard.scheduler.jobset import JobSet
from driftboard.scheduler.service import Scheduler
from driftboard.settings import Settings

log = logging.getLogger(__name__)


class ListenError(OSError):
    """The HTTP endpoint's address is taken or not allowed."""


class Signals:
    def __init__(self) -> None:
        self.wake, self.stop, self.reload = threading.Event(), threading.Event(), threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._on_stop)
        signal.signal(signal.SIGHUP, self._on_reload)

    def _on_stop(self, signum: int, frame: FrameType | None) -> None:
        self.stop.set()
        self.wake.set()

    def _on_reload(self, signum: int, frame: FrameType | None) -> None:
        self.reload.set()
        self.wake.set()


def serve(settings: Settings, jobs_dir: Path, mounts: Mapping[str, WSGIApp] | None = None) -> int:
    """Run until SIGTERM/SIGINT. `mounts` adds WSGI apps under path prefixes (e.g. /reports/)."""
    logfmt.configure(settings.log_format)
    signals = Signals()  # before anything slow, so an early SIGTERM is not fatal
    router = Router()
    try:  # the port first: a clash fails at once, before any work
        http = HttpServer(settings.scheduler_host, settings.scheduler_port, router)
    except OSError as exc:
        raise ListenError(
            f"cannot listen on {settings.scheduler_host}:{settings.scheduler_port}: {exc}"
        ) from None
    scheduler = Scheduler(settings, JobSet(jobs_dir))
    for prefix, app in {**standard_routes(selfmon.REGISTRY, scheduler.health), **(mounts or {})}.items():
        router.mount(prefix, app)
    http.start()
    scheduler.start()
    log.info(
        "scheduler started",
        extra={"workers": scheduler.pool.size, "listen": f"{settings.scheduler_host}:{http.port}"},
    )
    while not signals.stop.is_set():
        signals.wake.wait(1.0)  # a timeout too, in case a signal lands between check and wait
        signals.wake.clear()
        if signals.reload.is_set() and not signals.stop.is_set():
            signals.reload.clear()
            log.info("SIGHUP: reloading job specs")
            scheduler.reload()
    abandoned = scheduler.stop(
        closed=lambda: log.info(
            "stopping: no new runs; waiting for the running ones",
            extra={"timeout_seconds": settings.shutdown_timeout_seconds},
        )
    )
    http.stop()
    log.info("scheduler stopped", extra={"abandoned_runs": abandoned})
    return 0
