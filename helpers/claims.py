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

__all__ = ["check_claim", "key_figure", "format_value"]


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
