"""The 20-seed ledger (tools.ledger, benchmarks/claims.md and claims.json).

The flags and the summary are tested on made-up runs; then the committed ledger is held to the
lessons: every claim and condition a lesson's saved outputs show must be in it (`make claims NB=NN`
adds a lesson's rows), and the lessons whose code changed since their rows were made are listed.
"""

import warnings
from pathlib import Path

import nbformat
import pytest

from helpers.claims import parse_claims
from tools import ledger
from tools.execute import Run, printed_text

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _block(number, conditions, holds=True, statement="a claim"):
    lines = [f"Claim {number} {'holds' if holds else 'FAILS'}: {statement}"]
    for name, kind, left, op, right, margin in conditions:
        ok = "✓" if margin is None or margin > 0 else "✗"
        tail = ("true by construction, not counted" if kind == "sanity"
                else "exact" if margin is None else f"margin {margin:.2g}")
        lines.append(f"  {ok} {kind} {name}: {left} {op} {right} ({tail})")
    lines.append("  budget: epochs=10")
    return "\n".join(lines) + "\n"


def _run(seed, text, error=None):
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
    nb = nbformat.v4.new_notebook()
    nb.cells = [cell]
    return Run(Path("05_x.ipynb"), nb, 1.0, error, None, {"seed": seed})


def _runs(n=20, fail_at=(), small=None):
    runs = []
    for seed in range(1, n + 1):
        margin = 0.3 + 0.01 * seed if small is None or seed != small else 0.01
        fails = seed in fail_at
        margin = -0.1 if fails else margin
        text = _block(6, [("faster", "measured", f"{seed * 3}", "<", f"{seed * 3 / (1 - margin):.4g}",
                           margin),
                          ("fixed_count", "measured", "10", "<", "20", 0.5),
                          ("reproduced", "measured", f"[{seed}, 2]", "==", f"[{seed}, 2]", None),
                          ("same_start", "sanity", "1", "==", "1", None)], holds=not fails)
        runs.append(_run(seed, text, "AssertionError: Claim 6 FAILS: a claim" if fails else None))
    return runs


def test_flags_constant_and_thin():
    stats = ledger.aggregate(_runs())
    conds = stats.claims["6"].conditions
    assert stats.ran_to_end == 20 and stats.claims["6"].held == 20
    assert conds["fixed_count"].constant(), "the same printed sides and margin at every seed"
    assert not conds["faster"].constant() and not conds["reproduced"].constant(), "== is exempt"
    assert not conds["same_start"].constant(), "sanity checks are expected to be constant"
    assert not conds["faster"].thin(20)
    two_fail = ledger.aggregate(_runs(fail_at=(3, 9)))
    assert two_fail.claims["6"].conditions["faster"].thin(20), "18/20 is under 19/20"
    assert two_fail.ran_to_end == 18
    one_fail = ledger.aggregate(_runs(fail_at=(3,)))
    assert one_fail.claims["6"].conditions["faster"].held == 19
    # held at 19/20 but the smallest margin (-0.1) is inside the spread: thin too
    assert one_fail.claims["6"].conditions["faster"].thin(20)
    inside = ledger.aggregate(_runs(small=5)).claims["6"].conditions["faster"]
    assert inside.smallest == pytest.approx(0.01) and inside.spread > 0.01 and inside.thin(20)


def test_entry_markdown_and_summary(tmp_path):
    data = {"lessons": {}}
    data["lessons"]["05_x.ipynb"] = ledger.lesson_entry(ledger.aggregate(_runs(fail_at=(3,))),
                                                        ["ab", "cd"], "abc123", "now", 40.0)
    data["lessons"]["05_x.ipynb"]["failures"][0]["copy"] = "build/claims/05_x_seed3.ipynb"
    ledger.save(data, tmp_path / "c.json", tmp_path / "c.md")
    text = (tmp_path / "c.md").read_text()
    assert "Made by `make claims` from commit abc123" in text
    assert "Ran to the end at 19/20 seeds (seeds 1..20). Commit abc123, code " in text
    assert "seed 3 stopped: `AssertionError: Claim 6 FAILS: a claim` (executed copy: " in text
    assert "| **6** a claim | claim | 19/20 | 20/20 | | | |" in text
    assert "| &nbsp;&nbsp;fixed_count (`<`) | measured | 20/20 | 20/20 | 0.5 | 0.5 | constant |" in text
    assert "| &nbsp;&nbsp;reproduced (`==`) | measured | 20/20 | 20/20 | exact | exact |  |" in text
    s = ledger.summary(ledger.load(tmp_path / "c.json"))
    assert (s["claims"], s["conditions"], s["measured"], s["sanity"]) == (1, 4, 3, 1)
    assert s["measured_at_required"] == 3 and s["lessons_to_end"] == 1
    assert s["constant"] == [("05_x.ipynb", "6", "fixed_count")]
    assert s["thin"] == [("05_x.ipynb", "6", "faster")]
    assert s["smallest"][0][2] == "faster" and s["smallest"][0][3] == pytest.approx(-0.1)
    assert "- the five smallest margins: 05 claim 6 faster -0.1; 05 claim 6 fixed_count 0.5" in text


def _saved_claims(path):
    return parse_claims(printed_text(nbformat.read(path, as_version=4)))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_claim_and_condition_a_lesson_shows_is_in_the_ledger(path):
    claims = _saved_claims(path)
    if not claims:
        pytest.skip(f"{path.name} prints no claim")
    entry = ledger.load()["lessons"].get(path.name)
    fix = f"run `make claims NB={path.name[:2]}` and commit benchmarks/claims.md and claims.json"
    assert entry is not None, f"{path.name} has no rows in benchmarks/claims.json: {fix}"
    rows = {c["number"]: {d["name"] for d in c["conditions"]} for c in entry["claims"]}
    missing = []
    for claim in claims:
        if claim.number not in rows:
            missing.append(f"claim {claim.number}")
        missing += [f"claim {claim.number} condition {c.name}" for c in claim.conditions
                    if c.name not in rows.get(claim.number, set())]
    assert not missing, f"{path.name}: missing from the ledger: {', '.join(missing)}; {fix}"


def test_lessons_whose_code_changed_since_their_rows_are_listed():
    """Listed, not failed: the ledger is refreshed when a lesson's claims settle."""
    data = ledger.load()
    stale = ledger.stale_lessons(data, NOTEBOOKS)
    if stale:
        warnings.warn("the code of these lessons changed since their ledger rows were made "
                      f"(make claims NB=..): {', '.join(stale)}", stacklevel=1)
        print("stale ledger rows:", ", ".join(stale))
