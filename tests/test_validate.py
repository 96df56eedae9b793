"""helpers.validate: the one place input checks live; every message says what came and what to do."""

import numpy as np
import pytest

from helpers import validate


@pytest.mark.parametrize("call, error, match", [
    (lambda: validate.seed("42"), TypeError, "Write it without quotes"),
    (lambda: validate.seed(2**32), ValueError, "2\\*\\*32 - 1"),
    (lambda: validate.seed(True), TypeError, "integer"),
    (lambda: validate.integer(3.0, "n"), TypeError, "Use 3 instead"),
    (lambda: validate.integer(0, "n", minimum=1), ValueError, "at least 1"),
    (lambda: validate.number("0.1", "lr"), TypeError, "without quotes"),
    (lambda: validate.number(None, "lr"), TypeError, "must be a number"),
    (lambda: validate.number(float("nan"), "lr"), ValueError, "finite"),
    (lambda: validate.number(0, "lr", positive=True), ValueError, "positive"),
    (lambda: validate.number(1.0, "beta", minimum=0, below=1), ValueError, "below 1"),
    (lambda: validate.number(0.0, "x", above=0), ValueError, "above 0"),
    (lambda: validate.fraction(1.0, "f"), ValueError, "strictly between"),
    (lambda: validate.boolean("False", "flag"), TypeError, "True or False"),
    (lambda: validate.choice("elu", "activation", ["relu", "tanh"]), ValueError, "one of"),
    (lambda: validate.function(3, "f"), TypeError, "must be a function"),
    (lambda: validate.array(None, "X"), TypeError, "got None"),
    (lambda: validate.array([[1, 2], [3]], "X"), TypeError, "array of numbers"),
    (lambda: validate.array(["a"], "X"), TypeError, "array of numbers"),
    (lambda: validate.array(np.ones(3), "X", ndim=2), ValueError, "must be 2-D"),
    (lambda: validate.array(np.ones((3, 5)), "X", shape=(None, 4)), ValueError, "\\(any, 4\\)"),
    (lambda: validate.array([], "X"), ValueError, "is empty"),
    (lambda: validate.array([np.nan], "g", hint="lower the learning rate"), ValueError,
     "lower the learning rate"),
    (lambda: validate.labels([0.5, 1.0], "y"), ValueError, "threshold probabilities"),
    (lambda: validate.labels(np.eye(3), "y"), ValueError, "argmax"),
    (lambda: validate.labels([0, -1], "y"), ValueError, "non-negative"),
    (lambda: validate.labels([0, 3], "y", n_classes=3), ValueError, "0..2"),
    (lambda: validate.labels([0, 1], "y", length=3), ValueError, "3 examples"),
    (lambda: validate.same_length("X", [1, 2], "y", [1]), ValueError, "one row per example"),
    (lambda: validate.probabilities([0.2, 1.2], "p"), ValueError, "softmax/sigmoid"),
    (lambda: validate.probabilities([[0.2, 0.2]], "p", axis=1), ValueError, "sum to 1"),
])
def test_bad_inputs_get_clear_messages(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_good_inputs_come_back_normalised():
    assert validate.seed(np.int64(7)) == 7 and type(validate.seed(np.int64(7))) is int
    assert validate.number(np.float32(0.5), "lr") == 0.5
    assert validate.integer(np.int32(3), "n") == 3
    assert validate.labels([1.0, 0.0]).dtype == np.int64
    assert validate.labels(np.array([[1], [0]])).tolist() == [1, 0]
    assert validate.array([[1, 2]], "X", shape=(None, 2)).dtype == np.float64
    assert validate.function(len, "f") is len
    assert validate.array([np.inf], "x", finite=False)[0] == np.inf
