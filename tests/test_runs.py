"""helpers.runs: many runs of the digits network side by side, each on its own batches."""

import numpy as np
import pytest

from helpers.runs import Runs


def _batches(rng, k=3, runs=4, batch=20, n_features=64):
    return (rng.random((k, runs, batch, n_features)).astype(np.float32),
            rng.integers(0, 10, (k, runs, batch)))


def test_runs_are_independent_and_deterministic():
    rng = np.random.default_rng(0)
    x, y = _batches(rng)
    together = Runs(4, seed=1).train(x, y, steps=10)
    again = Runs(4, seed=1).train(x, y, steps=10)
    for a, b in zip(together.params, again.params, strict=True):
        np.testing.assert_array_equal(a, b)
    # run 2 trained alone, from its own initial weights, on its own batches, takes the same steps
    alone = Runs(1, seed=1)
    alone.params = [p[2:3].copy() for p in Runs(4, seed=1).params]
    alone.train(x[:, 2:3], y[:, 2:3], steps=10)
    for a, b in zip(alone.params, together.params, strict=True):
        np.testing.assert_allclose(a[0], b[2], rtol=1e-5, atol=1e-6)
    assert together.steps == 10 and together.params[0].dtype == np.float32


def test_training_learns_and_accuracy_takes_a_mask():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(100, 64)).astype(np.float32)
    y = (x[:, 0] > 0).astype(int) + 2 * (x[:, 1] > 0)
    runs = Runs(3, hidden=16, learning_rate=0.02, seed=0)
    runs.train(np.broadcast_to(x, (1, 3, 100, 64)), np.broadcast_to(y, (1, 3, 100)), steps=200)
    assert (runs.accuracy(x, y) > 0.95).all()
    mask = np.zeros((3, 100), bool)
    mask[:, :10] = True
    np.testing.assert_allclose(runs.accuracy(x, y, mask=mask),
                               (runs.predict(x)[:, :10] == y[:10]).mean(axis=1))
    assert runs.logits(x).shape == (3, 100, 10)


@pytest.mark.parametrize("make, error", [
    (lambda r: r.train(np.zeros((2, 3, 5, 64)), np.zeros((2, 3, 5), int), steps=1), ValueError),
    (lambda r: r.train(np.zeros((2, 4, 5, 63)), np.zeros((2, 4, 5), int), steps=1), ValueError),
    (lambda r: r.train(np.zeros((2, 4, 5, 64)), np.zeros((2, 4, 6), int), steps=1), ValueError),
    (lambda r: r.train(np.zeros((2, 4, 5, 64)), np.full((2, 4, 5), 10), steps=1), ValueError),
    (lambda r: r.train(np.zeros((4, 5, 64)), np.zeros((4, 5), int), steps=1), ValueError),
    (lambda r: r.train(np.zeros((1, 4, 5, 64)), np.zeros((1, 4, 5), int), steps=0), ValueError),
    (lambda r: r.accuracy(np.zeros((5, 64)), np.zeros(5, int), mask=np.ones((4, 5))), TypeError),
    (lambda r: r.accuracy(np.zeros((5, 64)), np.zeros(5, int), mask=np.zeros((4, 5), bool)),
     ValueError),
    (lambda r: r.keras_model(4), ValueError),
])
def test_bad_arguments_are_refused(make, error):
    with pytest.raises(error):
        make(Runs(4, seed=0))


def test_bad_settings_are_refused():
    with pytest.raises(ValueError):
        Runs(0)
    with pytest.raises(ValueError):
        Runs(2, learning_rate=0)
    with pytest.raises(TypeError):
        Runs(2, hidden=3.5)


def test_a_run_takes_the_steps_keras_takes():
    import helpers

    helpers.setup(0, quiet=True)
    import keras

    rng = np.random.default_rng(2)
    x, y = _batches(rng, k=4, runs=2, batch=30)
    runs = Runs(2, hidden=16, learning_rate=0.01, seed=3)
    model = runs.keras_model(1)                     # run 1's initial weights, as a Keras model
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    runs.train(x, y, steps=12)
    for s in range(12):
        model.train_on_batch(x[s % 4, 1], y[s % 4, 1])
    mine = [p[1] for p in runs.params]
    theirs = model.get_weights()
    for a, b in zip([mine[0], mine[1][0], mine[2], mine[3][0]], theirs, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(runs.logits(x[0, 1])[1], keras.ops.convert_to_numpy(
        model(x[0, 1], training=False)), rtol=1e-4, atol=1e-4)
