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


def format_value(value) -> str:
    """Four significant digits for floats; other values as ``repr``/``str``."""
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return f"{float(value):.4g}"
    return str(value)


def check_claim(number: int | str, statement: str, holds, **measured) -> None:
    """Print the claim with its measurements; raise ``AssertionError`` if ``holds`` is false."""
    if not isinstance(statement, str) or not statement.strip():
        raise ValueError("check_claim needs the claim's statement as a non-empty string.")
    holds = bool(np.all(holds))
    details = ", ".join(f"{k}={format_value(v)}" for k, v in measured.items())
    line = f"Claim {number} {'holds' if holds else 'FAILS'}: {statement}"
    if details:
        line += f" ({details})"
    if not holds:
        raise AssertionError(line)
    print(line)


def key_figure(label: str, value, unit: str = "") -> None:
    """Print ``Key figure: label = value`` (collected into ``make run``'s report)."""
    line = f"Key figure: {label} = {format_value(value)}{(' ' + unit) if unit else ''}"
    print(line)
