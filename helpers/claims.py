"""``check_claim``: the one way a lesson states a claim, shows its numbers and asserts it.

Every numbered claim of the syllabus ends in a call like::

    check_claim(6, "ReLU hidden layers reach the target loss in fewer epochs than sigmoid",
                epochs_relu < epochs_sigmoid, epochs_relu=epochs_relu, epochs_sigmoid=epochs_sigmoid)

It prints one line ``Claim 6 holds: ... (epochs_relu=12, epochs_sigmoid=57)`` that the run report
collects, and raises ``AssertionError`` with the same numbers when the claim does not hold, so CI
fails when a library change or a code change breaks the lesson.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["check_claim", "key_figure", "format_value", "SYLLABUS_CLAIMS"]

#: The syllabus's numbered claims, the lessons that must assert each, and the claim in short.
#: The hygiene tests read this table; README's lesson table follows it.
SYLLABUS_CLAIMS: dict[int, tuple[list[str], str]] = {
    1: (["01"], "MSE and cross-entropy of the two worked 10-class examples"),
    2: (["01"], "the gradient of accuracy is zero almost everywhere; the loss's is not"),
    3: (["01"], "the central-difference gradient agrees with the analytic one"),
    4: (["01"], "a too-large learning rate diverges, a too-small one barely moves"),
    5: (["05"], "a stack of linear layers equals one linear layer"),
    6: (["05"], "ReLU hidden layers reach a target loss in fewer epochs than sigmoid ones"),
    7: (["07"], "naive softmax overflows; the stable form and from_logits=True do not"),
    8: (["03"], "the vectorised forward pass equals the loop and Keras, and is many times faster"),
    9: (["06"], "backprop, autodiff and numerical gradients agree; numerical cost grows"),
    10: (["08"], "Adam from scratch = Keras's Adam; beats GD when ill-conditioned; less lr-sensitive"),
    11: (["09"], "a small CNN matches a dense net with far fewer parameters, wins with few data"),
    12: (["10"], "lambda near 0 overfits, large lambda underfits, cross-validation picks between"),
    13: (["11"], "high bias plateaus above the baseline; high variance closes its gap with m"),
    14: (["11"], "a bigger, regularised network does as well or better than a small one"),
    15: (["11"], "a complex model loses on little data and wins with more (a crossover)"),
    16: (["12"], "data augmentation and data synthesis raise accuracy when labels are few"),
    17: (["13"], "transfer learning beats scratch on scarce data; option 1 vs 2; small fine-tune lr"),
    18: (["14"], "at 0.5% prevalence 'always no' is 99.5% accurate with recall 0"),
    19: (["14"], "raising the threshold raises precision and lowers recall"),
    20: (["14"], "F1 picks a sensible threshold; the plain average rewards a degenerate classifier"),
    21: (["15"], "random search beats a grid at equal budget; halving needs a fraction of the epochs"),
    22: (["00", "15"], "results move with the seed; a fixed seed reproduces them exactly"),
    23: (["16"], "batch normalisation trains faster or tolerates a larger learning rate"),
    24: (["17"], "a saved and reloaded model predicts identically; drift is detected"),
    25: (["18"], "data-parallel training reproduces single-replica training; workers agree"),
}


def format_value(value, digits: int = 4) -> str:
    """``digits`` significant digits for floats (4 by default); other values as ``str``."""
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return f"{float(value):.{digits}g}"
    return str(value)


def _truth(holds) -> bool:
    """A claim's condition as one bool; refuse what would be silently counted as holding."""
    if isinstance(holds, str):
        raise TypeError(f"check_claim needs a condition (a bool or a boolean array), got the string "
                        f"{holds!r}; write the comparison itself, e.g. a < b.")
    arr = np.asarray(holds)
    if arr.size == 0:
        raise ValueError("check_claim got an empty condition: nothing was measured. Check the "
                         "experiment produced results.")
    if arr.dtype.kind == "f" and np.any(np.isnan(arr)):
        raise ValueError("check_claim got NaN as its condition: a measurement failed.")
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"check_claim needs a boolean condition, got dtype {arr.dtype}.")
    return bool(np.all(arr))


def check_claim(number: int | str, statement: str, holds, *, digits: int = 4, **measured) -> None:
    """Print the claim with its measurements; raise ``AssertionError`` if ``holds`` is false.

    ``digits`` sets the significant digits shown for float measurements. In a cell that nbval
    compares, show only what no CPU or thread count can move: round coarser than the spread
    (``digits=2``), or pass exact counts and verdicts.
    """
    if not isinstance(statement, str) or not statement.strip():
        raise ValueError("check_claim needs the claim's statement as a non-empty string.")
    holds = _truth(holds)
    for key, value in measured.items():
        if isinstance(value, numbers.Real) and not isinstance(value, bool) and np.isnan(value):
            raise ValueError(f"check_claim: the measurement {key} is NaN; the experiment failed.")
    details = ", ".join(f"{k}={format_value(v, digits)}" for k, v in measured.items())
    line = f"Claim {number} {'holds' if holds else 'FAILS'}: {statement}"
    if details:
        line += f" ({details})"
    if not holds:
        raise AssertionError(line)
    print(line)


def key_figure(label: str, value, unit: str = "", *, digits: int = 4) -> None:
    """Print ``Key figure: label = value`` (collected into ``make run``'s report)."""
    line = f"Key figure: {label} = {format_value(value, digits)}{(' ' + unit) if unit else ''}"
    print(line)
