"""Exercises of lesson 17 (the project cycle): references, edge cases and the experiment's judge.

- 17.1 ``my_batch_rows``: an experiment, the smallest monitoring batch that catches a drift in at
  least 90% of batches, judged against the learner's own measured power (which must agree with
  this module's measurement);
- 17.2 ``my_holm(p_values, alpha)``: Holm's step-down correction, a boolean mask per feature;
- 17.3 ``my_request_body(x)``: the JSON text of a TensorFlow Serving predict request (row format).
"""

from __future__ import annotations

import json

import numpy as np

from helpers import drift, validate
from helpers.exercises import check_function, exercise, not_yet


def _fail(message: str) -> bool:
    print(f"✗ {message}")
    return False


def _power(reference, rows: int, amount: float, alpha: float = 0.05, n_batches: int = 200,
           seed: int = 1717) -> float:
    stack = np.stack([xb for xb, _ in drift.drift_batches([amount] * n_batches, rows, seed=seed)])
    p = drift.ks_p_values(reference, stack)
    return float(np.mean((p <= alpha / p.shape[1]).any(axis=1)))


@exercise("17.1", name="my_batch_rows")
def _batch_rows(answer, *, power, sizes, drift_amount, reference, alpha=0.05):
    if answer is None:
        return not_yet("my_batch_rows", "run the experiment and pick the batch size")
    if power is None:
        return not_yet("my_power", "measure the share of flagged batches for each size")
    measured = np.asarray(power, dtype=float) if np.ndim(power) == 1 else None
    if measured is None or len(measured) != len(sizes):
        return _fail(f"my_power must hold one share per size of {list(sizes)}, got {power!r}.")
    if answer not in list(sizes):
        return _fail(f"my_batch_rows is {answer!r}; pick one of the sizes {list(sizes)}.")
    ours = np.array([_power(reference, rows, drift_amount, float(alpha)) for rows in sizes])
    far = np.abs(measured - ours) > 0.15
    if far.any():
        k = int(np.argmax(far))
        return _fail(f"your power at {sizes[k]} rows is {measured[k]:.2f}, but the detector "
                     f"flags about {ours[k]:.2f} of such batches at drift {drift_amount}: use "
                     f"alpha / d per feature, 200 batches per size, and x_train as the reference.")
    enough = [rows for rows, share in zip(sizes, measured, strict=True) if share >= 0.9]
    if not enough:
        return _fail("by your measurement no size reaches 90%; measure again (or a larger size).")
    shown = ", ".join(f"{r} rows: {s:.2f}" for r, s in zip(sizes, measured, strict=True))
    if answer != enough[0]:
        which = "is not the smallest" if answer > enough[0] else "flags too few batches"
        return _fail(f"my_batch_rows = {answer} {which}: your own measurement says {shown}.")
    print(f"✓ my_batch_rows = {answer} is right: {shown}.")
    return True


def _holm(p_values, alpha):
    p = np.asarray(p_values, dtype=float)
    flagged = np.zeros(len(p), dtype=bool)
    for k, j in enumerate(np.argsort(p, kind="stable")):
        if p[j] > alpha / (len(p) - k):
            break
        flagged[j] = True
    return flagged


def _same_mask(got, expected):
    try:
        mask = np.asarray(got)
    except Exception:  # a ragged list
        return f"returned {validate.describe(got)}, expected one True/False per feature"
    if mask.shape != expected.shape:
        return f"returned shape {mask.shape}, expected {expected.shape} (one entry per feature)"
    if mask.dtype != bool and not np.isin(mask, (0, 1)).all():
        return f"returned {mask.tolist()}, expected True/False per feature"
    mask = mask.astype(bool)
    if not np.array_equal(mask, expected):
        wrong = np.flatnonzero(mask != expected).tolist()
        return (f"flags {np.flatnonzero(mask).tolist()}, expected {np.flatnonzero(expected).tolist()}"
                f" (features {wrong} differ)")
    return None


def _random_p(rng):
    d = int(rng.integers(2, 9))
    p = np.where(rng.random(d) < 0.4, rng.uniform(0, 0.03, d), rng.uniform(0, 1, d))
    return p, float(rng.choice([0.01, 0.05, 0.1]))


@exercise("17.2", name="my_holm")
def _holm_check(answer):
    return check_function(
        answer, _holm, _random_p, name="my_holm", compare=_same_mask, trials=20,
        edges=[("a p-value exactly at its threshold (0.0125 = 0.05 / 4)",
                (np.array([0.0125, 0.5, 0.6, 0.7]), 0.05)),
               ("a p-value that passes alpha / (d - 1) but not Bonferroni's alpha / d",
                (np.array([0.01, 0.02, 0.5]), 0.05)),
               ("a failure before p-values that would pass their own looser thresholds "
                "(Holm stops there)", (np.array([0.04, 0.021, 0.02]), 0.05)),
               ("ties", (np.array([0.01, 0.3, 0.01]), 0.05)),
               ("a single feature", (np.array([0.04]), 0.05)),
               ("nothing to flag", (np.array([0.2, 0.9, 0.5]), 0.05))])


def _body(x):
    return json.dumps({"instances": np.asarray(x).tolist()})


def _same_request(got, expected):
    if not isinstance(got, str):
        return (f"returned {validate.describe(got)}; return the JSON text itself (json.dumps(...)), "
                f"the string a client sends over HTTP")
    try:
        parsed = json.loads(got)
    except ValueError as err:
        return f"returned text that is not JSON ({err})"
    want = json.loads(expected)
    if not isinstance(parsed, dict) or set(parsed) != {"instances"}:
        keys = sorted(parsed) if isinstance(parsed, dict) else type(parsed).__name__
        return (f"sends {keys}; the row format is one key, \"instances\" (the columnar "
                f"\"inputs\" format is answered with \"outputs\", not \"predictions\")")
    if np.shape(parsed["instances"]) != np.shape(want["instances"]):
        return (f"sends instances of shape {np.shape(parsed['instances'])}, expected "
                f"{np.shape(want['instances'])}: one list of 6 readings per machine, even for one")
    if parsed["instances"] != want["instances"]:
        return "sends readings that differ from x (rounded?): the server must see the same numbers"
    return None


def _machines(rng):
    return (drift.sensor_data(int(rng.integers(2, 6)), seed=int(rng.integers(0, 1000)))[0],)


@exercise("17.3", name="my_request_body")
def _request(answer):
    one = drift.sensor_data(1, seed=3)[0]
    return check_function(
        answer, _body, _machines, name="my_request_body", compare=_same_request,
        edges=[("a single machine, x of shape (1, 6)", (one,)),
               ("three machines with readings that are not round numbers",
                (drift.sensor_data(3, drift=0.123456, seed=4)[0],))])
