"""The demo model: a month of hourly churn-model traffic with a known story.

Day 12, the whole day: `data_usage_gb` is null in every row (a dead upstream feature).
Day 20 (from its first hour): `monthly_charges`, `contract_type` and `days_since_last_login`
drift. Day 25, 06:00–18:00: half of `avg_session_minutes` goes missing (a tracking outage).
Day 28 on: the `device_os` column is dropped from the data (a schema change upstream).
Labels (`churned`) land seven days after the events they describe. driftboard/demo/ondisk.py
writes it all.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd

MODEL = "demo-churn"
DRIFTED = ("monthly_charges", "contract_type", "days_since_last_login")
NULL_BURST_FEATURE = "avg_session_minutes"
DEAD_FEATURE = "data_usage_gb"
DROPPED_COLUMN = "device_os"
NUMERICAL = [
    "age", "tenure_months", "monthly_charges", "total_charges", "support_calls", "num_products",
    "days_since_last_login", "avg_session_minutes", "data_usage_gb", "late_payments",
]  # fmt: skip
CATEGORICAL = ["contract_type", "region", "payment_method", "plan_tier", "device_os"]
LABEL_DELAY = timedelta(days=7)


@dataclass(frozen=True)
class Story:
    """When things happen, counted from `start` (day 1 begins at start)."""

    start: datetime
    days: int = 30
    rows_per_hour: int = 300
    reference_rows: int = 10000
    seed: int = 20

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=self.days)

    @property
    def onset(self) -> datetime:
        return self.start + timedelta(days=19)

    @property
    def dead_day(self) -> tuple[datetime, datetime]:
        day12 = self.start + timedelta(days=11)
        return day12, day12 + timedelta(days=1)

    @property
    def dropped_from(self) -> datetime:
        return self.start + timedelta(days=27)

    @property
    def null_burst(self) -> tuple[datetime, datetime]:
        day25 = self.start + timedelta(days=24)
        return day25 + timedelta(hours=6), day25 + timedelta(hours=18)


def story_ending(end: datetime, days: int = 30) -> Story:
    """A story whose month ends at the last UTC midnight before `end` (Grafana's 'last 30 days')."""
    end = end.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return Story(start=end - timedelta(days=days), days=days)


def customers(rng: np.random.Generator, n: int, drifted: bool) -> pd.DataFrame:
    tenure = rng.gamma(2.0, 14.0, n).round(1)
    charges = rng.normal(95 if drifted else 65, 15, n).round(2)
    frame = pd.DataFrame(
        {
            "age": rng.normal(44, 13, n).clip(18, 90).round(0),
            "tenure_months": tenure,
            "monthly_charges": charges,
            "total_charges": (tenure * rng.normal(65, 15, n)).round(2),
            "support_calls": rng.poisson(1.4, n),
            "num_products": rng.integers(1, 6, n),
            "days_since_last_login": rng.exponential(9.0 if drifted else 3.0, n).round(1),
            "avg_session_minutes": rng.lognormal(2.5, 0.5, n).round(1),
            "data_usage_gb": rng.gamma(3.0, 4.0, n).round(2),
            "late_payments": rng.poisson(0.3, n),
            "contract_type": rng.choice(["month-to-month", "one-year", "two-year"], n, p=_mix(drifted)),
            "region": rng.choice(["north", "south", "east", "west", "central"], n),
            "payment_method": rng.choice(["card", "transfer", "check", "wallet"], n, p=[0.5, 0.3, 0.1, 0.1]),
            "plan_tier": rng.choice(["basic", "standard", "premium"], n, p=[0.4, 0.4, 0.2]),
            "device_os": rng.choice(["android", "ios", "web"], n, p=[0.45, 0.35, 0.2]),
        }
    )
    # Scored from undrifted inputs only, so exactly DRIFTED moves and the prediction does not.
    logit = -2.2 + 0.35 * frame["support_calls"] + 0.5 * frame["late_payments"] - 0.01 * frame["age"]
    frame["churn_probability"] = (1 / (1 + np.exp(-logit))).round(4)
    frame["churned"] = rng.random(n) < frame["churn_probability"]
    return frame


def _mix(drifted: bool) -> list[float]:
    return [0.8, 0.12, 0.08] if drifted else [0.45, 0.3, 0.25]


def traffic(story: Story) -> pd.DataFrame:
    rng = np.random.default_rng(story.seed)
    hours = []
    for hour in range(story.days * 24):
        at = story.start + timedelta(hours=hour)
        batch = customers(rng, story.rows_per_hour, drifted=at >= story.onset)
        batch.insert(
            0,
            "event_time",
            pd.to_datetime(at) + pd.to_timedelta(np.sort(rng.uniform(0, 3600, len(batch))), unit="s"),
        )
        hours.append(batch)
    frame = pd.concat(hours, ignore_index=True)
    frame.insert(0, "event_id", np.arange(len(frame)))
    lo, hi = story.null_burst
    burst = (frame["event_time"] >= lo) & (frame["event_time"] < hi) & (rng.random(len(frame)) < 0.5)
    frame.loc[burst, NULL_BURST_FEATURE] = np.nan
    dead_from, dead_to = story.dead_day
    frame.loc[(frame["event_time"] >= dead_from) & (frame["event_time"] < dead_to), DEAD_FEATURE] = np.nan
    return frame
