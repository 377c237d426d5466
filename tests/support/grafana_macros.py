"""Grafana's expansion of a dashboard query, reproduced so the queries can run without Grafana.

SQL goes through three steps in Grafana 10/11, in this order, and so it does here:
1. the browser replaces template variables, `${name:format}`, `${name}`, `$name`, `[[name]]`
   (public/app/features/templating/template_srv.ts, formatRegistry.ts);
2. the server replaces `$__interval`, `$__interval_ms`, `$__unixEpochFrom()`/`To()`
   (pkg/tsdb/.../sqleng/sql_engine.go, Interpolate);
3. the PostgreSQL macro engine replaces `$__macro(args)` (grafana-postgresql-datasource/macros.go).
Step 3 runs on the text step 1 produced, string literals included; we reproduce that too.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

Value = str | list[str]  # a list is a multi-value (or "All") selection
VARIABLE = re.compile(r"\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?::([^}]+))?\}")
MACRO = re.compile(r"\$([_a-zA-Z0-9]+)\(([^)]*)\)")  # Grafana's sExpr, verbatim
UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
SQL_BUILTINS = {
    "__interval",
    "__interval_ms",
    "__unixEpochFrom",
    "__unixEpochTo",
    "__timeFilter",
    "__timeFrom",
}
SQL_BUILTINS |= {"__timeTo", "__timeGroup", "__timeGroupAlias", "__time", "__unixEpochFilter"}
PROM_BUILTINS = {"__rate_interval", "__interval", "__range"}


class MacroError(ValueError):
    """The query would fail in Grafana too (unknown macro or variable, bad interval)."""


@dataclass(frozen=True)
class QueryRange:
    start: datetime
    end: datetime
    interval: str = "1h"  # what Grafana computed for $__interval from the range and panel width

    @property
    def interval_seconds(self) -> float:
        return parse_interval(self.interval).total_seconds()


def parse_interval(text: str) -> timedelta:
    match = re.fullmatch(r"(\d+)(ms|s|m|h|d|w)", text.strip().strip("'"))
    if match is None:
        raise MacroError(f"error parsing interval {text}")
    return timedelta(seconds=int(match[1]) * UNITS[match[2]])


def rfc3339(moment: datetime) -> str:
    """Go's time.RFC3339Nano in UTC: no fraction when zero, trailing zeros trimmed."""
    utc = moment.astimezone(UTC)
    fraction = f".{utc.microsecond:06d}".rstrip("0") if utc.microsecond else ""
    return utc.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z"


def _go_float(number: float) -> str:
    return str(int(number)) if number.is_integer() else repr(number)  # Go's %v for float64


def sqlstring(value: Value) -> str:
    values = value if isinstance(value, list) else [value]
    return ",".join("'" + v.replace("'", "''") + "'" for v in values)


def sql_default(value: Value) -> str:
    """A SQL datasource's own formatting when the query names no format."""
    return sqlstring(value) if isinstance(value, list) else value.replace("'", "''")


def prom_default(value: Value) -> str:
    """The Prometheus datasource's formatting: regex-escaped alternatives for multi-values."""
    if not isinstance(value, list):
        return value.replace("\\", "\\\\").replace("'", "\\\\'")
    escaped = [
        re.sub(r"[$^*{}\[\]'+?.()|]", lambda m: "\\\\" + m[0], v.replace("\\", "\\\\\\\\")) for v in value
    ]
    return escaped[0] if len(escaped) == 1 else "(" + "|".join(escaped) + ")"


FORMATS: dict[str, Callable[[Value], str]] = {
    "sqlstring": sqlstring,
    "raw": lambda v: ",".join(v) if isinstance(v, list) else v,
    "csv": lambda v: ",".join(v) if isinstance(v, list) else v,
}


def substitute(
    text: str, variables: Mapping[str, Value], default: Callable[[Value], str], builtins: set[str]
) -> str:
    """Step 1. Built-ins are left for later steps, as Grafana does; any other unknown name fails
    here, where Grafana would send the query with the `$name` in it and fail less clearly."""

    def replace(match: re.Match[str]) -> str:
        name = match[1] or match[2] or match[4]
        fmt = match[3] or match[5]
        if name not in variables:
            if name in builtins:
                return match[0]
            raise MacroError(f"variable ${name} is not defined")
        if fmt is not None and fmt not in FORMATS:
            raise MacroError(f"format {fmt!r} is not reproduced here")
        return (FORMATS[fmt] if fmt else default)(variables[name])

    return VARIABLE.sub(replace, text)


def expand_sql(sql: str, variables: Mapping[str, Value], rng: QueryRange) -> str:
    text = substitute(sql, variables, sql_default, SQL_BUILTINS)
    text = _server_globals(text, rng)
    return MACRO.sub(lambda m: _macro(_compat_name(m), [a.strip() for a in m[2].split(",")], rng), text)


def _compat_name(match: re.Match[str]) -> str:
    # Grafana < 5.3 compatibility, still in macros.go: `$__timeGroup(...)` directly followed
    # by a comma is read as `$__timeGroupAlias(...)`.
    following = match.string[match.end() : match.end() + 1]
    return "__timeGroupAlias" if match[1] == "__timeGroup" and following == "," else match[1]


def _server_globals(text: str, rng: QueryRange) -> str:
    text = text.replace("$__interval_ms", str(int(rng.interval_seconds * 1000)))
    text = text.replace("$__interval", rng.interval)
    text = text.replace("$__unixEpochFrom()", str(int(rng.start.timestamp())))
    return text.replace("$__unixEpochTo()", str(int(rng.end.timestamp())))


def _macro(name: str, args: list[str], rng: QueryRange) -> str:
    col = args[0]
    if name == "__timeFilter":
        return f"{col} BETWEEN '{rfc3339(rng.start)}' AND '{rfc3339(rng.end)}'"
    if name in ("__timeFrom", "__timeTo"):
        return f"'{rfc3339(rng.start if name == '__timeFrom' else rng.end)}'"
    if name in ("__timeGroup", "__timeGroupAlias"):
        if len(args) < 2:
            raise MacroError(f"macro {name} needs time column and interval")
        seconds = _go_float(parse_interval(args[1]).total_seconds())
        group = f"floor(extract(epoch from {col})/{seconds})*{seconds}"
        return group + (' AS "time"' if name == "__timeGroupAlias" else "")
    if name == "__time":
        return f'{col} AS "time"'
    if name == "__unixEpochFilter":
        return f"{col} >= {int(rng.start.timestamp())} AND {col} <= {int(rng.end.timestamp())}"
    raise MacroError(f"unknown macro {name!r}")


def expand_promql(expr: str, variables: Mapping[str, Value], rng: QueryRange, scrape: str = "15s") -> str:
    """A PromQL target as Grafana sends it: variables, then the range/interval built-ins."""
    text = substitute(expr, variables, prom_default, PROM_BUILTINS)
    step, scrape_s = rng.interval_seconds, parse_interval(scrape).total_seconds()
    rate = int(max(step + scrape_s, 4 * scrape_s))  # Grafana's $__rate_interval rule
    seconds = int((rng.end - rng.start).total_seconds())
    for name, value in (
        ("__rate_interval", f"{rate}s"),
        ("__interval", rng.interval),
        ("__range", f"{seconds}s"),
    ):
        text = text.replace(f"${{{name}}}", value).replace(f"${name}", value)
    return text
