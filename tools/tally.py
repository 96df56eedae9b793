"""Tally what runs of one lesson at several seeds printed: every claim's and condition's verdicts.

:func:`aggregate` reads the claim blocks and key figures each run printed (``Run.claims``,
``Run.figures``, parsed by ``helpers.claims``) and counts, per claim and per condition, the seeds it
held at, its margins and the values compared, from which the flags *constant* and *thin* follow.
``make sweep``'s table (``tools.reports``) and the 20-seed ledger (``tools.ledger``) both use it.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field

#: A condition (or a lesson) must hold at this share of the seeds: 19 of 20.
REQUIRED_SHARE = 0.95


@dataclass
class ConditionStats:
    name: str
    kind: str                 # "measured" or "sanity"
    operator: str
    held: int = 0
    reached: int = 0
    margins: list[float] = field(default_factory=list)
    lefts: list[str] = field(default_factory=list)
    rights: list[str] = field(default_factory=list)

    @property
    def smallest(self) -> float | None:
        return min(self.margins) if self.margins else None

    @property
    def median(self) -> float | None:
        return statistics.median(self.margins) if self.margins else None

    @property
    def spread(self) -> float | None:
        return statistics.stdev(self.margins) if len(self.margins) >= 3 else None

    def constant(self) -> bool:
        if self.kind != "measured" or self.operator == "==" or self.reached < 2:
            return False
        return (len(set(self.lefts)) == 1 and len(set(self.rights)) == 1
                and len(set(self.margins)) <= 1)

    def thin(self, seeds: int) -> bool:
        if self.kind != "measured":
            return False
        if self.held < math.ceil(REQUIRED_SHARE * seeds - 1e-9):
            return True
        spread = self.spread
        return spread is not None and self.smallest < spread


@dataclass
class ClaimStats:
    number: str
    statement: str
    held: int = 0
    reached: int = 0
    conditions: dict[str, ConditionStats] = field(default_factory=dict)
    budgets: list[dict] = field(default_factory=list)


@dataclass
class LessonStats:
    lesson: str                      # the notebook's file name
    seeds: list[int]
    ran_to_end: int = 0
    claims: dict[str, ClaimStats] = field(default_factory=dict)
    figures: dict[str, list[float]] = field(default_factory=dict)
    failures: list[dict] = field(default_factory=list)   # {"seed", "error", "copy"}
    notes: list[dict] = field(default_factory=list)      # {"seed", "note"}: retries, lost tasks


def failed_cell(nb) -> int | None:
    """The index (among code cells) of the first cell whose output is an error, if any."""
    code = [c for c in nb.cells if c.get("cell_type") == "code"]
    return next((i for i, c in enumerate(code)
                 if any(o.get("output_type") == "error" for o in c.get("outputs", []))), None)


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def aggregate(runs, lesson: str | None = None) -> LessonStats:
    """Count, over ``runs`` (one lesson at several seeds), every claim's and condition's verdicts.

    Reads only what the runs printed (``Run.claims``, ``Run.figures``). A claim printed twice in
    one run (the same number) is counted once, by its last block.
    """
    runs = list(runs)
    stats = LessonStats(lesson or (runs[0].name if runs else "?"),
                        [r.params.get("seed") for r in runs])
    for run in runs:
        seed = run.params.get("seed")
        if run.error is None:
            stats.ran_to_end += 1
        else:
            stats.failures.append({"seed": seed, "error": run.error, "copy": None,
                                   "cell": failed_cell(run.nb)})
        if run.note:
            stats.notes.append({"seed": seed, "note": run.note})
        last = {claim.number: claim for claim in run.claims}
        for claim in last.values():
            entry = stats.claims.setdefault(claim.number, ClaimStats(claim.number, claim.statement))
            entry.reached += 1
            entry.held += claim.holds
            if claim.budget:
                entry.budgets.append(dict(claim.budget))
            for cond in claim.conditions:
                c = entry.conditions.setdefault(cond.name,
                                                ConditionStats(cond.name, cond.kind, cond.operator))
                c.reached += 1
                c.held += cond.holds
                c.lefts.append(cond.left)
                c.rights.append(cond.right)
                if cond.margin is not None:
                    c.margins.append(cond.margin)
        for figure in run.figures:
            if (value := _number(figure.value)) is not None:
                stats.figures.setdefault(figure.label, []).append(value)
    return stats
