"""Late rows: a window before the newest whose rows changed is evaluated again and replaces
its run (never a second one), without a push; an unchanged window is left alone."""

from datetime import timedelta
from pathlib import Path

import pandas as pd
from pydantic import SecretStr
from sqlalchemy import Engine, select

from driftboard.jobs.load import load_spec
from driftboard.jobs.window import Window
from driftboard.run import late, pipeline
from driftboard.settings import Settings
from driftboard.store import connect
from driftboard.store.models import Run
from tests.support.helpers import WINDOW_END, frames, stamps, write_job

HOUR = timedelta(hours=1)
NEWEST = Window(WINDOW_END, WINDOW_END + HOUR)
EARLIER = [Window(WINDOW_END - 2 * HOUR, WINDOW_END - HOUR), Window(WINDOW_END - HOUR, WINDOW_END)]


def _current(rows_per_window: list[int]) -> pd.DataFrame:
    parts = []
    for k, n in enumerate(rows_per_window):
        _, cur = frames(n_cur=n, seed=k + 2)
        cur["ts"] = stamps(n, end=WINDOW_END + HOUR * (k - 1))
        parts.append(cur)
    return pd.concat(parts, ignore_index=True)


def _runs(engine: Engine) -> list[tuple[object, ...]]:
    query = select(Run.window_end, Run.current_rows, Run.finished_at, Run.pushed_at, Run.push_error)
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(query.order_by(Run.window_end))]


def test_late_rows_replace_an_earlier_windows_run_without_a_push(tmp_path: Path, store_url: str) -> None:
    ref, _ = frames()
    job = write_job(tmp_path, ref, _current([300, 300, 300]), late_windows=2)
    url = store_url
    # A push would fail (nothing listens there) and be recorded: none must be tried.
    settings = Settings(
        database_url=SecretStr(url), pushgateway_url="http://127.0.0.1:9", cache_dir=tmp_path / "cache"
    )
    engine, loaded = connect.make_engine(url), load_spec(job)
    for window in [*EARLIER, NEWEST]:
        pipeline.run_window(engine, loaded, window, settings.model_copy(update={"pushgateway_url": None}))
    before = _runs(engine)
    _current([300, 340, 300]).to_csv(tmp_path / "current.csv", index=False)  # 40 late rows

    replaced = late.recheck(engine, loaded, NEWEST, settings)

    assert [r.evaluation.window for r in replaced] == [EARLIER[1]]
    after = _runs(engine)
    assert [r[0] for r in after] == [w.end for w in [*EARLIER, NEWEST]]  # one run per window
    assert after[0] == before[0]  # unchanged: not evaluated again
    assert after[1][1] == 340
    assert after[1][3:] == (None, None)  # stored, never pushed
    engine.dispose()


def test_the_windows_checked_are_the_ones_before_the_newest(tmp_path: Path) -> None:
    loaded = load_spec(write_job(tmp_path, late_windows=2))
    assert late.earlier_windows(loaded, NEWEST) == EARLIER
