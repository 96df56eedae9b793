"""The record of one wrong answer to an exercise (see README.md in this folder)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Wrong:
    why: str     # the mistake, in one line
    answer: str  # the code that replaces the solution block
    says: str    # a phrase the ✗ verdict must contain: it points at the mistake
