"""``check_claim``: a claim is a set of named comparisons of measured quantities.

Every numbered claim of the syllabus ends in a call like::

    check_claim(6, "ReLU hidden layers reach the target loss in fewer epochs than sigmoid ones",
                relu_in_at_most_half_the_epochs=(epochs_relu, "<=", 0.5 * epochs_sigmoid),
                sanity={"same_initial_weights": (start_relu, "==", start_sigmoid)},
                budget={"epochs": max_epochs, "learning_rate": lr})

Each keyword condition is a comparison ``(left, operator, right)`` of numbers or numeric arrays
(arrays compare element by element and must all hold). ``check_claim`` prints one block::

    Claim 6 holds: ReLU hidden layers reach the target loss in fewer epochs than sigmoid ones
      ✓ measured relu_in_at_most_half_the_epochs: 67 <= 356 (margin 0.81)
      ✓ sanity same_initial_weights: 1 == 1 (true by construction, not counted)
      budget: epochs=1000, learning_rate=0.5

and raises ``AssertionError`` with the same block when any condition fails (after printing it, so
the executed notebook keeps the numbers). The *margin* says how far a condition is from failing:
``(right - left) / max(|left|, |right|)`` for ``<``/``<=`` and the mirror image for ``>``/``>=``,
so it lies in ``[-2, 2]`` and is positive when the condition holds (``0.81``: the right side could
shrink by 81% before the condition failed). ``==`` means exact equality and shows ``exact``.

A check that is true by construction (a parameter count fixed by the architecture, arithmetic
with no measured input) goes in ``sanity``: it is shown and must hold, but it does not count, and
every claim needs at least one measured condition. Whether a measured condition really can fail,
and holds across seeds, is what ``make claims`` records in ``benchmarks/claims.md``.

The text format of these blocks (and of ``key_figure`` lines) is written and read here only:
``parse_claims`` and ``parse_key_figures`` are what the run reports and the ledger use.
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass, field

import numpy as np

from helpers import validate

__all__ = ["check_claim", "key_figure", "format_value", "parse_claims", "parse_key_figures",
           "claim_and_figure_lines", "Claim", "Condition", "KeyFigure", "OPERATORS",
           "SYLLABUS_CLAIMS"]

#: The syllabus's numbered claims, the lessons that must assert each, and the claim in short.
#: The hygiene tests read this table; README's lesson table follows it. A claim that the lesson
#: shows only in part says so here ("partly holds: ...") and in the README.
SYLLABUS_CLAIMS: dict[int, tuple[list[str], str]] = {
    1: (["01"], "MSE and cross-entropy of the two worked 10-class examples; a trained model's "
            "losses are far higher on the examples it gets wrong"),
    2: (["01"], "the gradient of accuracy is zero almost everywhere; the loss's is not"),
    3: (["01"], "the central-difference gradient agrees with the analytic one (1e-7 or better)"),
    4: (["01"], "a too-large learning rate diverges, a too-small one barely moves (on a network, "
            "at equal budgets)"),
    5: (["05"], "a stack of linear layers equals one linear layer"),
    6: (["05"], "ReLU hidden layers reach a target loss in fewer epochs than sigmoid ones"),
    7: (["07"], "naive softmax overflows; the stable form and from_logits=True do not"),
    8: (["03"], "the vectorised forward pass equals the loop and Keras, and is many times faster"),
    9: (["06"], "backprop, autodiff and numerical gradients agree; numerical cost grows"),
    10: (["08"], "Adam from scratch = Keras's Adam; beats GD when ill-conditioned; less lr-sensitive"),
    11: (["09"], "a small CNN matches a dense net with far fewer parameters, wins with few data"),
    12: (["10"], "lambda near 0 overfits, large lambda underfits, cross-validation picks between"),
    13: (["11"], "high bias plateaus above the baseline; high variance closes its gap with m"),
    14: (["11"], "a bigger, regularised network does as well or better than a small one; "
             "without its penalty it loses with few data"),
    15: (["11"], "a complex model loses on little data and wins with more (a crossover)"),
    16: (["12"], "partly holds: augmentation that imitates real variation raises accuracy with 1 "
             "and 5 labels per digit; font-rendered digits raise it with 1, far less with 5"),
    17: (["13"], "partly holds: with 2 labels per digit every pretrained start beats scratch and "
             "the gain fades with data; option 2 beats option 1 with all the data, option 1 is "
             "not shown ahead with scarce data; a large fine-tuning rate loses to the cv-chosen "
             "one"),
    18: (["14"], "at 0.5% prevalence 'always no' is 99.5% accurate with recall 0, while a less "
             "accurate real screener finds at least a quarter of the ill"),
    19: (["14"], "raising the threshold raises precision and lowers recall"),
    20: (["14"], "F1 picks a sensible threshold; the plain average rewards a degenerate classifier"),
    21: (["15"], "random search beats a grid at equal budget; halving needs a fraction of the epochs"),
    22: (["00", "15"], "results move with the seed; a fixed seed reproduces them exactly"),
    23: (["16"], "batch normalisation trains faster or tolerates a larger learning rate"),
    24: (["17"], "a saved and reloaded model predicts identically; drift is detected"),
    25: (["18"], "data-parallel training reproduces single-replica training; workers agree"),
}


def _equal(left, right) -> np.ndarray:
    return np.asarray(np.array_equal(left, right) if np.ndim(left) or np.ndim(right)
                      else left == right)


#: The comparisons a condition may use; ``==`` is exact equality (arrays: every element).
OPERATORS = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal,
             "==": _equal}

_NAME = re.compile(r"^[A-Za-z_]\w*$")
_ARRAY_SHOWN = 6  # elements of an array shown in a condition line


# ------------------------------------------------------------------ the format, written ...

def format_value(value, digits: int = 4) -> str:
    """``digits`` significant digits for floats (4 by default); other values as ``str``.

    Arrays show their first few elements, ``[a, b, c, ...]`` with the length when cut.
    """
    digits = validate.integer(digits, "digits", minimum=1, maximum=17)
    if isinstance(value, np.ndarray) and value.ndim > 0:
        flat = value.ravel()
        shown = ", ".join(format_value(v, digits) for v in flat[:_ARRAY_SHOWN])
        more = f", ... ({flat.size} values)" if flat.size > _ARRAY_SHOWN else ""
        return f"[{shown}{more}]"
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return f"{float(value):.{digits}g}"
    return str(value)


@dataclass(frozen=True)
class Condition:
    """One comparison of a claim, as printed (values are the printed strings)."""

    name: str
    kind: str            # "measured" or "sanity"
    left: str
    operator: str
    right: str
    holds: bool
    margin: float | None  # None for "==" (exact) and for sanity checks

    def line(self) -> str:
        mark = "✓" if self.holds else "✗"
        if self.kind == "sanity":
            tail = "true by construction, not counted"
        elif self.margin is None:
            tail = "exact"
        else:
            tail = f"margin {self.margin:.2g}"
        return (f"  {mark} {self.kind} {self.name}: {self.left} {self.operator} {self.right} "
                f"({tail})")


@dataclass
class Claim:
    """A claim block: number, verdict, statement, its conditions and the budget it was run at."""

    number: str
    holds: bool
    statement: str
    conditions: list[Condition] = field(default_factory=list)
    budget: dict[str, str] = field(default_factory=dict)

    @property
    def measured(self) -> list[Condition]:
        return [c for c in self.conditions if c.kind == "measured"]

    def text(self) -> str:
        lines = [f"Claim {self.number} {'holds' if self.holds else 'FAILS'}: {self.statement}"]
        lines += [c.line() for c in self.conditions]
        if self.budget:
            lines.append("  budget: " + ", ".join(f"{k}={v}" for k, v in self.budget.items()))
        return "\n".join(lines)


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: str
    unit: str = ""

    def line(self) -> str:
        return f"Key figure: {self.label} = {self.value}" + (f" {self.unit}" if self.unit else "")


# ------------------------------------------------------------------ ... and read

_HEAD = re.compile(r"^Claim (\S+) (holds|FAILS): (.*)$")
_CONDITION = re.compile(r"^  ([✓✗]) (measured|sanity) (\w+): (.+?) (<=|>=|==|<|>) (.+) "
                        r"\((margin (\S+)|exact|true by construction, not counted)\)$")
_BUDGET = re.compile(r"^  budget: (.*)$")
_FIGURE = re.compile(r"^Key figure: (.+?) = (\S+)(?: (.*))?$")


def parse_claims(text: str) -> list[Claim]:
    """Every claim block in ``text`` (a cell's or a whole notebook's printed output), in order."""
    claims: list[Claim] = []
    current = None
    for line in text.splitlines():
        if head := _HEAD.match(line):
            current = Claim(head.group(1), head.group(2) == "holds", head.group(3))
            claims.append(current)
            continue
        if current is None:
            continue
        if cond := _CONDITION.match(line):
            mark, kind, name, left, op, right, _, margin = cond.groups()
            current.conditions.append(Condition(
                name, kind, left, op, right, mark == "✓",
                float(margin) if margin is not None else None))
        elif budget := _BUDGET.match(line):
            current.budget = dict(part.split("=", 1) for part in budget.group(1).split(", ")
                                  if "=" in part)
        else:
            current = None
    return claims


def parse_key_figures(text: str) -> list[KeyFigure]:
    """Every ``Key figure: label = value unit`` line in ``text``."""
    return [KeyFigure(m.group(1), m.group(2), m.group(3) or "")
            for m in map(_FIGURE.match, text.splitlines()) if m]


def claim_and_figure_lines(text: str) -> list[str]:
    """The lines a run report lists: every claim block's lines and every key figure line."""
    wanted = {line for c in parse_claims(text) for line in c.text().splitlines()}
    return [line for line in text.splitlines()
            if line in wanted or _FIGURE.match(line)]


# ------------------------------------------------------------------ checking

def _operand(value, where: str, *, measured: bool) -> np.ndarray:
    """A number or numeric array as a float/int array; refuse what cannot be a measurement."""
    if value is None or isinstance(value, str | bytes):
        raise TypeError(f"{where} is {validate.describe(value)}; a condition compares measured "
                        f"numbers or numeric arrays: pass the value itself, not its name or text.")
    if measured and isinstance(value, bool | np.bool_):
        raise TypeError(f"{where} is the bool {bool(value)}: compare the measured quantities "
                        f"themselves, e.g. (loss_a, '<', loss_b), so the claim shows by how much "
                        f"it holds; a fixed fact belongs in sanity={{...}}.")
    array = np.asarray(value)
    if array.dtype == object or array.dtype.kind not in "biuf":
        raise TypeError(f"{where} is {validate.describe(value)}; expected a real number or an "
                        f"array of real numbers.")
    if measured and array.dtype.kind == "b":
        raise TypeError(f"{where} is a boolean array: compare the measured numbers themselves "
                        f"(element by element), not a mask.")
    if array.size == 0:
        raise ValueError(f"{where} is empty: nothing was measured. Check that the experiment "
                         f"produced results.")
    if array.dtype.kind == "f" and np.any(np.isnan(array)):
        raise ValueError(f"{where} holds NaN: a measurement failed (look for a diverged run or an "
                         f"empty selection).")
    if measured and array.dtype.kind == "f" and np.any(np.isinf(array)):
        raise ValueError(f"{where} holds infinity, and a comparison with infinity cannot fail. "
                         f"Measure a finite quantity (for a run that never reached a target, "
                         f"use the budget it had, and say so).")
    return array


def _margin(left: np.ndarray, op: str, right: np.ndarray) -> float | None:
    if op == "==":
        return None
    left, right = np.broadcast_arrays(left.astype(float), right.astype(float))
    gap = right - left if op in ("<", "<=") else left - right
    scale = np.maximum(np.abs(left), np.abs(right))
    with np.errstate(invalid="ignore", divide="ignore"):
        margins = np.where(scale > 0, gap / np.where(scale > 0, scale, 1.0), 0.0)
    return float(np.min(margins))


def _condition(name: str, spec, kind: str, digits: int) -> Condition:
    where = f"condition {name!r}" if kind == "measured" else f"sanity check {name!r}"
    if not _NAME.match(name):
        raise ValueError(f"the {where} needs a name made of letters, digits and underscores.")
    if not isinstance(spec, tuple) or len(spec) != 3:
        raise TypeError(
            f"the {where} must be a comparison (left, operator, right), e.g. "
            f"{name}=(accuracy, '>', 0.9); got {validate.describe(spec)}. A bare number or bool "
            f"cannot be checked: say what it is compared with.")
    left, op, right = spec
    if not isinstance(op, str) or op not in OPERATORS:
        raise ValueError(f"the {where} has operator {op!r}; use one of "
                         f"{', '.join(map(repr, OPERATORS))}.")
    measured = kind == "measured"
    left_a = _operand(left, f"the left side of the {where}", measured=measured)
    right_a = _operand(right, f"the right side of the {where}", measured=measured)
    try:
        np.broadcast_shapes(left_a.shape, right_a.shape)
    except ValueError:
        raise ValueError(f"the {where} compares shapes {left_a.shape} and {right_a.shape}, which "
                         f"do not broadcast.") from None
    holds = bool(np.all(OPERATORS[op](left_a, right_a)))
    margin = _margin(left_a, op, right_a) if measured else None
    return Condition(name, kind, format_value(left, digits), op, format_value(right, digits),
                     holds, margin)


def check_claim(number: int | str, statement: str, *args, digits: int = 4,
                sanity: dict | None = None, budget: dict | None = None, **conditions) -> None:
    """Check a claim's named comparisons, print the block, raise ``AssertionError`` if one fails.

    ``conditions``: ``name=(left, operator, right)``, at least one, each measured (it could come
    out either way). ``sanity``: ``{name: (left, operator, right)}`` for checks that are true by
    construction; shown, required, not counted. ``budget``: what each compared arm got (steps,
    epochs, trials, examples), printed under the conditions. ``digits``: significant digits of the
    printed values. In a cell that nbval compares, print only what no CPU or thread count can
    move: exact counts, or values rounded coarser than their spread (``digits=2``).
    """
    if args:
        raise TypeError(
            "check_claim takes its conditions as named comparisons, not as a positional "
            "condition: check_claim(6, 'ReLU is faster', relu_faster=(epochs_relu, '<', "
            "epochs_sigmoid)). A bare bool or number cannot show how far a claim is from failing.")
    if isinstance(number, bool) or not isinstance(number, int | str) or not str(number).strip():
        raise TypeError(f"the claim number must be an int or a string such as '17a', got "
                        f"{validate.describe(number)}.")
    if not re.match(r"^\w+$", str(number)):
        raise ValueError(f"the claim number {number!r} must be letters and digits, e.g. 17 or '17a'.")
    if not isinstance(statement, str) or not statement.strip() or "\n" in statement:
        raise ValueError("check_claim needs the claim's statement as a one-line, non-empty string.")
    digits = validate.integer(digits, "digits", minimum=1, maximum=17)
    if not conditions:
        raise ValueError(f"claim {number} has no measured condition. Every claim needs at least one "
                         f"comparison that some result of the experiment could make false, e.g. "
                         f"faster=(epochs_a, '<', epochs_b); checks that are true by construction "
                         f"go in sanity={{...}} beside it.")
    for label, extra in (("sanity", sanity), ("budget", budget)):
        if extra is not None and not isinstance(extra, dict):
            raise TypeError(f"{label} must be a dict (name -> ...), got {validate.describe(extra)}.")
    checked = [_condition(name, spec, "measured", digits) for name, spec in conditions.items()]
    checked += [_condition(name, spec, "sanity", digits) for name, spec in (sanity or {}).items()]
    shown_budget = {}
    for key, value in (budget or {}).items():
        if not isinstance(key, str) or not _NAME.match(key):
            raise ValueError(f"budget keys are names (letters, digits, underscores), got {key!r}.")
        if isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isnan(value):
            raise ValueError(f"budget {key} is NaN.")
        shown_budget[key] = format_value(value, digits)
    claim = Claim(str(number), all(c.holds for c in checked), statement.strip(), checked,
                  shown_budget)
    print(claim.text())
    if not claim.holds:
        raise AssertionError(claim.text())


def key_figure(label: str, value, unit: str = "", *, digits: int = 4) -> None:
    """Print ``Key figure: label = value`` (collected into ``make run``'s report)."""
    if not isinstance(label, str):
        raise TypeError(f"key_figure needs a one-line text label, got {validate.describe(label)}.")
    if not label.strip() or " = " in label or "\n" in label:
        raise ValueError(f"key_figure needs a one-line label without ' = ', got {label!r}.")
    if not isinstance(unit, str) or "\n" in unit:
        raise TypeError(f"unit must be a one-line string, got {validate.describe(unit)}.")
    if value is None or isinstance(value, bool | np.bool_ | str) or not isinstance(value, numbers.Real):
        raise TypeError(f"key figure {label!r} must be a number, got {validate.describe(value)}.")
    if math.isnan(float(value)):
        raise ValueError(f"key figure {label!r} is NaN: the measurement behind it failed.")
    print(KeyFigure(label.strip(), format_value(value, digits), unit.strip()).line())
