"""Exercises of lesson 00 (the tour): a softmax that survives huge logits; what another thread count moves."""

from __future__ import annotations

import numpy as np

from helpers.exercises import check_choice, check_function, exercise
from helpers.numpy_nn import softmax

_HUGE = np.array([1000.0, 1001.0, 1002.0])
_ROWS_APART = np.array([[1000.0, 1001.0, 999.0], [0.5, -1.0, 2.0]])  # rows whose scales differ


def _logits(rng):
    rows = int(rng.integers(1, 5))
    return (rng.normal(scale=500, size=(rows, int(rng.integers(2, 6)))),)


@exercise("00.1", name="my_softmax")
def _softmax(answer):
    with np.errstate(all="ignore"):  # the learner's exp may overflow: the verdict says so
        return check_function(
            answer, softmax, _logits, name="my_softmax", rtol=1e-9, atol=1e-12,
            edges=[("the huge logits [1000, 1001, 1002]", (_HUGE,)),
                   ("a batch of two rows whose logits differ by about 1000", (_ROWS_APART,)),
                   ("one row of very negative logits", (np.array([[-1000.0, -1001.0, -1003.0]]),))])


_THREADS = ["nothing", "the last digits of trained numbers", "whether the claims hold"]


@exercise("00.2", name="my_answer")
def _threads(answer):
    return check_choice(
        answer, "the last digits of trained numbers", _THREADS, name="my_answer",
        explanations={
            "nothing": "another thread count splits the sums of a matrix product differently, and "
                       "float addition is not associative (section 3)",
            "whether the claims hold": "each claim is asserted with a margin far wider than "
                                       "round-off, so it holds on any machine"},
        why_right="Round-off moves; the verdicts, asserted with margins, do not.")
