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


# --------------------------------------------------------------------------- the bad-inputs review


@pytest.mark.parametrize("call, error, match", [
    (lambda: validate.choice(np.array(["a", "b"]), "kind", ["a", "b"]), TypeError, "one of"),
    (lambda: validate.choice(True, "n", [1, 2]), ValueError, "one of"),       # True is not 1
    (lambda: validate.array(["1", "2"], "X"), TypeError, "strings"),
    (lambda: validate.array(np.array([1 + 2j]), "X"), TypeError, "complex"),
    (lambda: validate.array(np.array([1, None], dtype=object), "X"), TypeError, "objects"),
    (lambda: validate.array("12", "X"), TypeError, "the string '12'"),
    (lambda: validate.labels([1e20]), ValueError, "small whole numbers"),
    (lambda: validate.labels(np.array([2**63], dtype=np.uint64)), ValueError, "small whole"),
    (lambda: validate.labels([0, 3], n_classes=0), ValueError, "n_classes must be at least 1"),
    (lambda: validate.labels([0, 1], n_classes="2"), TypeError, "n_classes must be an integer"),
    (lambda: validate.labels([0, 1], length="2"), TypeError, "length must be an integer"),
    (lambda: validate.same_length("a", 5, "b", [1]), TypeError, "a must be an array with one row"),
    (lambda: validate.same_length("a", [1], "b", "xy"), TypeError, "b must be an array"),
    (lambda: validate.probabilities([[0.5, 0.5]], "p", axis=2), ValueError, "axis must be at most 1"),
    (lambda: validate.probabilities([[0.5, 0.5]], "p", axis="1"), TypeError, "axis must be an int"),
    (lambda: validate.probabilities([[0.5, 0.4]], "p", axis=1, hint="try this"), ValueError,
     "row 0 sums to 0.9.*try this"),
    (lambda: validate.function(None, "f", hint="it takes x"), TypeError, "got None.*it takes x"),
    (lambda: validate.keras_model(np.zeros(3)), TypeError, "must be a Keras model"),
    (lambda: validate.keras_model(None, "base"), TypeError, "base must be a Keras model"),
    (lambda: validate.path(123, "data_dir"), TypeError, "data_dir must be a path"),
    (lambda: validate.path("", "data_dir"), TypeError, "must be a path"),
    (lambda: validate.path("/nonexistent/x", "data_dir", kind="dir"), ValueError,
     "existing folder.*does not exist"),
    (lambda: validate.path(__file__, "data_dir", kind="dir"), ValueError, r"\(a file\)"),
    (lambda: validate.path("/nonexistent/x", "f", kind="file"), ValueError, "existing file"),
])
def test_review_cases_are_clear_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_validate_keeps_what_it_accepts():
    assert validate.choice(1, "n", [1, 2]) == 1 and validate.choice("a", "k", ("a",)) == "a"
    x = np.ones(3)
    assert validate.array(x, "x") is x                       # no copy when nothing changes
    assert validate.array([True, False], "x").tolist() == [1.0, 0.0]
    assert validate.path("data", "d").name == "data"
    assert validate.labels(np.array([3], dtype=np.uint64)).tolist() == [3]


def test_keras_model_and_compiled():
    keras = pytest.importorskip("keras")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    assert validate.keras_model(model) is model
    with pytest.raises(ValueError, match="model is not compiled"):
        validate.keras_model(model, compiled=True)
    model.compile(loss="mse", optimizer="sgd")
    assert validate.keras_model(model, compiled=True) is model
    with pytest.raises(TypeError, match="Keras model"):
        validate.keras_model(keras.layers.Dense(1))
