"""Structured log lines for the scheduler: logfmt or JSON, always with model, window and run id.

Every line carries the three keys ("-" when a line is about no particular run), so a log
search for one model, window or run id finds all of its lines, across worker processes.
"""

import json
import logging
import sys
from collections.abc import Mapping, MutableMapping
from datetime import UTC, datetime
from typing import Any

from driftboard.jobs.window import Window
from driftboard.settings import LogFormat

CONTEXT = ("model", "window", "run_id")
# Attributes every LogRecord has; anything else on a record came from `extra` and is printed.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


def _logfmt_value(value: Any) -> str:
    text = str(value)
    if text and not any(c in text for c in ' "=\n'):
        return text
    return json.dumps(text)


class StructuredFormatter(logging.Formatter):
    def __init__(self, fmt: LogFormat = "logfmt") -> None:
        super().__init__()
        self.fmt = fmt

    def fields(self, record: logging.LogRecord) -> dict[str, Any]:
        out: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        out.update({key: getattr(record, key, "-") for key in CONTEXT})
        out.update({k: v for k, v in vars(record).items() if k not in _STANDARD and k not in out})
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return out

    def format(self, record: logging.LogRecord) -> str:
        fields = self.fields(record)
        if self.fmt == "json":
            return json.dumps(fields, default=str)
        return " ".join(f"{k}={_logfmt_value(v)}" for k, v in fields.items())


class RunLog(logging.LoggerAdapter[logging.Logger]):
    """A logger bound to one run's context; per-call `extra` adds keys instead of replacing."""

    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> tuple[Any, MutableMapping[str, Any]]:
        kwargs["extra"] = {**(self.extra or {}), **kwargs.get("extra", {})}
        return msg, kwargs


def window_text(window: Window) -> str:
    """An ISO 8601 interval, start/end in UTC: one token, easy to grep and to paste."""
    return "/".join(t.astimezone(UTC).isoformat().replace("+00:00", "Z") for t in (window.start, window.end))


def run_log(name: str, model: str = "-", window: Window | None = None, run_id: str = "-") -> RunLog:
    shown = window_text(window) if window else "-"
    context: Mapping[str, object] = {"model": model, "window": shown, "run_id": run_id}
    return RunLog(logging.getLogger(name), context)


def configure(fmt: LogFormat, level: int = logging.INFO) -> None:
    """Log to stderr in the chosen format.

    APScheduler's warnings about a firing skipped while the previous one still runs are
    muted: the next firing catches that window up, and driftboard_scheduling_lag_seconds
    shows the delay.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(StructuredFormatter(fmt))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
