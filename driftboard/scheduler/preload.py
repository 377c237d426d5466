"""Imported only inside the worker pool's fork server (see worker.PRELOAD), never elsewhere.

A SIGTERM or SIGHUP sent to the whole process group (systemd, `timeout`, a terminal) would
kill the fork server, whose death the pool reads as every worker dying at once. The
scheduler alone decides when workers stop, so the fork server ignores both; it still
exits when the scheduler does (multiprocessing closes its pipe). SIGINT it ignores itself.
"""

import signal

import evidently.presets  # noqa: F401  # the ~5 s import, done once for all workers

signal.signal(signal.SIGTERM, signal.SIG_IGN)
signal.signal(signal.SIGHUP, signal.SIG_IGN)
