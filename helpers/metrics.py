"""Metrics for a binary classifier on skewed data: confusion matrix, precision/recall/F1, PR curve.

Lesson 14 builds each of these in the open first; this module is the checked version it (and any
later lesson) imports. Conventions follow scikit-learn so numbers can be compared one for one:

- labels are ``0`` (negative, "healthy") and ``1`` (positive, "ill"); ``bool`` arrays and ``0``/``1``
  ints or floats are accepted, anything else raises ``ValueError`` naming the values found;
- inputs are 1-D sequences of equal, non-zero length (a Keras ``predict`` output of shape ``(m, 1)``
  must be flattened first with ``.ravel()``);
- a ratio whose denominator is 0 (precision when nothing is flagged, recall when nobody is ill)
  is reported as ``0.0``, silently (scikit-learn's ``zero_division=0``).

Example::

    >>> y_true = [0, 0, 1, 1, 1]
    >>> y_pred = [0, 1, 1, 1, 0]
    >>> confusion_matrix(y_true, y_pred).tolist()     # [[tn, fp], [fn, tp]]
    [[1, 1], [1, 2]]
    >>> [round(v, 4) for v in precision_recall_f1(y_true, y_pred)]
    [0.6667, 0.6667, 0.6667]
"""

from __future__ import annotations

import warnings

import numpy as np

from helpers import validate

__all__ = ["confusion_matrix", "precision_recall_f1", "precision_recall_curve"]

_MAX_SHOWN = 6  # how many offending values an error message lists


# --------------------------------------------------------------------------- validation


def _as_1d(x, name: str) -> np.ndarray:
    """``x`` as a non-empty 1-D numeric (or bool) array, its dtype kept; TypeError/ValueError otherwise.

    NaN and infinity pass here: each caller says what they mean for labels or scores.
    """
    if isinstance(x, str | bytes):
        raise TypeError(f"{name} must be a 1-D sequence of numbers, got a string {x!r}.")
    arr = validate.array(x, name, dtype=None, finite=False, min_size=0)
    if arr.ndim != 1:
        hint = (" Flatten it with .ravel() (a Keras predict() returns shape (m, 1))."
                if arr.ndim == 2 and 1 in arr.shape else "")
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}.{hint}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty; metrics need at least one example.")
    return arr


def _shown(values) -> str:
    values = list(values)
    text = ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in values[:_MAX_SHOWN])
    return text + (", ..." if len(values) > _MAX_SHOWN else "")


def _as_labels(x, name: str, *, probabilities_hint: bool = False) -> np.ndarray:
    """``x`` as a 1-D int64 array of 0/1 labels (accepts bool, and 0/1 ints or floats)."""
    arr = _as_1d(x, name)
    if arr.dtype == bool:
        return arr.astype(np.int64)
    if np.issubdtype(arr.dtype, np.floating) and np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN; labels must be 0 or 1.")
    bad = np.setdiff1d(np.unique(arr), [0, 1])
    if bad.size:
        found = np.unique(arr)
        found = found.tolist() if found.size <= 50 else found[:50].tolist()
        hint = ""
        if probabilities_hint and np.issubdtype(arr.dtype, np.floating) \
                and np.all((arr >= 0) & (arr <= 1)):
            hint = (" They look like probabilities: turn them into 0/1 predictions first, "
                    "e.g. (p >= 0.5).astype(int).")
        raise ValueError(f"{name} must hold only the labels 0 and 1 (or False/True); found the "
                         f"values {_shown(found)} (not allowed: {_shown(bad.tolist())}).{hint}")
    return arr.astype(np.int64)


# --------------------------------------------------------------------------- metrics


def confusion_matrix(y_true, y_pred) -> np.ndarray:
    """The 2x2 table of counts ``[[tn, fp], [fn, tp]]`` (scikit-learn's layout).

    Rows are the actual class (0 then 1), columns the predicted class (0 then 1)::

                     predicted 0   predicted 1
        actual 0         TN            FP        (healthy: correctly cleared / false alarm)
        actual 1         FN            TP        (ill:     missed            / found)

    Always 2x2, even when a class is absent (scikit-learn's ``labels=[0, 1]``). Returns int64.
    """
    t = _as_labels(y_true, "y_true")
    p = _as_labels(y_pred, "y_pred", probabilities_hint=True)
    validate.same_length("y_true", t, "y_pred", p)
    tp = int(np.sum((t == 1) & (p == 1)))
    fp = int(np.sum((t == 0) & (p == 1)))
    fn = int(np.sum((t == 1) & (p == 0)))
    tn = int(np.sum((t == 0) & (p == 0)))
    return np.array([[tn, fp], [fn, tp]], dtype=np.int64)


def precision_recall_f1(y_true, y_pred) -> tuple[float, float, float]:
    """``(precision, recall, f1)`` of 0/1 predictions, as Python floats.

    - precision = TP / (TP + FP): of those flagged, the fraction that are positive;
    - recall    = TP / (TP + FN): of the positives, the fraction that were flagged;
    - F1        = 2 P R / (P + R), the harmonic mean of the two.

    Where a denominator is 0 the value is 0.0 (nothing flagged -> precision 0; no positives ->
    recall 0; P = R = 0 -> F1 0), as scikit-learn's ``zero_division=0``, without a warning.
    """
    (_, fp), (fn, tp) = confusion_matrix(y_true, y_pred)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return float(precision), float(recall), float(f1)


def precision_recall_curve(y_true, scores):
    """Precision and recall of ``scores >= t`` for every distinct score ``t``.

    Same conventions and results as ``sklearn.metrics.precision_recall_curve(y_true, scores)``
    (scikit-learn 1.9, default ``drop_intermediate=False``):

    - ``thresholds`` are the distinct values of ``scores`` in increasing order (length ``k``);
      every distinct score is kept, none is dropped;
    - ``precision[i]`` and ``recall[i]`` are those of the predictions ``scores >= thresholds[i]``
      (ties at the threshold are flagged), so recall is non-increasing along the arrays;
    - both have length ``k + 1``: a last point ``precision = 1, recall = 0`` with no threshold is
      appended, so a plot of the curve reaches the precision axis;
    - precision is never 0/0 at a listed threshold (at least one example is flagged there);
    - if ``y_true`` has no positive at all, recall is set to 1 everywhere and a ``UserWarning``
      is issued (scikit-learn's behaviour; such a curve says nothing).

    ``scores`` may be probabilities, logits or any real-valued score where higher means "more
    likely positive"; NaN or infinite scores raise ``ValueError``. Bool or integer scores are
    converted to float64; floating scores keep their dtype in ``thresholds``.
    Returns ``(precision, recall, thresholds)``, the first two float64.
    """
    t = _as_labels(y_true, "y_true")
    s = _as_1d(scores, "scores")
    validate.same_length("y_true", t, "scores", s)
    if not np.issubdtype(s.dtype, np.floating):
        s = s.astype(np.float64)
    if np.isnan(s).any():
        raise ValueError(f"scores contains {int(np.isnan(s).sum())} NaN value(s); a model that "
                         "outputs NaN has diverged or was fed NaN inputs.")
    if np.isinf(s).any():
        raise ValueError("scores contains infinite values; pass finite scores (probabilities "
                         "or logits).")
    order = np.argsort(s, kind="stable")[::-1]  # highest score first
    s_sorted, t_sorted = s[order], t[order]
    # the last position of each run of equal scores: flagging "score >= that value" ends there
    last = np.r_[np.flatnonzero(np.diff(s_sorted)), s_sorted.size - 1]
    tps = np.cumsum(t_sorted, dtype=np.float64)[last]
    fps = (last + 1) - tps
    precision = tps / (tps + fps)
    if tps[-1] == 0:
        warnings.warn("No positive class found in y_true, recall is set to one for all "
                      "thresholds.", UserWarning, stacklevel=2)
        recall = np.ones_like(tps)
    else:
        recall = tps / tps[-1]
    return (np.r_[precision[::-1], 1.0], np.r_[recall[::-1], 0.0], s_sorted[last][::-1])
