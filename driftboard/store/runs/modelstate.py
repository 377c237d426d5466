"""Every model's latest state, for `driftboard status`: its newest run, its newest
successful run with that run's feature results, and the levels it is judged by."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, select, true

from driftboard.store.models import FeatureResult, MonitoredModel, Run
from driftboard.store.runs.timeline import FeaturePoint

RUN_FIELDS = (
    "id", "model", "window_start", "window_end", "status", "error", "finished_at",
    "n_features", "n_drifted", "share_drifted", "dataset_drift", "report_path", "schema_changes",
)  # fmt: skip


@dataclass(frozen=True)
class ModelState:
    model: str
    last: dict[str, Any]  # the newest run, whatever its status
    scored: dict[str, Any] | None  # the newest succeeded run (the same one when it succeeded)
    features: tuple[FeaturePoint, ...]  # the scored run's feature results
    levels: dict[str, Any] | None  # monitored_models' row: interval and alert levels


def _newest(engine: Engine, succeeded_only: bool) -> dict[str, dict[str, Any]]:
    """Per model, its run with the latest window end (the highest id if two share it)."""
    newest = select(Run.model, func.max(Run.window_end).label("end")).group_by(Run.model)
    if succeeded_only:
        newest = newest.where(Run.status == "succeeded")
    latest = newest.subquery()
    query = (
        select(*(getattr(Run, f) for f in RUN_FIELDS))
        .join(latest, (Run.model == latest.c.model) & (Run.window_end == latest.c.end))
        .where(Run.status == "succeeded" if succeeded_only else true())
        .order_by(Run.id)
    )
    with engine.connect() as conn:
        return {row.model: dict(row._mapping) for row in conn.execute(query)}


def _features(engine: Engine, run_ids: list[int]) -> dict[int, list[FeaturePoint]]:
    f = FeatureResult
    query = select(f.run_id, *(getattr(f, n) for n in FeaturePoint._fields)).where(f.run_id.in_(run_ids))
    found: dict[int, list[FeaturePoint]] = {}
    with engine.connect() as conn:
        for run_id, *values in conn.execute(query.order_by(f.feature)):
            found.setdefault(run_id, []).append(FeaturePoint(*values))
    return found


def _levels(engine: Engine) -> dict[str, dict[str, Any]]:
    with engine.connect() as conn:
        return {row.model: dict(row._mapping) for row in conn.execute(select(MonitoredModel.__table__))}


def model_states(engine: Engine) -> list[ModelState]:
    """One state per model that has a run, by model name."""
    last, scored, levels = _newest(engine, False), _newest(engine, True), _levels(engine)
    features = _features(engine, [run["id"] for run in scored.values()])
    return [
        ModelState(
            model,
            last[model],
            scored.get(model),
            tuple(features.get(scored[model]["id"], [])) if model in scored else (),
            levels.get(model),
        )
        for model in sorted(last)
    ]
