"""helpers.claims: named comparisons with margins, sanity checks declared, one text format."""

import numpy as np
import pytest

from helpers.claims import (
    SYLLABUS_CLAIMS,
    check_claim,
    claim_and_figure_lines,
    format_value,
    key_figure,
    parse_claims,
    parse_key_figures,
)


def test_a_claim_prints_each_condition_with_its_margin(capsys):
    check_claim(6, "ReLU (hidden) is faster", faster=(67, "<=", 0.5 * 712),
                below=(np.array([0.1, 0.2]), "<", 0.3),
                sanity={"same_start": (np.zeros(3), "==", np.zeros(3))},
                budget={"epochs": 1000, "learning_rate": 0.5})
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "Claim 6 holds: ReLU (hidden) is faster",
        "  ✓ measured faster: 67 <= 356 (margin 0.81)",
        "  ✓ measured below: [0.1, 0.2] < 0.3 (margin 0.33)",
        "  ✓ sanity same_start: [0, 0, 0] == [0, 0, 0] (true by construction, not counted)",
        "  budget: epochs=1000, learning_rate=0.5",
    ]


def test_a_failing_condition_prints_then_raises_with_the_numbers(capsys):
    with pytest.raises(AssertionError, match=r"Claim 3 FAILS: x\n  ✗ measured small: 2 < 1"):
        check_claim(3, "x", small=(2, "<", 1), big=(5, ">", 1))
    out = capsys.readouterr().out
    assert "✗ measured small: 2 < 1 (margin -0.5)" in out and "✓ measured big" in out


def test_a_failing_sanity_check_also_raises():
    with pytest.raises(AssertionError, match="✗ sanity"):
        check_claim(1, "x", real=(1, "<", 2), sanity={"fixed": (3, "==", 4)})


@pytest.mark.parametrize("left, op, right, margin", [
    (1.0, "<", 2.0, 0.5), (2.0, ">", 1.0, 0.5), (-5.0, "<", -3.0, 0.4), (0.0, "<=", 0.0, 0.0),
    (3.0, ">=", 3.0, 0.0), (1e-8, "<", 0.4, 1.0), (0.9, ">", 1.0, -0.1),
])
def test_the_margin_is_relative_and_signed(left, op, right, margin, capsys):
    try:
        check_claim(1, "m", c=(left, op, right))
    except AssertionError:
        pass
    claim = parse_claims(capsys.readouterr().out)[0]
    assert claim.conditions[0].margin == pytest.approx(margin, abs=0.006)


def test_arrays_compare_element_by_element_and_report_the_smallest_margin(capsys):
    check_claim(2, "all", c=(np.array([1.0, 2.0, 2.9]), "<", 3.0))
    assert parse_claims(capsys.readouterr().out)[0].conditions[0].margin == pytest.approx(0.033, abs=1e-3)
    with pytest.raises(AssertionError):
        check_claim(2, "all", c=(np.array([1.0, 4.0]), "<", 3.0))


@pytest.mark.parametrize("conditions, error, match", [
    ({"c": 0.3}, TypeError, "must be a comparison"),            # a bare number
    ({"c": True}, TypeError, "must be a comparison"),           # a bare bool
    ({"c": None}, TypeError, "must be a comparison"),
    ({"c": "a < b"}, TypeError, "must be a comparison"),
    ({"c": (1, "<")}, TypeError, "must be a comparison"),
    ({"c": [1, "<", 2]}, TypeError, "must be a comparison"),
    ({"c": (True, "==", True)}, TypeError, "bool"),             # the old pattern, sneaked in
    ({"c": (np.array([True]), "==", 1)}, TypeError, "boolean array"),
    ({"c": (None, "<", 1)}, TypeError, "left side"),
    ({"c": ("0.3", "<", 1)}, TypeError, "string"),
    ({"c": (1 + 2j, "<", 1)}, TypeError, "real number"),
    ({"c": (np.nan, "<", 1)}, ValueError, "NaN"),
    ({"c": (np.array([0.1, np.nan]), "<", 1)}, ValueError, "NaN"),
    ({"c": (1, "<", np.inf)}, ValueError, "infinity"),
    ({"c": (np.array([]), "<", 1)}, ValueError, "empty"),
    ({"c": (1, "=<", 2)}, ValueError, "operator"),
    ({"c": (1, "!=", 2)}, ValueError, "operator"),
    ({"c": (np.ones(2), "<", np.ones(3))}, ValueError, "broadcast"),
    ({}, ValueError, "no measured condition"),
])
def test_anything_but_a_measured_comparison_is_refused(conditions, error, match):
    with pytest.raises(error, match=match):
        check_claim(1, "statement", **conditions)


def test_sanity_checks_alone_do_not_make_a_claim():
    with pytest.raises(ValueError, match="no measured condition"):
        check_claim(1, "s", sanity={"fixed": (1, "==", 1)})


def test_sanity_checks_may_compare_flags_but_not_nan():
    check_claim(1, "s", real=(1, "<", 2), sanity={"flag": (True, "==", True)})
    with pytest.raises(ValueError, match="NaN"):
        check_claim(1, "s", real=(1, "<", 2), sanity={"x": (np.nan, "==", 1)})


@pytest.mark.parametrize("args, kwargs, error, match", [
    ((1, "s", True), {}, TypeError, "named comparisons"),        # the old positional form
    ((1, "s", 0.3), {}, TypeError, "named comparisons"),
    ((None, "s"), {"c": (1, "<", 2)}, TypeError, "claim number"),
    ((True, "s"), {"c": (1, "<", 2)}, TypeError, "claim number"),
    (("1 a", "s"), {"c": (1, "<", 2)}, ValueError, "letters and digits"),
    ((1, ""), {"c": (1, "<", 2)}, ValueError, "statement"),
    ((1, "two\nlines"), {"c": (1, "<", 2)}, ValueError, "one-line"),
    ((1, "s"), {"c": (1, "<", 2), "digits": -1}, ValueError, "digits"),
    ((1, "s"), {"c": (1, "<", 2), "digits": "2"}, TypeError, "digits"),
    ((1, "s"), {"c": (1, "<", 2), "sanity": [(1, "==", 1)]}, TypeError, "sanity must be a dict"),
    ((1, "s"), {"c": (1, "<", 2), "budget": 200}, TypeError, "budget must be a dict"),
    ((1, "s"), {"c": (1, "<", 2), "budget": {"a b": 1}}, ValueError, "budget keys"),
    ((1, "s"), {"c": (1, "<", 2), "budget": {"steps": float("nan")}}, ValueError, "NaN"),
    ((1, "s"), {"c": (1, "<", 2), "sanity": {"bad name": (1, "==", 1)}}, ValueError, "name"),
])
def test_bad_calls_get_clear_errors(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        check_claim(*args, **kwargs)


def test_the_format_round_trips_through_the_parser(capsys):
    check_claim("17a", "a statement (with parentheses) and = signs", gain=(0.07, ">", 0.02),
                same=(np.array([1, 2]), "==", np.array([1, 2])),
                sanity={"budget_equal": (200, "==", 200)}, budget={"steps": 200})
    key_figure("test accuracy", 0.97123, "%")
    key_figure("epochs", 12)
    text = "noise before\n" + capsys.readouterr().out + "noise after\n"
    [claim] = parse_claims(text)
    assert (claim.number, claim.holds) == ("17a", True)
    assert claim.statement == "a statement (with parentheses) and = signs"
    assert [(c.name, c.kind, c.left, c.operator, c.right) for c in claim.conditions] == [
        ("gain", "measured", "0.07", ">", "0.02"), ("same", "measured", "[1, 2]", "==", "[1, 2]"),
        ("budget_equal", "sanity", "200", "==", "200")]
    assert claim.conditions[1].margin is None and claim.budget == {"steps": "200"}
    assert [c.name for c in claim.measured] == ["gain", "same"]
    figures = parse_key_figures(text)
    assert [(f.label, f.value, f.unit) for f in figures] == [("test accuracy", "0.9712", "%"),
                                                              ("epochs", "12", "")]
    lines = claim_and_figure_lines(text)
    assert lines[0].startswith("Claim 17a holds") and lines[-1] == "Key figure: epochs = 12"
    assert "noise before" not in lines and "noise after" not in lines


def test_a_failed_claim_parses_as_failing(capsys):
    with pytest.raises(AssertionError):
        check_claim(9, "x", c=(3, "<", 1))
    [claim] = parse_claims(capsys.readouterr().out)
    assert not claim.holds and not claim.conditions[0].holds and claim.conditions[0].margin < 0


def test_long_arrays_are_cut_in_the_line(capsys):
    check_claim(1, "s", c=(np.arange(10.0), "<", 100.0))
    line = capsys.readouterr().out.splitlines()[1]
    assert "... (10 values)" in line and parse_claims("Claim 1 holds: s\n" + line)[0].conditions


@pytest.mark.parametrize("value, digits, shown", [(0.123456, 4, "0.1235"), (3, 4, "3"),
                                                  (np.float32(0.5), 2, "0.5"), (True, 4, "True"),
                                                  (np.array([0.25, 1.0]), 2, "[0.25, 1]")])
def test_format_value(value, digits, shown):
    assert format_value(value, digits) == shown


@pytest.mark.parametrize("label, value, error", [("acc", float("nan"), ValueError),
                                                 (None, 1.0, TypeError), ("", 1.0, ValueError),
                                                 ("a = b", 1.0, ValueError),
                                                 ("acc", None, TypeError), ("acc", "0.9", TypeError),
                                                 ("acc", True, TypeError)])
def test_key_figure_refuses_what_is_not_a_number(label, value, error):
    with pytest.raises(error):
        key_figure(label, value)


def test_key_figure_digits_are_checked():
    with pytest.raises(ValueError, match="digits"):
        key_figure("acc", 0.5, digits=-1)


def test_syllabus_claims_cover_1_to_25():
    assert sorted(SYLLABUS_CLAIMS) == list(range(1, 26))
    for lessons, text in SYLLABUS_CLAIMS.values():
        assert lessons and all(len(n) == 2 and n.isdigit() for n in lessons) and text
