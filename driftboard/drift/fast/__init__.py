"""Evidently's per-column drift scores without Evidently's report.

Same tests, same automatic choice, same NaN/inf cleaning and same drift flags as
`DataDriftPreset`, computed from a reference profile prepared once (see `cache`), so that
a warm run costs O(m log n) per numerical column for a current window of m rows.
Tests without a native implementation run Evidently's own function for that column.
"""

from driftboard.drift.fast.engine import score_columns

__all__ = ["score_columns"]
