"""helpers.training: building, training full-batch, resetting and reading Keras models."""

import numpy as np
import pytest

import helpers

helpers.setup(0, quiet=True)

import keras  # noqa: E402  (after setup, which pins TensorFlow's threads)

from helpers.training import dense_network, model_outputs, reset_model, train_full_batch  # noqa: E402

# --------------------------------------------------------------------------- helpers.training


def _data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, size=(n, 1)).astype("float32")
    return x, x**2


def test_dense_network_shapes_and_seeded_weights():
    a = dense_network(3, [5, 4], activation="sigmoid", n_out=2, out_activation="softmax", seed=7)
    b = dense_network(3, [5, 4], activation="relu", n_out=2, out_activation="softmax", seed=7)
    assert a.count_params() == (3 * 5 + 5) + (5 * 4 + 4) + (4 * 2 + 2)
    assert all(np.array_equal(u, v) for u, v in zip(a.get_weights(), b.get_weights(), strict=True))
    out = model_outputs(a, np.zeros((6, 3)))
    assert out.shape == (6, 2) and np.allclose(out.sum(axis=1), 1, atol=1e-6)
    assert dense_network(2, [], n_out=1).count_params() == 3        # one neuron
    c = dense_network(3, [5], seed=8)
    assert not np.array_equal(a.get_weights()[0], c.get_weights()[0])


def test_train_full_batch_equals_fit_and_stops_at_target():
    x, y = _data()
    ref = dense_network(1, [8], seed=1)
    ref.compile(loss="mse", optimizer=keras.optimizers.Adam(0.01))
    fit_losses = ref.fit(x, y, epochs=5, batch_size=len(x), shuffle=False, verbose=0).history["loss"]
    ours = train_full_batch(dense_network(1, [8], seed=1), x, y, 5, loss="mse",
                            optimizer=keras.optimizers.Adam(0.01))
    np.testing.assert_allclose(ours, fit_losses, rtol=1e-5)
    model = dense_network(1, [8], seed=1)
    long = train_full_batch(model, x, y, 2000, loss="mse", optimizer=keras.optimizers.Adam(0.05),
                            target_loss=0.5)
    assert long[-1] < 0.5 and np.all(long[:-1] >= 0.5) and len(long) < 2000
    # an already compiled model trains without loss/optimizer, continuing where it was
    more = train_full_batch(model, x, y, 3)
    assert len(more) == 3 and more[0] < long[0]


def test_reset_model_restores_fresh_weights_and_optimizer_but_keeps_normalization():
    x, y = _data()
    norm = keras.layers.Normalization()
    norm.adapt(x)
    model = dense_network(1, [8], normalizer=norm, seed=3)
    start = [w.copy() for w in model.get_weights()]
    first = train_full_batch(model, x, y, 20, loss="mse", optimizer=keras.optimizers.Adam(0.05))
    assert not np.allclose(model.layers[1].get_weights()[0], start[3])    # it trained
    reset_model(model, seed=3)
    assert all(np.array_equal(u, v) for u, v in zip(model.get_weights(), start, strict=True))
    assert int(model.optimizer.iterations) == 0
    again = train_full_batch(model, x, y, 20)
    np.testing.assert_allclose(again, first, rtol=1e-5)      # same start, fresh Adam: same path
    np.testing.assert_allclose(keras.ops.convert_to_numpy(norm.mean).ravel(), x.mean(), rtol=1e-5)


def test_train_full_batch_reports_divergence():
    x, y = _data()
    with pytest.raises(FloatingPointError, match="learning rate"):
        train_full_batch(dense_network(1, [8], seed=0), x, y * 1e3, 200, loss="mse",
                         optimizer=keras.optimizers.SGD(10.0))


@pytest.mark.parametrize("call, error, match", [
    (lambda m, x, y: dense_network("3", [4]), TypeError, "n_in"),
    (lambda m, x, y: dense_network(3, 4), TypeError, "list of layer widths"),
    (lambda m, x, y: dense_network(3, "16"), TypeError, "list of layer widths"),
    (lambda m, x, y: dense_network(3, [4, 0]), ValueError, "hidden"),
    (lambda m, x, y: dense_network(3, [4], activation=None), TypeError, "activation"),
    (lambda m, x, y: dense_network(3, [4], seed="42"), TypeError, "seed"),
    (lambda m, x, y: dense_network(3, [4], normalizer="norm"), TypeError, "normalizer"),
    (lambda m, x, y: train_full_batch("model", x, y, 5), TypeError, "Keras model"),
    (lambda m, x, y: train_full_batch(m, x, y, 0, loss="mse", optimizer="sgd"), ValueError,
     "epochs"),
    (lambda m, x, y: train_full_batch(m, x, y, 5.0, loss="mse", optimizer="sgd"), TypeError,
     "epochs"),
    (lambda m, x, y: train_full_batch(m, x, y[:10], 5, loss="mse", optimizer="sgd"), ValueError,
     "one row per example"),
    (lambda m, x, y: train_full_batch(m, x[:, 0], y, 5, loss="mse", optimizer="sgd"), ValueError,
     "axes"),
    (lambda m, x, y: train_full_batch(m, x, y, 5, loss="mse"), ValueError, "both"),
    (lambda m, x, y: train_full_batch(m, x, y, 5), ValueError, "not compiled"),
    (lambda m, x, y: train_full_batch(m, x, y, 5, loss="mse", optimizer="sgd", target_loss=-1),
     ValueError, "target_loss"),
    (lambda m, x, y: train_full_batch(m, np.full_like(x, np.nan), y, 5, loss="mse",
                                      optimizer="sgd"), ValueError, "NaN"),
    (lambda m, x, y: reset_model(None), TypeError, "Keras model"),
    (lambda m, x, y: reset_model(m, seed=-1), ValueError, "seed"),
    (lambda m, x, y: model_outputs(m, [["a"]]), TypeError, "numbers"),
])
def test_training_helpers_reject_bad_inputs(call, error, match):
    x, y = _data(16)
    model = dense_network(1, [4], seed=0)
    with pytest.raises(error, match=match):
        call(model, x, y)
