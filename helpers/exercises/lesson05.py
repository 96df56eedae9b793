"""Exercises of lesson 05 (activation functions): references, edge cases and expected answers.

- 05.1 ``leaky_relu(z, alpha=0.1)``: against ``keras.activations.leaky_relu``;
- 05.2 ``leaky_relu_prime(z, alpha=0.1)``: its slope, the left one (alpha) at exactly z = 0;
- 05.3 ``fold_normalization(mean, variance, W, b)``: a Normalization layer and a Dense layer
  folded into one Dense layer (returns ``(W_folded, b_folded)``);
- 05.4 ``my_depth_answer``: an experiment, what a single hidden layer does to the sigmoid's
  handicap in the race (read from the learner's own epoch counts);
- 05.5 ``my_outputs``: the output activation for four targets.
"""

from __future__ import annotations

import numpy as np

from helpers.exercises import check_choice, check_function, exercise, not_yet


def _keras_leaky(z, alpha=0.1):
    import keras

    return keras.ops.convert_to_numpy(
        keras.activations.leaky_relu(np.asarray(z, dtype="float32"), negative_slope=alpha))


def _z(rng):
    return (rng.normal(scale=3, size=int(rng.integers(5, 60))).astype("float32"),)


@exercise("05.1", name="leaky_relu")
def _leaky(answer):
    return check_function(
        answer, _keras_leaky, _z, name="leaky_relu", rtol=1e-6, atol=1e-6,
        edges=[("negative inputs (the leaky side, slope alpha = 0.1)",
                (np.array([-5.0, -1.0, -0.3], dtype="float32"),)),
               ("positive inputs", (np.array([0.2, 1.0, 7.0], dtype="float32"),)),
               ("a 2-D batch", (np.array([[-2.0, 3.0], [0.5, -0.1]], dtype="float32"),))])


def _leaky_slope(z, alpha=0.1):
    return np.where(np.asarray(z) > 0, 1.0, alpha)   # z = 0 takes the left slope, as TensorFlow


@exercise("05.2", name="leaky_relu_prime")
def _leaky_prime(answer):
    return check_function(
        answer, _leaky_slope, _z, name="leaky_relu_prime",
        edges=[("negative inputs (slope alpha = 0.1)", (np.array([-4.0, -0.5]),)),
               ("positive inputs (slope 1)", (np.array([0.5, 4.0]),)),
               ("inputs exactly 0 (the left slope, alpha, as TensorFlow uses)",
                (np.array([0.0, -1.0, 0.0, 2.0]),))])


def _fold(mean, variance, W, b):
    std = np.sqrt(variance)
    return W / std[:, None], b - (mean / std) @ W


def _fold_args(rng, n_in=None, n_out=None):
    n_in = n_in or int(rng.integers(2, 6))
    n_out = n_out or int(rng.integers(1, 5))
    return (rng.normal(size=n_in), rng.uniform(0.2, 4.0, size=n_in), rng.normal(size=(n_in, n_out)),
            rng.normal(size=n_out))


def _compare_fold(got, expected):
    if not isinstance(got, tuple | list) or len(got) != 2:
        return "return the pair (W_folded, b_folded)."
    for what, g, e in (("W_folded", got[0], expected[0]), ("b_folded", got[1], expected[1])):
        g = np.asarray(g, dtype=float)
        if g.shape != e.shape:
            return f"{what} has shape {g.shape}, expected {e.shape}."
        if not np.allclose(g, e, rtol=1e-9, atol=1e-12):
            return (f"{what} is off (a layer fed x would give other outputs): got "
                    f"{g.ravel()[:3].round(4)}..., expected {e.ravel()[:3].round(4)}...")
    return None


@exercise("05.3", name="fold_normalization")
def _folding(answer):
    rng = np.random.default_rng(5)
    return check_function(
        answer, _fold, _fold_args, name="fold_normalization", compare=_compare_fold,
        edges=[("3 features into 2 units, variances not 1", _fold_args(rng, 3, 2)),
               ("a square layer, 4 features into 4 units", _fold_args(rng, 4, 4)),
               ("one feature into 3 units", _fold_args(rng, 1, 3))])


DEPTH_OPTIONS = ["shrinks", "about the same", "grows"]


@exercise("05.4", name="my_depth_answer")
def _depth(answer, *, depth_1_epochs, ratio_deep):
    if answer is None:
        return not_yet("my_depth_answer", f"pick one of {DEPTH_OPTIONS}")
    if not isinstance(depth_1_epochs, dict) or set(depth_1_epochs) != {"relu", "sigmoid"}:
        return not_yet("depth_1_epochs", 'run the experiment: {"relu": ..., "sigmoid": ...}')
    relu, sigmoid = float(depth_1_epochs["relu"]), float(depth_1_epochs["sigmoid"])
    if not (np.isfinite(relu) and np.isfinite(sigmoid)):
        print("✗ a one-layer run did not reach the target loss within race_max_epochs (inf): "
              "raise race_max_epochs and run the experiment again.")
        return False
    ratio = sigmoid / relu
    correct = ("shrinks" if ratio < ratio_deep / 1.5 else "grows" if ratio > 1.5 * ratio_deep
               else "about the same")
    seen = (f"your runs give sigmoid / ReLU = {ratio:.3g} with one hidden layer against "
            f"{ratio_deep:.3g} with the deeper race")
    return check_choice(answer, correct, DEPTH_OPTIONS, name="my_depth_answer",
                        explanations={o: seen for o in DEPTH_OPTIONS}, why_right=f"({seen}.)")


TARGETS = {"will this customer click the ad (yes or no)": "sigmoid",
           "the number of visitors tomorrow": "relu",
           "next month's change in the exchange rate": "linear",
           "the age of a person in a photo": "relu"}
WHY = {"sigmoid": "a sigmoid gives a probability between 0 and 1, not a quantity",
       "linear": "a linear output can go negative, and this target never does",
       "relu": "a ReLU output cannot go below zero, and this target can"}


@exercise("05.5", name="my_outputs")
def _outputs(answer):
    if answer is None:
        return not_yet("my_outputs", "fill in the dict of targets")
    if not isinstance(answer, dict) or set(answer) != set(TARGETS):
        print("✗ my_outputs must be the dict of the four targets as given (the same keys).")
        return False
    for target, want in TARGETS.items():
        if answer[target] != want:
            why = dict(WHY)
            if want == "sigmoid":
                why = {o: "a yes/no target needs a probability in (0, 1)" for o in WHY}
            return check_choice(answer[target], want, list(WHY), name=target, explanations=why)
    print("✓ my_outputs: all four output activations are right.")
    return True
