"""helpers.evaluation: data with known noise, errors, diagnosis, Keras learning curves, the plot."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from helpers import evaluation as ev

# --------------------------------------------------------------------------- data


def test_noisy_regression_is_deterministic_and_has_the_stated_noise():
    x1, y1 = ev.noisy_regression(5000, noise_std=0.3, seed=3)
    x2, y2 = ev.noisy_regression(5000, noise_std=0.3, seed=3)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)
    assert x1.shape == (5000, 1) and y1.shape == (5000,)
    assert x1.min() >= -1 and x1.max() <= 1
    noise = y1 - ev.true_function(x1)
    # the irreducible error is noise_std**2: the sample variance of 5000 draws is within 5% of it
    assert abs(np.mean(noise**2) / 0.09 - 1) < 0.05
    _, y3 = ev.noisy_regression(5000, noise_std=0.3, seed=4)
    assert not np.allclose(y1, y3)


def test_noise_free_data_equal_the_true_function_and_features_add_terms():
    x, y = ev.noisy_regression(50, n_features=4, noise_std=0.0, seed=0)
    np.testing.assert_allclose(y, ev.true_function(x))
    expected = (np.sin(2.5 * x[:, 0]) + 0.5 * np.cos(6 * x[:, 0]) + x[:, 1] * x[:, 2]
                + 0.5 * np.cos(3 * x[:, 3]))
    np.testing.assert_allclose(y, expected)
    # a 1-D input is one feature; a second feature alone adds nothing
    np.testing.assert_allclose(ev.true_function(x[:, 0]), ev.true_function(x[:, :2]))


@pytest.mark.parametrize("kwargs, error", [
    ({"n": 0}, ValueError), ({"n": 10.0}, TypeError), ({"n": "10"}, TypeError),
    ({"n_features": 0}, ValueError), ({"noise_std": -0.1}, ValueError),
    ({"noise_std": "0.3"}, TypeError), ({"seed": -1}, ValueError), ({"seed": 1.5}, TypeError),
    ({"noise_std": float("nan")}, ValueError),
])
def test_noisy_regression_rejects_bad_inputs(kwargs, error):
    with pytest.raises(error):
        ev.noisy_regression(**{"n": 10, **kwargs})


@pytest.mark.parametrize("x, error", [(np.zeros((2, 2, 2)), ValueError), ([[np.nan]], ValueError),
                                      ("abc", TypeError), (None, TypeError)])
def test_true_function_rejects_bad_inputs(x, error):
    with pytest.raises(error):
        ev.true_function(x)


# --------------------------------------------------------------------------- errors and diagnosis


def test_classification_error_counts_mistakes():
    assert ev.classification_error([0, 1, 2, 2], [0, 1, 1, 0]) == 0.5
    assert ev.classification_error(np.array([1, 1]), np.array([1.0, 1.0])) == 0.0


@pytest.mark.parametrize("y_true, y_pred, error", [
    ([0, 1, 1], [0, 1], ValueError),            # lengths differ
    ([0, 1], [0.2, 0.9], ValueError),           # probabilities, not classes
    ([0, -1], [0, 1], ValueError),              # negative label
    ([[1, 0], [0, 1]], [0, 1], ValueError),     # one-hot rows
    (["a", "b"], [0, 1], TypeError),
    ([], [], ValueError),
])
def test_classification_error_rejects_bad_inputs(y_true, y_pred, error):
    with pytest.raises(error):
        ev.classification_error(y_true, y_pred)


@pytest.mark.parametrize("j_train, j_cv, verdict", [
    (10.8, 14.8, "high variance"), (15.0, 15.5, "high bias"),
    (15.0, 19.7, "high bias and high variance"), (10.7, 11.0, "neither"),
])
def test_diagnose_reads_the_course_examples_against_the_baseline(j_train, j_cv, verdict):
    assert ev.diagnose(j_train, j_cv, 10.6, tolerance=1.0) == verdict
    assert verdict in ev.DIAGNOSES


def test_diagnose_depends_on_the_baseline_not_on_zero():
    # 15% training error is high bias against a 10.6% baseline, fine against a 14.8% one
    assert ev.diagnose(15.0, 15.5, 10.6, tolerance=1.0) == "high bias"
    assert ev.diagnose(15.0, 15.5, 14.8, tolerance=1.0) == "neither"


@pytest.mark.parametrize("args, kwargs, error", [
    ((1.0, 2.0, 0.5), {"tolerance": 0.0}, ValueError),
    ((1.0, 2.0, 0.5), {"tolerance": -1}, ValueError),
    ((-1.0, 2.0, 0.5), {"tolerance": 0.1}, ValueError),
    (("1", 2.0, 0.5), {"tolerance": 0.1}, TypeError),
    ((1.0, None, 0.5), {"tolerance": 0.1}, TypeError),
    ((1.0, 2.0, float("inf")), {"tolerance": 0.1}, ValueError),
])
def test_diagnose_rejects_bad_inputs(args, kwargs, error):
    with pytest.raises(error):
        ev.diagnose(*args, **kwargs)


def test_diagnose_needs_a_tolerance():
    with pytest.raises(TypeError):
        ev.diagnose(1.0, 2.0, 0.5)


# --------------------------------------------------------------------------- Keras


@pytest.fixture(scope="module")
def keras():
    import helpers

    helpers.setup(0, quiet=True)
    import keras

    return keras


def _linear_model(keras, seed, lr=0.1):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss="mse")
    return model


def test_keras_learning_curve_returns_one_row_per_run(keras):
    x, y = ev.noisy_regression(120, noise_std=0.1, seed=0)
    x_cv, y_cv = ev.noisy_regression(50, noise_std=0.1, seed=1)
    curve = ev.keras_learning_curve(lambda s: _linear_model(keras, s), x, y, x_cv, y_cv,
                                    [10, 40], steps=30, resamples=2, seed=3)
    assert list(curve.columns) == ["m", "resample", "j_train", "j_cv", "seconds"]
    assert curve["m"].tolist() == [10, 10, 40, 40]
    assert (curve[["j_train", "j_cv", "seconds"]] >= 0).all().all()
    # errors are mean squared errors of the predictions: a straight line cannot go below the noise
    assert curve["j_cv"].min() > 0.01
    again = ev.keras_learning_curve(lambda s: _linear_model(keras, s), x, y, x_cv, y_cv,
                                    [10, 40], steps=30, resamples=2, seed=3)
    np.testing.assert_allclose(curve["j_cv"], again["j_cv"], rtol=1e-5)
    summary = ev.summarise_curve(curve)
    assert list(summary.index) == [10, 40]
    assert list(summary.columns) == ["j_train", "j_train_std", "j_cv", "j_cv_std"]
    np.testing.assert_allclose(summary.loc[10, "j_cv"], curve["j_cv"][:2].mean())


def test_keras_learning_curve_classification_error(keras):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 2)).astype("float32")
    y = (x[:, 0] > 0).astype(int)

    def make(s):
        keras.utils.set_random_seed(s)
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
        model.compile(optimizer=keras.optimizers.Adam(0.1), loss="sparse_categorical_crossentropy")
        return model

    curve = ev.keras_learning_curve(make, x, y, x, y, [30], steps=50, resamples=1,
                                    error="classification")
    assert 0 <= curve["j_train"][0] <= 0.1 and 0 <= curve["j_cv"][0] <= 0.1


@pytest.mark.parametrize("change, error", [
    ({"make_model": "not a function"}, TypeError),
    ({"sizes": []}, TypeError),
    ({"sizes": "10"}, TypeError),
    ({"sizes": [0]}, ValueError),
    ({"sizes": [500]}, ValueError),              # more than the rows there are
    ({"sizes": [5.5]}, TypeError),
    ({"steps": 0}, ValueError),
    ({"resamples": 0}, ValueError),
    ({"error": "mae"}, ValueError),
    ({"x_cv": np.zeros((5, 2))}, ValueError),    # another number of features
    ({"y": np.zeros(7)}, ValueError),            # lengths differ
    ({"seed": -2}, ValueError),
])
def test_keras_learning_curve_rejects_bad_inputs(change, error):
    x, y = np.zeros((20, 1)), np.zeros(20)
    args = {"make_model": lambda s: None, "x": x, "y": y, "x_cv": x, "y_cv": y, "sizes": [5],
            "steps": 2, "resamples": 1, "error": "mse", "seed": 0}
    args.update(change)
    with pytest.raises(error):
        ev.keras_learning_curve(args.pop("make_model"), args.pop("x"), args.pop("y"),
                                args.pop("x_cv"), args.pop("y_cv"), args.pop("sizes"), **args)


@pytest.mark.parametrize("curve, error", [
    ({"m": [1]}, TypeError),
    (pd.DataFrame({"m": [1], "j_train": [0.1]}), ValueError),
    (pd.DataFrame({"m": [], "j_train": [], "j_cv": []}), ValueError),
])
def test_summarise_curve_rejects_bad_inputs(curve, error):
    with pytest.raises(error):
        ev.summarise_curve(curve)


# --------------------------------------------------------------------------- the bad-inputs review


def test_summarise_curve_refuses_text_and_missing_runs():
    import pandas as pd

    text = pd.DataFrame({"m": [10, 10], "j_train": [0.1, 0.2], "j_cv": ["0.3", "0.4"]})
    with pytest.raises(TypeError, match=r"curve\['j_cv'\] must be an array of numbers"):
        ev.summarise_curve(text)
    nan_run = pd.DataFrame({"m": [10, 10], "j_train": [0.1, 0.2], "j_cv": [0.2, np.nan]})
    with pytest.raises(ValueError, match=r"curve\['j_cv'\] holds 1 NaN.*diverged"):
        ev.summarise_curve(nan_run)


def test_side_by_side_learning_curves_train_each_copy_as_alone(keras):
    from helpers.training import model_outputs, train_full_batch

    x, y = ev.noisy_regression(120, noise_std=0.1, seed=0)
    x_cv, y_cv = ev.noisy_regression(50, noise_std=0.1, seed=1)

    def line():
        return keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])

    def penalised():
        return keras.Sequential([keras.Input((1,)), keras.layers.Dense(
            1, kernel_regularizer=keras.regularizers.L2(0.5))])

    rows = ev.side_by_side_learning_curves({"line": line, "penalised": penalised}, x, y, x_cv, y_cv,
                                           [20, 60], steps=40, resamples=2, learning_rate=0.05,
                                           seed=3)
    assert len(rows) == 2 * 2 * 2 and set(rows["model"]) == {"line", "penalised"}
    assert list(rows.columns) == ["model", "m", "resample", "j_train", "j_cv", "seconds"]
    # the first copy of size 20 is the line on the first draw: train it alone and compare
    draw = np.random.default_rng(3).choice(len(x), size=20, replace=False)
    keras.utils.set_random_seed(3 + 20)
    alone = line()
    alone.compile(optimizer=keras.optimizers.Adam(learning_rate=0.05), loss="mse")
    train_full_batch(alone, x[draw], y[draw], 40)
    first = rows.iloc[0]
    np.testing.assert_allclose(first["j_cv"], np.mean((model_outputs(alone, x_cv)[:, 0] - y_cv) ** 2),
                               rtol=1e-4)
    # the penalty is each copy's own: it pulls the penalised line's slope down
    j = rows.groupby("model")["j_train"].mean()
    assert j["penalised"] > j["line"]
    again = ev.side_by_side_learning_curves({"line": line, "penalised": penalised}, x, y, x_cv, y_cv,
                                            [20, 60], steps=40, resamples=2, learning_rate=0.05,
                                            seed=3)
    np.testing.assert_allclose(rows["j_cv"], again["j_cv"], rtol=1e-5)


@pytest.mark.parametrize("change, error", [
    ({"makers": {}}, TypeError), ({"makers": {"a": 3}}, TypeError), ({"sizes": []}, TypeError),
    ({"sizes": [500]}, ValueError), ({"steps": 0}, ValueError), ({"learning_rate": 0}, ValueError),
    ({"x": np.zeros((120, 1, 1))}, ValueError),
])
def test_side_by_side_learning_curves_refuse_bad_arguments(change, error):
    x, y = ev.noisy_regression(120, noise_std=0.1, seed=0)
    args = {"makers": {"a": lambda: None}, "x": x, "y": y, "x_cv": x[:10], "y_cv": y[:10],
            "sizes": [10], "steps": 2} | change
    with pytest.raises(error):
        ev.side_by_side_learning_curves(args.pop("makers"), args.pop("x"), args.pop("y"),
                                        args.pop("x_cv"), args.pop("y_cv"), args.pop("sizes"),
                                        **args)
