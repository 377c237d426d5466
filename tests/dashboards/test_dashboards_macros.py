"""The expander reproduces Grafana: expected strings come from Grafana's own tests and code
(pkg/tsdb/grafana-postgresql-datasource/macros_test.go, formatRegistry.ts, the Prometheus
datasource's escaping), so a query that passes here is the query Grafana would send."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.support.grafana_macros import MacroError, QueryRange, expand_promql, expand_sql, rfc3339

FROM = datetime(2018, 4, 12, 18, 0, tzinfo=UTC)
RANGE = QueryRange(FROM, FROM + timedelta(minutes=5), "5m")


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("select $__time(time_column)", 'select time_column AS "time"'),
        (
            "WHERE $__timeFilter(time_column)",
            "WHERE time_column BETWEEN '2018-04-12T18:00:00Z' AND '2018-04-12T18:05:00Z'",
        ),
        ("select $__timeFrom()", "select '2018-04-12T18:00:00Z'"),
        ("select $__timeTo()", "select '2018-04-12T18:05:00Z'"),
        ("SELECT $__timeGroup(time_column,'5m')", "SELECT floor(extract(epoch from time_column)/300)*300"),
        (
            "SELECT $__timeGroupAlias(time_column,'5m')",
            'SELECT floor(extract(epoch from time_column)/300)*300 AS "time"',
        ),
        ("$__timeGroup(time_column , '5m')", "floor(extract(epoch from time_column)/300)*300"),
        (
            "SELECT $__timeGroup(time_column,'5m'), value",
            'SELECT floor(extract(epoch from time_column)/300)*300 AS "time", value',
        ),
        ("select $__unixEpochFilter(time)", "select time >= 1523556000 AND time <= 1523556300"),
        ("SELECT $__timeGroupAlias(t, $__interval)", 'SELECT floor(extract(epoch from t)/300)*300 AS "time"'),
        ("SELECT $__interval_ms, $__unixEpochFrom()", "SELECT 300000, 1523556000"),
    ],
)
def test_sql_macros_match_grafana(sql: str, expected: str) -> None:
    assert expand_sql(sql, {}, RANGE) == expected


def test_rfc3339_nano_trims_the_fraction_like_go() -> None:
    assert rfc3339(datetime(1960, 2, 1, 7, 0, 0, 500000, tzinfo=UTC)) == "1960-02-01T07:00:00.5Z"


def test_sub_second_group_prints_like_go() -> None:
    assert expand_sql("$__timeGroup(t, 500ms)", {}, RANGE) == "floor(extract(epoch from t)/0.5)*0.5"


@pytest.mark.parametrize(
    ("sql", "value", "expected"),
    [
        ("IN (${m:sqlstring})", ["a", "b'c"], "IN ('a','b''c')"),
        ("= ${m:sqlstring}", "x'; DROP TABLE runs; --", "= 'x''; DROP TABLE runs; --'"),
        ("IN ($m)", ["a", "b"], "IN ('a','b')"),  # a SQL datasource quotes multi-values itself
        ("= '$m'", "o'k", "= 'o''k'"),  # ...and only doubles quotes of a single value
        ("[[m]] ${m:raw}", "v", "v v"),
    ],
)
def test_variable_formats_match_grafana(sql: str, value: str | list[str], expected: str) -> None:
    assert expand_sql(sql, {"m": value}, RANGE) == expected


def test_macro_text_inside_a_value_is_expanded_in_the_literal_as_grafana_does() -> None:
    # The macro engine runs after variables and does not know about string literals.
    assert expand_sql("= ${m:sqlstring}", {"m": "$__timeFrom()"}, RANGE) == "= ''2018-04-12T18:00:00Z''"


@pytest.mark.parametrize(
    "sql", ["$undefined", "${nope:sqlstring}", "$__nosuchmacro(x)", "$__timeGroup(t)", "${m:json}"]
)
def test_what_grafana_would_reject_fails_loudly(sql: str) -> None:
    with pytest.raises(MacroError):
        expand_sql(sql, {"m": "a"}, RANGE)


def test_promql_multi_values_become_an_escaped_alternation() -> None:
    expr = 'x{model=~"$model"}[$__rate_interval]'
    got = expand_promql(expr, {"model": ["a.b", "c"]}, RANGE, scrape="15s")
    # $__rate_interval = max($__interval + scrape interval, 4 × scrape interval) = 315 s
    assert got == 'x{model=~"(a\\\\.b|c)"}[315s]'


def test_promql_single_value_is_not_regex_escaped() -> None:
    assert expand_promql('x{model="$model"}', {"model": "a.b"}, RANGE) == 'x{model="a.b"}'
