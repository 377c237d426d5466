"""Stored runs read back as the Evaluations that produced them, oldest first: what the alert
replay (driftboard/prometheus/replay.py) feeds through the metrics a push would send.
"""

from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, selectinload

from driftboard.results import Evaluation
from driftboard.store.models import Run
from driftboard.store.runs import rows


def evaluations(engine: Engine, model: str, start: datetime, end: datetime) -> list[Evaluation]:
    """The model's runs whose window ends in (start, end], oldest first."""
    query = (
        select(Run)
        .where(Run.model == model, Run.window_end > start, Run.window_end <= end)
        .order_by(Run.window_end)
        .options(selectinload(Run.features))
    )
    with Session(engine) as session:
        return [rows.from_row(run) for run in session.scalars(query)]
