"""How well performance estimated from scores (driftboard/sla/estimate.py) tracks the realised
performance of the demo model, in two injected incidents from day 8 (docs/performance.md):

- `covariate`: customers call support more (support_calls ~ Poisson(4) instead of 1.4), a
  feature the model uses: scores move into the uncertain middle and accuracy falls. Feature
  drift, and the scores show it.
- `concept`: the same customers and scores, but churn is more likely than the model says
  (log-odds + 1.2): accuracy falls and no input or score moves.

Each 6-hour window's estimate is known when the window closes; its realised accuracy only
when its labels land, LABEL_DELAY (7 days) later.
"""

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pandas as pd

from driftboard.demo.generate import LABEL_DELAY, customers, logit
from driftboard.sla.estimate import calibrator, estimate
from driftboard.sla.performance import binary

SCENARIOS = ("covariate", "concept")
WINDOW = timedelta(hours=6)


@dataclass(frozen=True)
class Measurement:
    scenario: str
    estimated: list[float]  # per window, in order
    realised: list[float]
    threshold: float
    onset: int  # index of the first window of the incident

    def error(self, before_onset: bool) -> float:
        """Mean absolute error of the estimate before (or from) the onset."""
        span = slice(0, self.onset) if before_onset else slice(self.onset, None)
        return float(np.mean(np.abs(np.subtract(self.estimated[span], self.realised[span]))))

    def crossed(self, values: list[float]) -> int | None:
        """The first window below the threshold, or None."""
        return next((i for i, v in enumerate(values) if v < self.threshold), None)

    def windows_earlier(self) -> int | None:
        """How many windows before the labels show a crossing the estimate shows one (known at
        window close vs at label landing); None when the estimate never crosses."""
        seen, truth = self.crossed(self.estimated), self.crossed(self.realised)
        if seen is None or truth is None:
            return None
        return truth + LABEL_DELAY // WINDOW - seen


def window(rng: np.random.Generator, rows: int, scenario: str, incident: bool) -> pd.DataFrame:
    frame = customers(rng, rows, drifted=False)
    if incident and scenario == "covariate":
        frame["support_calls"] = rng.poisson(4.0, rows)
        frame["churn_probability"] = (1 / (1 + np.exp(-logit(frame)))).round(4)
        frame["churned"] = rng.random(rows) < frame["churn_probability"]
    elif incident and scenario == "concept":
        frame["churned"] = rng.random(rows) < 1 / (1 + np.exp(-(logit(frame) + 1.2)))
    return frame


def measure(scenario: str, days: int = 14, onset_day: int = 8, rows_per_window: int = 1800,
            threshold: float = 0.8, metric: str = "accuracy", seed: int = 20) -> Measurement:  # fmt: skip
    """Estimate and realise `metric` for every window of `days` days (4 windows a day)."""
    rng = np.random.default_rng(seed)
    reference = customers(rng, 10_000, drifted=False)
    fitted = calibrator(reference["churn_probability"].to_numpy(), reference["churned"].to_numpy(dtype=int))
    onset, estimated, realised = (onset_day - 1) * 4, [], []
    for i in range(days * 4):
        frame = window(rng, rows_per_window, scenario, incident=i >= onset)
        scores, truth = frame["churn_probability"].to_numpy(), frame["churned"].to_numpy(dtype=int)
        estimated.append(estimate(scores, fitted.predict(scores), 0.5)[metric])
        realised.append(binary(truth, scores, 0.5)[metric])
    return Measurement(scenario, estimated, realised, threshold, onset)
