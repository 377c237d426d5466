"""Every query on `runs` and the feature rows stored with them, in this one package.

`writes` stores a run and what is learnt after it (push, kept report, skipped gaps,
retention); `reads` answers the pipeline, the catch-up, the backfill and the window lock;
`streaks` compares a run with the runs before it (drift streaks, usual volume); `modelstate`,
`timeline` and `stored` read them back for `driftboard status`, `history` and `alerts replay`;
`rows` maps a run's results onto the tables. The write and read functions are re-exported
here, so callers say `runs.save(...)`, `runs.is_newest(...)`.
"""

from driftboard.store.runs.reads import (
    FeatureRow,
    feature_history,
    is_newest,
    last_success,
    latest_runs,
    recorded_ends,
    stored_rows,
    succeeded,
    succeeded_windows,
    window_bounds,
)
from driftboard.store.runs.writes import (
    delete_before,
    record_push,
    record_report,
    record_skipped,
    save,
)

__all__ = [
    "FeatureRow",
    "delete_before",
    "feature_history",
    "is_newest",
    "last_success",
    "latest_runs",
    "record_push",
    "record_report",
    "record_skipped",
    "recorded_ends",
    "save",
    "stored_rows",
    "succeeded",
    "succeeded_windows",
    "window_bounds",
]
