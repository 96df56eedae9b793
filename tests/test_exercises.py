"""helpers.exercises.engines: a learner's mistake gets a ✗ verdict, an author's mistake raises."""

import numpy as np
import pytest

from helpers.exercises import engines as checks


def test_check_function_verdicts(capsys):
    make = lambda rng: (rng.normal(size=(2, 3)),)  # noqa: E731

    def my_tanh(x):  # written independently of np.tanh, so the match can fail
        e = np.exp(2 * x)
        return (e - 1) / (e + 1)

    assert checks.check_function(my_tanh, np.tanh, make)
    assert "✓" in capsys.readouterr().out
    assert not checks.check_function(lambda x: my_tanh(x) + 1e-3, np.tanh, make)
    assert "is off" in capsys.readouterr().out
    assert not checks.check_function(np.sin, np.tanh, make)
    assert "is off" in capsys.readouterr().out
    assert not checks.check_function(lambda x: None, np.tanh, make, name="f")
    assert "forget `return`" in capsys.readouterr().out
    assert not checks.check_function(lambda x: x[:1], np.tanh, make, name="f")
    assert "shape" in capsys.readouterr().out
    assert not checks.check_function(lambda x: 1 / 0, np.tanh, make, name="f")
    assert "ZeroDivisionError" in capsys.readouterr().out
    assert not checks.check_function(None, np.tanh, make, name="f")
    assert "not yet" in capsys.readouterr().out
    assert not checks.check_function(lambda x: "tanh", np.tanh, make, name="f")  # text: a verdict
    assert "expected numbers" in capsys.readouterr().out


@pytest.mark.parametrize("kwargs, make, error, match", [
    ({"trials": 0}, lambda rng: (rng.normal(size=2),), ValueError, "needs edge cases or random trials"),
    ({"trials": "5"}, lambda rng: (rng.normal(size=2),), TypeError, "trials must be an integer"),
    ({}, lambda rng: rng.normal(size=2), TypeError, r"make_args must return a tuple.*\(x,\)"),
])
def test_check_function_refuses_a_check_that_cannot_check(kwargs, make, error, match):
    with pytest.raises(error, match=match):
        checks.check_function(np.tanh, np.tanh, make, **kwargs)


# --------------------------------------------------------------------------- the bad-inputs review
# A learner's wrong answer gets a ✗ verdict (never a traceback); an exercise author's bad argument
# raises at once, because no verdict printed over a broken check can be trusted.


def _make(rng):
    return (rng.normal(size=4),)


@pytest.mark.parametrize("call, says", [
    (lambda: checks.check_function(lambda x: x**2 + 5j, lambda x: x**2, _make), "complex numbers"),
    (lambda: checks.check_value(np.array([0.25 + 1j]), [0.25]), "complex numbers"),
    (lambda: checks.check_value(np.bool_(True), 1), "gave the bool True"),
    (lambda: checks.check_value(True, 1), "gave the bool True"),
    (lambda: checks.check_value("0.5", 0.5), "expected numbers"),
    (lambda: checks.check_value([[1, 2], [3]], [1, 2]), "expected numbers"),
    (lambda: checks.check_value(0.5 + 1e-3, 0.5), "is off: got 0.501, expected 0.5"),
    (lambda: checks.check_choice(np.array(["a"]), "a", ["a", "b"]), "pick one of"),
    (lambda: checks.check_choice(True, 1, [1, 2]), "pick one of"),
    (lambda: checks.check_model(np.zeros(3), np.zeros((2, 3))), "not a Keras model"),
    (lambda: checks.check_function(3, np.tanh, _make, name="f"), "not a function"),
])
def test_a_learners_mistake_gets_a_verdict(capsys, call, says):
    assert call() is False
    out = capsys.readouterr().out
    assert out.startswith("✗") and says in out


@pytest.mark.parametrize("call, error, match", [
    (lambda: checks.check_function(np.tanh, lambda x: None, _make), TypeError,
     "the reference returned None: the exercise's reference is broken"),
    (lambda: checks.check_function(np.tanh, np.tanh, _make, rtol="1e-6"), TypeError,
     "rtol must be a number"),
    (lambda: checks.check_function(np.tanh, np.tanh, _make, edges=[("x", 1)]), TypeError,
     "edges must be a list of"),
    (lambda: checks.check_function(np.tanh, np.tanh, _make, name=3), TypeError, "name must be a str"),
    (lambda: checks.check_function(np.tanh, np.tanh, _make, compare=lambda a, b: 1), TypeError,
     "compare must return None"),
    (lambda: checks.check_value(0.5 + 1e-9, 0.5, rtol=-1), ValueError, "rtol must be zero or pos"),
    (lambda: checks.check_value(0.5, 0.5, atol="0"), TypeError, "atol must be a number"),
    (lambda: checks.check_value(0.5, None), TypeError, "expected value returned None"),
    (lambda: checks.check_value(0.5, "0.5"), TypeError, "not numbers"),
    (lambda: checks.check_value(0.5, 0.5, hint=3), TypeError, "hint must be a string"),
    (lambda: checks.check_choice("a", "c", ["a", "b"]), ValueError, "'c' is not among the options"),
    (lambda: checks.check_choice("a", "a", None), TypeError, "options must be a list"),
    (lambda: checks.check_choice("a", "a", ["a"]), TypeError, "at least two choices"),
    (lambda: checks.check_choice("a", "a", ["a", "b"], explanations=["why"]), TypeError,
     "explanations must be a dict"),
    (lambda: checks.check_choice("a", "a", ["a", "b"], explanations={"z": "?"}), ValueError,
     "not among the options"),
    (lambda: checks.check_choice("a", "a", ["a", "b"], why_right=None), TypeError,
     "why_right must be a string"),
    (lambda: checks.check_model(None, np.zeros((2, 3)), output_shape=5), TypeError,
     "output_shape must be a list of ints"),
    (lambda: checks.check_model(None, np.zeros((2, 3)), n_params="17"), TypeError,
     "n_params must be an integer"),
    (lambda: checks.check_model(None, np.zeros((2, 3)), output_range=(1, 0)), ValueError,
     r"output_range\[1\] must be above 1"),
    (lambda: checks.check_model(None, np.zeros((2, 3)), output_range=0.5), TypeError,
     r"output_range must be \(low, high\)"),
    (lambda: checks.check_model(None, "x"), TypeError, "x must be an array of numbers"),
    (lambda: checks.check_model(None, np.zeros((2, 3)), changes_in_training=1), TypeError,
     "True or False"),
])
def test_an_authors_mistake_raises(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_a_blank_answer_is_not_yet(capsys):
    assert checks.check_value(None, 0.5) is False
    assert checks.check_choice(None, "a", ["a", "b"]) is False
    assert checks.check_model(None, np.zeros((2, 3))) is False
    out = capsys.readouterr().out
    assert out.count("… not yet") == 3
