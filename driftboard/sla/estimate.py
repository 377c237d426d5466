"""Performance estimated before labels land: confidence-based (CBPE, as NannyML names it).

A binary classifier's score, once calibrated, is the probability that the row is positive.
Then each row contributes that probability to the expected true positives (if predicted 1)
or false negatives (if predicted 0), and its complement to the false positives or true
negatives: the expected confusion matrix of a window follows from its scores alone.
Calibration is an isotonic regression fitted on the labelled reference (docs/performance.md
says what this can and cannot see: it measures how confident the model is on the current
inputs, so a changed relation between inputs and label with unchanged scores is invisible).
"""

import logging
from collections.abc import Callable

import numpy as np
from sklearn.isotonic import IsotonicRegression

from driftboard.data import sources
from driftboard.errors import DataError
from driftboard.jobs.load import LoadedSpec
from driftboard.jobs.spec import DataSource
from driftboard.sla.performance import classes, numbers

log = logging.getLogger(__name__)

EPSILON = 1e-15  # scikit-learn's log-loss clipping, so estimate and realised log-loss compare


def for_spec(loaded: LoadedSpec) -> Callable[[np.ndarray], np.ndarray] | None:
    """Scores → calibrated probabilities for a binary score with a labelled reference, else None
    (logged: estimates are extra, so a reference that cannot calibrate fails no refresh)."""
    spec = loaded.spec
    prediction, target, labels = spec.columns.prediction, spec.columns.target, spec.labels
    if labels is None or labels.task != "classification" or prediction is None:
        return None
    if prediction.type != "numerical":  # class labels: no score to calibrate
        return None
    if not isinstance(spec.reference, DataSource):  # relative to each window: no one set to fit
        log.warning("model=%s no performance estimates: the reference is relative", spec.model)
        return None
    assert target is not None  # validated with labels:
    try:
        reference = sources.load(spec.reference, loaded.base_dir, None)
        missing = [c for c in (prediction.name, target) if c not in reference.columns]
        if missing:
            raise DataError(f"reference data: column {missing[0]!r} is missing, so no calibration")
        labelled = reference.loc[reference[target].notna(), [prediction.name, target]]
        fitted = calibrator(numbers(labelled[prediction.name], "prediction"), classes(labelled[target]))
    except DataError as exc:
        log.warning("model=%s no performance estimates: %s", spec.model, exc)
        return None
    return lambda scores: np.asarray(fitted.predict(scores), dtype=float)


def calibrator(scores: np.ndarray, truth: np.ndarray) -> IsotonicRegression:
    """Scores → P(label 1), monotone, fitted on the reference's labelled rows."""
    if len(set(truth.tolist())) < 2:
        raise DataError("the reference's target has one class only: no calibration for estimates")
    return IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(scores, truth)


def estimate(scores: np.ndarray, calibrated: np.ndarray, threshold: float) -> dict[str, float]:
    """Expected metrics of one window from its scores and their calibrated probabilities."""
    if not len(scores):
        return {}
    predicted = scores >= threshold
    tp, fp = calibrated[predicted].sum(), (1 - calibrated[predicted]).sum()
    fn, tn = calibrated[~predicted].sum(), (1 - calibrated[~predicted]).sum()
    values = {
        "accuracy": (tp + tn) / len(scores),
        "precision": _ratio(tp, tp + fp),
        "recall": _ratio(tp, tp + fn),
        "f1": _ratio(2 * tp, 2 * tp + fp + fn),
    }
    values |= _ranking(scores, calibrated)
    if scores.min() >= 0 and scores.max() <= 1:
        clipped = np.clip(scores, EPSILON, 1 - EPSILON)
        values["log_loss"] = -np.mean(calibrated * np.log(clipped) + (1 - calibrated) * np.log(1 - clipped))
    return {name: float(value) for name, value in values.items()}


def _ratio(top: float, bottom: float) -> float:
    return top / bottom if bottom > 0 else 0.0  # scikit-learn's zero_division=0


def _ranking(scores: np.ndarray, calibrated: np.ndarray) -> dict[str, float]:
    """Expected ROC AUC and average precision: each distinct score is one threshold, the
    expected positives and negatives at or above it summed over rows (ties together)."""
    positives, negatives = calibrated.sum(), (1 - calibrated).sum()
    if positives <= 0 or negatives <= 0:
        return {}  # one class expected: undefined, as for realised metrics
    distinct, inverse = np.unique(-scores, return_inverse=True)  # descending score order
    tp = np.cumsum(np.bincount(inverse, weights=calibrated, minlength=len(distinct)))
    fp = np.cumsum(np.bincount(inverse, weights=1 - calibrated, minlength=len(distinct)))
    hits, alarms = np.concatenate([[0], tp / positives]), np.concatenate([[0], fp / negatives])
    roc_auc = np.trapezoid(hits, alarms)  # true positive rate over false positive rate
    average_precision = np.sum(np.diff(hits) * tp / (tp + fp))
    return {"roc_auc": roc_auc, "pr_auc": average_precision}
