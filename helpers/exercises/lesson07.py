"""Exercises of lesson 07 (softmax and multiclass): references, edge cases and expected answers.

- 07.1 ``log_softmax(z)``: stable at logits of +-1000, for a batch or a single row;
- 07.2 ``my_answers``: multiclass or multi-label, four tasks;
- 07.3 ``my_softmax_regression``: Dense(10) + softmax on 64 inputs, checked by behaviour (rows that
  sum to 1, which a sigmoid layer of the same shape does not give);
- 07.4 ``my_first_capped_z``: an experiment, the first whole z at which the loss computed from
  float32 probabilities of the logits (0, z, 0) hits the clip's cap.
"""

from __future__ import annotations

import numpy as np

from helpers import numpy_nn
from helpers.exercises import (
    check_choice,
    check_function,
    check_model,
    check_value,
    exercise,
    not_yet,
)


def _logits(rng):
    return (rng.normal(size=(int(rng.integers(1, 6)), int(rng.integers(2, 7)))) * 1000,)


@exercise("07.1", name="log_softmax")
def _log_softmax(answer):
    rng = np.random.default_rng(7)
    with np.errstate(all="ignore"):   # a naive answer overflows: the verdict says so, not a warning
        return check_function(
            answer, numpy_nn.log_softmax, _logits, name="log_softmax", rtol=1e-9, atol=1e-9,
            edges=[("a batch of 4 rows of 5 logits scaled by 1000", (rng.normal(size=(4, 5)) * 1000,)),
                   ("a single row of shape (5,)", (np.array([1000.0, 1001.0, 1002.0, -1000.0, 0.0]),)),
                   ("a batch of ordinary logits", (rng.normal(size=(3, 4)),))])


TASKS = {"which of 10 digits is in the image": "multiclass",
         "which of 20 topics a news article covers (any number of them)": "multilabel",
         "the species of one bird in a photo, out of 200 species": "multiclass",
         "whether a photo shows a car, a bus and/or a pedestrian": "multilabel"}
WHY = {"multiclass": "more than one answer can be yes here, and softmax outputs sum to 1",
       "multilabel": "exactly one class is right here, so the outputs should compete (softmax)"}


@exercise("07.2", name="my_answers")
def _kinds(answer):
    if answer is None:
        return not_yet("my_answers", "fill in the dict of tasks")
    if not isinstance(answer, dict) or set(answer) != set(TASKS):
        print(f"✗ my_answers must be the dict of the four tasks as given (the same keys), got "
              f"{type(answer).__name__} with keys {sorted(answer) if isinstance(answer, dict) else '-'}.")
        return False
    for task, want in TASKS.items():
        if answer[task] != want:   # the first wrong one, explained
            return check_choice(answer[task], want, ["multiclass", "multilabel"], name=task,
                                explanations=WHY)
    print("✓ my_answers: all four tasks are right.")
    return True


@exercise("07.3", name="my_softmax_regression")
def _model(answer):
    from helpers.data import digits_split

    x = digits_split(0).x_test[:16]
    return check_model(answer, x, output_shape=[None, 10], n_params=650, output_range=(0.0, 1.0),
                       rows_sum_to_one=True, name="my_softmax_regression")


def _first_capped_z() -> int:
    import keras

    probs_loss = keras.losses.SparseCategoricalCrossentropy(reduction=None)
    cap = -np.log(1e-7)
    for z in range(1, 41):
        logits = np.array([[0.0, z, 0.0]], dtype="float32")
        probs = keras.ops.convert_to_numpy(keras.activations.softmax(logits))
        loss = float(keras.ops.convert_to_numpy(probs_loss(np.array([0]), probs))[0])
        if abs(loss - cap) < 1e-4:
            return z
    raise RuntimeError("the loss on probabilities never reached the clip's cap: check broken")


@exercise("07.4", name="my_first_capped_z")
def _capped(answer):
    return check_value(answer, _first_capped_z(), name="my_first_capped_z", rtol=0, atol=0,
                       hint="The clip keeps the true-class probability 1 / (2 + e^z) at 1e-7 or "
                            "more: find the first whole z where the loss stops growing.")
