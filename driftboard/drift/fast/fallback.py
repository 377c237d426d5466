"""Evidently's own stattest function for one column: tests with no native version, and the
safety net when native scoring fails. Imported late: `import evidently` costs ~4 s."""

import threading

from driftboard.data.quality import Column
from driftboard.drift.fast.profile import finite
from driftboard.jobs import stattests

# Evidently's functions are not thread-safe: permutation tests reseed numpy's global RNG,
# hellinger drops NaN in place. Columns that need them take turns.
_EVIDENTLY = threading.Lock()


def evidently_test(test_id: str | None, col: Column, threshold: float | None) -> tuple[str, float, bool]:
    """What the report's ValueDrift does once it has cleaned the column: (test id, score, drifted).

    `test_id` None lets Evidently choose, as its report does.
    """
    from evidently.legacy.calculations.stattests.registry import get_stattest
    from evidently.legacy.core import ColumnType

    kind = ColumnType.Numerical if col.column_type == "numerical" else ColumnType.Categorical
    ref, cur = finite(col.reference), finite(col.current)
    with _EVIDENTLY:
        test = get_stattest(ref, cur, kind, test_id)
        result = test(ref, cur, kind, threshold)
    return stattests.lookup(test.name).id, float(result.drift_score), bool(result.drifted)
