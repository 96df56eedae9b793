"""Exercises of lesson 16 (normalisation): references, edge cases and the experiment's judge.

- 16.1 ``my_batch_norm_nchw(x, gamma, beta)``: batch norm of a channels-first (n, c, w, h) batch;
- 16.2 ``my_momentum_answer``: an experiment, a short run with momentum 0.9, judged against the
  learner's own two accuracies (and section 5's);
- 16.3 ``my_layer_norm_backward(dy, x, gamma)``: layer norm's backward pass, built from batch
  norm's on the transposed matrix.
"""

from __future__ import annotations

import numpy as np

from helpers.exercises import check_choice, check_function, exercise, not_yet
from helpers.numpy_nn.normalisation import _layer_norm_backward


def _bn_nchw(x, gamma, beta):
    mean = x.mean(axis=(0, 2, 3), keepdims=True)
    var = x.var(axis=(0, 2, 3), keepdims=True)
    return gamma[None, :, None, None] * (x - mean) / np.sqrt(var + 1e-3) + beta[None, :, None, None]


def _nchw_args(rng, shape):
    c = shape[1]
    return (rng.normal(2.0, 3.0, size=shape) * rng.uniform(0.2, 5.0, size=(1, c, 1, 1)),
            rng.uniform(0.5, 2.0, c), rng.normal(size=c))


@exercise("16.1", name="my_batch_norm_nchw")
def _nchw(answer):
    rng = np.random.default_rng(16)
    return check_function(
        answer, _bn_nchw,
        lambda r: _nchw_args(r, (int(r.integers(2, 5)), int(r.integers(2, 5)),
                                 int(r.integers(1, 5)), int(r.integers(1, 5)))),
        name="my_batch_norm_nchw", rtol=1e-7, atol=1e-9,
        edges=[("non-square images, w != h (n=2, c=3, w=4, h=5)", _nchw_args(rng, (2, 3, 4, 5))),
               ("a single channel (c=1)", _nchw_args(rng, (3, 1, 2, 3))),
               ("1 x 1 images (only n values per channel)", _nchw_args(rng, (4, 3, 1, 1)))])


MOMENTUM_OPTIONS = ["the gap shrinks", "the gap stays about the same", "the gap grows"]


@exercise("16.2", name="my_momentum_answer")
def _momentum(answer, *, accuracies, section_5):
    if answer is None:
        return not_yet("my_momentum_answer", f"pick one of {MOMENTUM_OPTIONS}")
    if accuracies is None:
        return not_yet("my_short_run_accuracies", "run the short training with momentum=0.9")
    values = np.asarray(accuracies, dtype=float) if np.ndim(accuracies) == 1 else None
    if values is None or values.shape != (2,) or np.any((values < 0) | (values > 1)):
        print(f"✗ my_short_run_accuracies must be two accuracies (training mode, then inference "
              f"mode), got {accuracies!r}.")
        return False
    trained = section_5["training mode, whole test set"]
    if abs(values[0] - trained) > 1e-9:
        print(f"✗ your training-mode accuracy {values[0]:.4f} differs from section 5's "
              f"{trained:.4f}. With the same seed, steps and optimiser the weights are the same: "
              f"momentum never changes training, only the moving statistics. Train exactly as "
              f"section 5 did, with momentum=0.9 as the only change.")
        return False
    old_gap = trained - section_5["inference mode, too early"]
    new_gap = values[0] - values[1]
    correct = ("the gap shrinks" if new_gap < old_gap - 0.02 else
               "the gap grows" if new_gap > old_gap + 0.02 else "the gap stays about the same")
    said = {"the gap shrinks": "smaller", "the gap grows": "larger",
            "the gap stays about the same": "within 0.02 of"}[correct]
    seen = (f"your run says the accuracy gap between training and inference mode is {said} with "
            f"momentum 0.9 than with 0.99 in section 5")  # no trajectory numbers: a checked cell
    return check_choice(answer, correct, MOMENTUM_OPTIONS, name="my_momentum_answer",
                        explanations={o: seen for o in MOMENTUM_OPTIONS},
                        why_right=seen[0].upper() + seen[1:] + ".")


def _ln_backward(dy, x, gamma):
    return _layer_norm_backward(dy, x, gamma, 1e-3)


def _ln_args(rng, n, d, offset=0.0):
    return (rng.normal(size=(n, d)), rng.normal(offset, 2.0, size=(n, d)), rng.uniform(0.5, 2.0, d))


def _three_arrays(got, expected):
    names = ("dx", "dgamma", "dbeta")
    if not isinstance(got, tuple | list) or len(got) != 3:
        return f"return the three gradients (dx, dgamma, dbeta), got {type(got).__name__}"
    for name, g, e in zip(names, got, expected, strict=True):
        g = np.asarray(g, dtype=float) if not isinstance(g, str) else None
        if g is None or g.shape != e.shape:
            shape = None if g is None else g.shape
            return f"{name} has shape {shape}, expected {e.shape}"
        if not np.allclose(g, e, rtol=1e-6, atol=1e-9):
            i = np.unravel_index(int(np.argmax(np.abs(g - e))), e.shape)
            return f"{name} is off: got {g[i]:.6g}, expected {e[i]:.6g} at index {tuple(map(int, i))}"
    return None


@exercise("16.3", name="my_layer_norm_backward")
def _ln_back(answer):
    rng = np.random.default_rng(163)
    return check_function(
        answer, _ln_backward,
        lambda r: _ln_args(r, int(r.integers(2, 7)), int(r.integers(2, 9))),
        name="my_layer_norm_backward", compare=_three_arrays,
        edges=[("a single example (n=1, d=4)", _ln_args(rng, 1, 4)),
               ("two features (n=5, d=2)", _ln_args(rng, 5, 2)),
               ("more examples than features, far from 0 (n=6, d=3)", _ln_args(rng, 6, 3, 5.0))])
