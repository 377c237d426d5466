"""Backfilled windows in the SLA (docs/sla.md, Backfilled windows): late for freshness only when
due while the model's monitoring was running, and never slow to detect for the backfill's delay.

Model `hist`, hourly from T0: the store's first run of it is the live window ending 100 h,
finished 2 min after its end. Window 101 finishes 5 min after its next tick (due at 102 h,
while monitoring ran: late). Windows 1–6 and 80 are backfilled at 103 h: due before 100 h 02,
none is late, and the drift in 3 and 4 is an incident detected at 3 h, not at 103 h.
"""

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import Engine, insert, text

from driftboard.sla.data import Span, fetch
from driftboard.store import connect, runs
from driftboard.store.models import MonitoredModel
from tests.support.sla_history import T0, H, registry, run

BACKFILL_AT = T0 + 103 * H
DRIFT = {3: {"f1": 1.5}, 4: {"f1": 1.4}}


def seed(engine: Engine) -> None:
    def save(k: int, finished: datetime) -> None:
        outcome = run("hist", T0 + k * H, H, ["f1", "f2"], DRIFT.get(k, {}))
        runs.save(engine, replace(outcome, started_at=finished, finished_at=finished))

    save(100, T0 + 100 * H + timedelta(minutes=2))  # the first live run
    for k in (1, 2, 3, 4, 5, 6, 80):
        save(k, BACKFILL_AT)
    save(101, T0 + 102 * H + timedelta(minutes=5))  # due at 102 h: late
    with engine.begin() as conn:
        conn.execute(insert(MonitoredModel), [registry("hist", H)])


def flags(engine: Engine) -> dict[int, tuple[int, int]]:
    query = "SELECT window_end, on_time, backfilled FROM sla_runs WHERE model = 'hist'"
    with engine.connect() as conn:
        rows = {str(r.window_end)[:19]: (r.on_time, r.backfilled) for r in conn.execute(text(query))}
    hours = {str(T0 + k * H)[:19]: k for k in range(200)}  # the views give SQLite's text as it is
    return {hours[end]: value for end, value in rows.items()}


def test_backfilled_windows_are_on_time_and_detected_at_their_end(store_url: str) -> None:
    engine = connect.make_engine(store_url)
    seed(engine)
    found = flags(engine)
    assert found == {
        **dict.fromkeys((1, 2, 3, 4, 5, 6, 80), (1, 1)),  # due before monitoring started
        100: (1, 0),
        101: (0, 0),  # due at 102 h, while it ran, finished after: late
    }
    result = fetch(engine, Span(T0, T0 + 101 * H, T0 + 200 * H))
    (summary,) = result["summary"]
    assert (summary["on_time_windows"], summary["evaluated_windows"]) == (8, 9)
    (incident,) = result["incidents"]
    assert incident["onset"] == T0 + 2 * H
    assert incident["detected_at"] == T0 + 3 * H  # the window's end, not the backfill's 101 h
    assert incident["mttd_seconds"] == 3600
    engine.dispose()
