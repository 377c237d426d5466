"""A bounded pool of worker processes that survives a dead worker and stops within a deadline.

Processes come from a fork server that has already imported Evidently: workers start in
milliseconds, and never inherit the scheduler's threads and locks (as a plain fork would).
"""

import contextlib
import logging
import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from driftboard.scheduler import worker
from driftboard.settings import LogFormat

T = TypeVar("T")
log = logging.getLogger(__name__)


class ShuttingDown(Exception):
    """The pool no longer takes work: the window was not started."""


class WorkerPool:
    def __init__(self, size: int, log_format: LogFormat) -> None:
        self.size, self.log_format = size, log_format
        self.closed = False
        self._lock = threading.Lock()
        self._inflight: set[Future[Any]] = set()
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(worker.PRELOAD)
        return ProcessPoolExecutor(
            self.size, mp_context=context, initializer=worker.init_worker, initargs=(self.log_format,)
        )

    def _submit(self, fn: Callable[..., T], *args: Any) -> tuple[ProcessPoolExecutor, Future[T]]:
        # Not under the lock: the first submit waits for the fork server's Evidently import.
        with self._lock:
            if self.closed:
                raise ShuttingDown
            pool = self._pool
        try:
            future = pool.submit(fn, *args)
        except BrokenProcessPool:  # a RuntimeError too: keep this first
            self._replace(pool)
            raise
        except RuntimeError:  # shut down since the check above
            raise ShuttingDown from None
        with self._lock:
            self._inflight.add(future)
        future.add_done_callback(self._done)  # runs at once if already done: after the add
        return pool, future

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is broken and not self.closed:  # another thread may have done it
                log.warning("a worker process died; starting a new pool")
                self._pool = self._new_pool()

    def _done(self, future: Future[Any]) -> None:
        with self._lock:
            self._inflight.discard(future)

    def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run in a worker and wait. A dead worker breaks the whole pool: replace it and raise."""
        pool, future = self._submit(fn, *args)
        try:
            return future.result()
        except CancelledError:
            raise ShuttingDown from None
        except BrokenProcessPool:
            self._replace(pool)
            raise

    def waiting(self) -> int:
        """Windows handed to the pool that no worker has taken yet."""
        return max(0, len(self._inflight) - self.size)

    def warm(self) -> None:
        """Start the fork server (the Evidently import) before the first window needs it."""
        with contextlib.suppress(ShuttingDown, BrokenProcessPool):
            self.run(worker.warm)

    def shutdown(self, timeout: float, closed: Callable[[], None] = lambda: None) -> int:
        """Drop queued windows, let running ones finish until `timeout`, then kill them.
        `closed` is called once no new window can start (e.g. to say so in the log).

        Returns how many were killed; their transactions roll back and catch-up redoes them.
        """
        with self._lock:
            self.closed = True
            pool, running = self._pool, list(self._inflight)
            processes = list((pool._processes or {}).values())  # gone after shutdown(): keep them
        pool.shutdown(wait=False, cancel_futures=True)
        closed()
        _, not_done = wait(running, timeout)
        for process in processes if not_done else []:
            process.kill()
        return len(not_done)
