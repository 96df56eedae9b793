"""Exercises of lesson 00 (the tour): a softmax that survives huge logits; what another thread count moves.

- 00.1 ``my_softmax(z)``: a stable softmax written by the learner (a ready-made softmax, such as
  the ``helpers.numpy_nn.softmax`` the tour imports, is refused);
- 00.2 ``my_answer``: an experiment, this lesson rerun with another TensorFlow thread count. The
  expected answer is what that rerun measures on this lesson's small network: with 1, 2 and 4
  threads its trained weights are bit-identical (the products are too small for TensorFlow to
  split a sum between threads).
"""

from __future__ import annotations

import numpy as np

from helpers.exercises import check_choice, check_function, exercise
from helpers.numpy_nn import softmax

_HUGE = np.array([1000.0, 1001.0, 1002.0])
_ROWS_APART = np.array([[1000.0, 1001.0, 999.0], [0.5, -1.0, 2.0]])  # rows whose scales differ


def _logits(rng):
    rows = int(rng.integers(1, 5))
    return (rng.normal(scale=500, size=(rows, int(rng.integers(2, 6)))),)


def _ready_made(answer) -> str | None:
    """Why ``answer`` is not the learner's own softmax (``None`` when it may be)."""
    if answer is softmax:
        return ("my_softmax is helpers.numpy_nn.softmax itself, the reference the check compares "
                "with: write your own with np.exp and a sum.")
    code = getattr(answer, "__code__", None)
    if code is not None and "softmax" in code.co_names:
        return ("my_softmax calls a ready-made softmax (helpers', Keras's or SciPy's): write it "
                "yourself with np.exp and a sum.")
    if code is None and callable(answer) and "softmax" in getattr(answer, "__name__", ""):
        return f"my_softmax is {answer.__name__}, a ready-made softmax: write it yourself."
    return None


@exercise("00.1", name="my_softmax")
def _softmax(answer):
    problem = _ready_made(answer)
    if problem:
        print(f"✗ {problem}")
        return False
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
        answer, "nothing", _THREADS, name="my_answer",
        explanations={
            "the last digits of trained numbers":
                "that is what another thread count can do to a large product, whose sums "
                "TensorFlow can split between threads; compare the final losses of your rerun "
                "with this run's (section 5): this lesson's products are too small to be split",
            "whether the claims hold":
                "each claim is asserted with a margin, and here not even the last digits moved: "
                "compare the final losses of your rerun with this run's (section 5)"},
        why_right="This network's matrix products are too small for TensorFlow to split a sum "
                  "between threads, so every thread count adds in the same order.")
