"""Watching a deployed model's inputs for drift (lesson 17): a drifting task, a KS detector, PSI.

- :func:`sensor_data`: a small binary task (is a machine healthy?) read through sensors whose
  calibration can drift: the label depends on the machine's true state, the model only sees the
  sensor readings, so a drift in the readings moves examples across the model's boundary;
- :func:`drift_batches`: a stream of production batches, one drift amount per batch;
- :func:`ks_drift_test`: a two-sample Kolmogorov-Smirnov test per feature (``scipy.stats.ks_2samp``)
  with a correction for testing many features at once (Bonferroni or Holm);
- :func:`ks_p_values`: the same test's (asymptotic) p-values for many batches at once, vectorised,
  to measure a detector's false-alarm and detection rates over thousands of batches;
- :func:`population_stability_index`: PSI per feature, written in numpy, on bins cut at the
  reference's quantiles.

Everything is deterministic given a seed; nothing here imports TensorFlow.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from helpers import validate

__all__ = [
    "N_SENSORS", "DRIFTING_SENSORS", "sensor_data", "drift_batches", "DriftResult",
    "ks_drift_test", "ks_p_values", "population_stability_index",
]

#: Sensors (features) of :func:`sensor_data`.
N_SENSORS = 6
#: The sensors whose calibration drifts: each reads ``drift`` standard deviations too high.
DRIFTING_SENSORS = (0, 1, 3)


def sensor_data(n: int = 1000, *, drift: float = 0.0, seed: int = 0, with_bayes: bool = False):
    """``n`` machines read through 6 sensors; ``y = 1`` means the machine needs maintenance.

    Each machine has a true state ``z`` of 6 standard-normal values. Its label is a fixed,
    nonlinear rule of ``z`` (``z0 + 0.8 z1 z2 - 0.5 z3^2 + 0.5 z4 + 0.5 + noise > 0``, the noise
    normal with standard deviation 0.3: roughly balanced, not linearly separable). The sensors read
    ``x = z`` plus, on sensors :data:`DRIFTING_SENSORS`, an offset of ``drift`` standard
    deviations (a calibration drift: the machines have not changed, the readings have). Returns
    ``X`` float32 ``(n, 6)`` and ``y`` int64 ``(n,)``.

    ``with_bayes=True`` also returns the Bayes-optimal prediction of each machine (int64): the
    rule without its noise, ``score > 0``. The noise is symmetric, so no classifier, however much
    data it sees, can do better on average; where it errs, the error cannot be removed.
    """
    n = validate.integer(n, "n", minimum=1)
    drift = validate.number(drift, "drift")
    seed = validate.seed(seed)
    with_bayes = validate.boolean(with_bayes, "with_bayes")
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, N_SENSORS))
    noise = 0.3 * rng.standard_normal(n)
    clean = z[:, 0] + 0.8 * z[:, 1] * z[:, 2] - 0.5 * z[:, 3] ** 2 + 0.5 * z[:, 4] + 0.5
    y = (clean + noise > 0).astype(np.int64)
    x = z.copy()
    x[:, list(DRIFTING_SENSORS)] += drift
    if with_bayes:
        return x.astype(np.float32), y, (clean > 0).astype(np.int64)
    return x.astype(np.float32), y


def drift_batches(drifts, batch_size: int = 200, *, seed: int = 0):
    """A stream of production batches: batch ``i`` has drift ``drifts[i]``. Returns a list of (X, y).

    ``drifts`` is a sequence of numbers (0 = the training distribution), e.g.
    ``np.linspace(0, 2, 50)`` for a drift that grows over time, or ``[0] * 300`` for in-distribution
    batches only. Every batch draws fresh machines (its own seed derived from ``seed`` and ``i``).
    """
    drifts = validate.array(drifts, "drifts", ndim=1)
    batch_size = validate.integer(batch_size, "batch_size", minimum=2)
    seed = validate.seed(seed)
    seeds = np.random.SeedSequence(seed).generate_state(len(drifts))
    return [sensor_data(batch_size, drift=float(d), seed=int(s))
            for d, s in zip(drifts, seeds, strict=True)]


@dataclass(frozen=True)
class DriftResult:
    """What :func:`ks_drift_test` found for one batch."""

    drifted: bool              #: at least one feature rejected "same distribution"
    p_values: np.ndarray       #: raw KS p-value per feature
    statistics: np.ndarray     #: KS statistic per feature (largest gap between the two CDFs)
    flagged: np.ndarray        #: indices of the features that rejected, after the correction
    alpha: float               #: the family-wise false-alarm rate asked for
    correction: str            #: "bonferroni", "holm" or "none"


def _two_samples(reference, batch, name_ref="reference", name_batch="batch"):
    reference = validate.array(reference, name_ref, ndim=(1, 2), min_size=2)
    batch = validate.array(batch, name_batch, ndim=(1, 2), min_size=2)
    if reference.ndim == 1:
        reference = reference[:, None]
    if batch.ndim == 1:
        batch = batch[:, None]
    if reference.shape[1] != batch.shape[1]:
        raise ValueError(f"{name_ref} has {reference.shape[1]} features and {name_batch} has "
                         f"{batch.shape[1]}: compare the same columns (one row per example).")
    for name, arr in ((name_ref, reference), (name_batch, batch)):
        if len(arr) < 2:
            raise ValueError(f"{name} needs at least 2 rows to estimate a distribution, got "
                             f"{len(arr)}.")
        if arr.shape[1] > len(arr):
            raise ValueError(f"{name} has {len(arr)} rows and {arr.shape[1]} features: each "
                             f"feature's distribution would be estimated from {len(arr)} values. "
                             f"Rows are examples, columns features; did you pass the transpose "
                             f"({name}.T)?")
    return reference, batch


def ks_drift_test(reference, batch, *, alpha: float = 0.05,
                  correction: str = "bonferroni") -> DriftResult:
    """Has ``batch`` drifted away from ``reference``? One KS test per feature, corrected.

    ``reference`` (e.g. the training inputs) and ``batch`` (production inputs) are ``(m, d)``
    arrays with the same ``d`` columns (1-D arrays count as one feature). Each feature gets
    ``scipy.stats.ks_2samp``. Testing ``d`` features at level ``alpha`` each would raise a false
    alarm on up to ``d * alpha`` of in-distribution batches, so the p-values are corrected:

    - ``"bonferroni"``: a feature rejects when ``p <= alpha / d``;
    - ``"holm"``: sort the p-values, reject while ``p_(k) <= alpha / (d - k)`` (k = 0, 1, ...);
      never rejects less than Bonferroni, same guarantee;
    - ``"none"``: ``p <= alpha`` per feature (to see why a correction is needed).

    With either correction the chance that an in-distribution batch is flagged is at most ``alpha``.
    """
    from scipy.stats import ks_2samp

    reference, batch = _two_samples(reference, batch)
    alpha = validate.fraction(alpha, "alpha")
    correction = validate.choice(correction, "correction", ["bonferroni", "holm", "none"])
    result = ks_2samp(reference, batch, axis=0)
    p = np.atleast_1d(np.asarray(result.pvalue, dtype=float))
    stat = np.atleast_1d(np.asarray(result.statistic, dtype=float))
    d = len(p)
    if correction == "none":
        reject = p <= alpha
    elif correction == "bonferroni":
        reject = p <= alpha / d
    else:
        order = np.argsort(p, kind="stable")
        reject = np.zeros(d, dtype=bool)
        for k, j in enumerate(order):
            if p[j] > alpha / (d - k):
                break
            reject[j] = True
    flagged = np.flatnonzero(reject)
    return DriftResult(bool(flagged.size), p, stat, flagged, alpha, correction)


def population_stability_index(reference, batch, *, bins: int = 10, eps: float = 1e-4):
    """PSI of each feature: how far ``batch``'s histogram moved from ``reference``'s.

    Bins are cut at the reference's quantiles (so each holds ``1/bins`` of the reference; tied
    quantiles are merged, and a constant reference gets the two bins "equal to it" and "not"), the
    two samples' bin fractions ``e`` (expected) and ``a`` (actual) are clipped below at ``eps`` (an
    empty bin would give log 0; ``eps`` must be below ``1/bins``, else every bin is clipped to the
    same value) and ``PSI = sum((a - e) * ln(a / e))``. A common reading: below 0.1 no
    real change, 0.1-0.25 a moderate shift, above 0.25 a large one. Returns an array ``(d,)``
    (a float for 1-D inputs).
    """
    one_feature = np.ndim(reference) == 1
    reference, batch = _two_samples(reference, batch)
    bins = validate.integer(bins, "bins", minimum=2)
    eps = validate.number(eps, "eps", positive=True, below=1 / bins)
    psi = np.empty(reference.shape[1])
    for j in range(reference.shape[1]):
        e, a = _bin_fractions(reference[:, j], batch[:, j], bins)
        e, a = np.maximum(e, eps), np.maximum(a, eps)
        psi[j] = np.sum((a - e) * np.log(a / e))
    return float(psi[0]) if one_feature else psi


def _bin_fractions(ref: np.ndarray, new: np.ndarray, bins: int):
    """Fractions of ``ref`` and ``new`` in bins cut at ``ref``'s quantiles.

    Tied quantiles (a feature with few distinct values) are merged into one edge, so no bin is
    empty by construction. A constant reference ``c`` has no quantile to cut at: its two bins are
    "equal to c" and "anything else", so a batch that moved away from ``c`` is seen.
    """
    inner = np.unique(np.quantile(ref, np.linspace(0, 1, bins + 1)[1:-1]))
    if ref.min() == ref.max():
        c = ref[0]
        return (np.array([1.0, 0.0]),
                np.array([np.mean(new == c), np.mean(new != c)]))
    k = len(inner) + 1
    e = np.bincount(np.searchsorted(inner, ref, side="right"), minlength=k) / len(ref)
    a = np.bincount(np.searchsorted(inner, new, side="right"), minlength=k) / len(new)
    return e, a


def _ks_statistics(reference: np.ndarray, batches: np.ndarray) -> np.ndarray:
    """KS statistic of every feature of every batch: reference ``(m, d)``, batches ``(B, n, d)``.

    With each batch sorted, ``b_0 <= ... <= b_(n-1)``, the batch's CDF is flat between its points
    while the reference's rises, so the largest gap is either just after a batch point,
    ``(i + 1)/n - #(ref <= b_i)/m``, or just before one, ``#(ref < b_i)/m - i/n`` (ties are
    handled by the two counts). One ``searchsorted`` per feature does every batch. Returns
    ``(B, d)``.
    """
    ref = np.sort(reference, axis=0)
    ordered = np.sort(batches, axis=1)
    (m, d), n = ref.shape, ordered.shape[1]
    i = np.arange(n)
    out = np.empty((len(ordered), d))
    for j in range(d):
        below = np.searchsorted(ref[:, j], ordered[:, :, j], side="left") / m
        upto = np.searchsorted(ref[:, j], ordered[:, :, j], side="right") / m
        out[:, j] = np.maximum(((i + 1) / n - upto).max(axis=1), (below - i / n).max(axis=1))
    return out


def ks_p_values(reference, batches) -> np.ndarray:
    """KS p-values of every feature of many batches at once: ``(B, d)`` for ``(B, n, d)`` batches.

    The vectorised form of calling ``scipy.stats.ks_2samp(reference, batch, axis=0,
    method="asymp")`` on each batch (the same statistic, to round-off, and the same asymptotic
    p-value, ``scipy.stats.kstwo.sf(D, round(m n / (m + n)))``), fast enough to measure a
    detector's false-alarm and detection rates over thousands of batches. ``reference`` is
    ``(m, d)``; ``batches`` is ``(B, n, d)`` (or a list of ``(n, d)`` arrays of one size).
    """
    from scipy.stats import kstwo

    if isinstance(batches, list | tuple):
        if not batches:
            raise ValueError("batches is empty: pass at least one (n, d) batch.")
        shapes = {np.shape(b) for b in batches}
        if len(shapes) != 1:
            raise ValueError(f"every batch must have the same shape to be tested together, got "
                             f"{sorted(shapes)}; test batches of different sizes separately.")
    stack = validate.array(batches, "batches", ndim=3)
    reference, _ = _two_samples(reference, stack[0])
    if stack.shape[2] != reference.shape[1]:
        raise ValueError(f"reference has {reference.shape[1]} features and the batches have "
                         f"{stack.shape[2]}: compare the same columns.")
    m, n = len(reference), stack.shape[1]
    statistics = _ks_statistics(reference, stack)
    # D only takes values k / lcm(m, n): compute scipy's (slow) exact-size tail once per value
    distinct, where = np.unique(np.round(statistics, 12), return_inverse=True)
    return kstwo.sf(distinct, np.round(m * n / (m + n)))[where].reshape(statistics.shape)
