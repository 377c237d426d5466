"""One model's runs and feature results over a period: `driftboard history` and the HTML
drift report read them (driftboard.reports.driftgrid shapes them into a grid)."""

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Engine, select

from driftboard.store.models import FeatureResult, Run


class RunPoint(NamedTuple):
    window_end: datetime
    status: str
    error: str | None
    report_path: str | None
    n_drifted: int | None
    n_features: int | None
    dataset_drift: bool | None


class FeaturePoint(NamedTuple):
    feature: str
    window_end: datetime
    status: str
    reason: str | None
    stattest: str | None
    score: float | None
    threshold: float | None
    drift_ratio: float | None
    drift_detected: bool | None
    null_share: float | None
    reference_null_share: float | None
    unseen_share: float | None


def runs_between(engine: Engine, model: str, start: datetime, end: datetime) -> list[RunPoint]:
    """The model's runs whose window ended in (start, end], oldest first."""
    r = Run
    query = (
        select(r.window_end, r.status, r.error, r.report_path, r.n_drifted, r.n_features, r.dataset_drift)
        .where(r.model == model, r.window_end > start, r.window_end <= end)
        .order_by(r.window_end)
    )
    with engine.connect() as conn:
        return [RunPoint(*row) for row in conn.execute(query)]


def features_between(engine: Engine, model: str, start: datetime, end: datetime) -> list[FeaturePoint]:
    """Every feature result of those runs, oldest first (the (model, window_end) index's order)."""
    f = FeatureResult
    columns = [getattr(f, name) for name in FeaturePoint._fields]
    query = (
        select(*columns)
        .where(f.model == model, f.window_end > start, f.window_end <= end)
        .order_by(f.window_end, f.feature)
    )
    with engine.connect() as conn:
        return [FeaturePoint(*row) for row in conn.execute(query)]


def known_models(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.scalars(select(Run.model).distinct().order_by(Run.model)))
