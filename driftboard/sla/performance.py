"""Performance metrics of one window's labelled predictions, by scikit-learn.

A metric that is undefined for the window (ROC AUC with one class present, R² of one row) is
left out rather than stored as a number that means nothing. A score outside [0, 1] is not a
probability, so it has no log-loss.
"""

import math

import numpy as np
import pandas as pd
from sklearn import metrics as sk

from driftboard.errors import DataError
from driftboard.jobs.spec import Labels


def performance(truth: pd.Series, predicted: pd.Series, labels: Labels, score: bool) -> dict[str, float]:
    """`score`: the prediction is a numerical score (a probability for classification)."""
    if labels.task == "regression":
        return regression(numbers(truth, "target"), numbers(predicted, "prediction"))
    if score:
        return binary(classes(truth), numbers(predicted, "prediction"), labels.decision_threshold)
    return multiclass(truth.astype(str).to_numpy(), predicted.astype(str).to_numpy())


def regression(truth: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    values = {
        "mae": sk.mean_absolute_error(truth, predicted),
        "rmse": math.sqrt(sk.mean_squared_error(truth, predicted)),
    }
    if len(truth) >= 2 and np.ptp(truth) > 0:
        values["r2"] = sk.r2_score(truth, predicted)
    return _floats(values)


def binary(truth: np.ndarray, scores: np.ndarray, threshold: float) -> dict[str, float]:
    predicted = (scores >= threshold).astype(int)
    values = {
        "accuracy": sk.accuracy_score(truth, predicted),
        "precision": sk.precision_score(truth, predicted, zero_division=0),
        "recall": sk.recall_score(truth, predicted, zero_division=0),
        "f1": sk.f1_score(truth, predicted, zero_division=0),
    }
    if len(set(truth.tolist())) == 2:
        values["roc_auc"] = sk.roc_auc_score(truth, scores)
        values["pr_auc"] = sk.average_precision_score(truth, scores)  # the step-wise area, no interpolation
    if len(truth) and scores.min() >= 0 and scores.max() <= 1:
        values["log_loss"] = sk.log_loss(truth, scores, labels=[0, 1])
    return _floats(values)


def multiclass(truth: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    """Class labels as text, the macro average over the classes (each class counts the same)."""
    values = {
        "accuracy": sk.accuracy_score(truth, predicted),
        "precision": sk.precision_score(truth, predicted, average="macro", zero_division=0),
        "recall": sk.recall_score(truth, predicted, average="macro", zero_division=0),
        "f1": sk.f1_score(truth, predicted, average="macro", zero_division=0),
    }
    return _floats(values)


def per_class(truth: np.ndarray, predicted: np.ndarray) -> dict[str, dict[str, float]]:
    """Each class's precision, recall, F1 and support (its labelled rows), as text labels."""
    known = sorted(set(truth.tolist()) | set(predicted.tolist()))
    scores = sk.precision_recall_fscore_support(truth, predicted, labels=known, zero_division=0)
    names = ("precision", "recall", "f1", "support")
    return {c: _floats({n: v[i] for n, v in zip(names, scores, strict=True)}) for i, c in enumerate(known)}


def numbers(values: pd.Series, role: str) -> np.ndarray:
    converted = pd.to_numeric(values, errors="coerce")
    bad = values[converted.isna()]
    if len(bad):
        raise DataError(f"{role} holds {len(bad)} values that are not numbers, e.g. {bad.iloc[0]!r}")
    numbers = np.asarray(converted, dtype=float)
    infinite = numbers[~np.isfinite(numbers)]
    if len(infinite):  # no metric means anything with them; scikit-learn would raise mid-refresh
        raise DataError(f"{role} holds {len(infinite)} infinite values, e.g. {float(infinite[0])}")
    return numbers


def classes(values: pd.Series) -> np.ndarray:
    """Binary targets: 0/1, true/false (as booleans, numbers or text)."""
    text = values.astype(str).str.strip().str.lower()
    mapped = text.map({"1": 1, "1.0": 1, "true": 1, "0": 0, "0.0": 0, "false": 0})
    if mapped.isna().any():
        example = values[mapped.isna()].iloc[0]
        raise DataError(f"a binary target must be 0/1 or true/false, got {example!r}")
    return np.asarray(mapped, dtype=int)


def _floats(values: dict[str, object]) -> dict[str, float]:
    return {name: float(value) for name, value in values.items()}  # type: ignore[arg-type]
