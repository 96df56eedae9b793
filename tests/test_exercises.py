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
