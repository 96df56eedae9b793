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


# --------------------------------------------------------------------------- the bad-inputs review


def _adapted(n_features):
    norm = keras.layers.Normalization()
    norm.adapt(np.random.default_rng(0).normal(size=(20, n_features)).astype("float32"))
    return norm


def _classifier(n_classes=3, loss="sparse_categorical_crossentropy"):
    model = dense_network(2, [4], n_out=n_classes, out_activation="softmax", seed=0)
    model.compile(loss=loss, optimizer="sgd")
    return model


@pytest.mark.parametrize("call, error, match", [
    (lambda: dense_network(2, [4], activation="relux"), ValueError, "'relux' is not a Keras activ"),
    (lambda: dense_network(2, [4], out_activation="softmaxx"), ValueError, "out_activation"),
    (lambda: dense_network(2, [4], normalizer=keras.layers.Normalization()), ValueError,
     "never adapted"),
    (lambda: dense_network(2, [4], normalizer=_adapted(3)), ValueError, "adapted on 3 features"),
    (lambda: train_full_batch(_classifier(), np.zeros((5, 3)), np.zeros(5, int), 2), ValueError,
     r"x has shape \(5, 3\).*\(None, 2\)"),
    (lambda: train_full_batch(_classifier(), np.zeros((5, 2)), [0, 1, 2, 7, 0], 2), ValueError,
     "0..2, got 7"),
    (lambda: train_full_batch(_classifier(), np.zeros((4, 2)), [0, 0.5, 1.9, 1], 2), ValueError,
     "whole class indices"),
    (lambda: train_full_batch(_classifier(1, "mse"), np.zeros((20, 2)), np.zeros((20, 3)), 2),
     ValueError, "y has 3 columns but the model has 1 output"),
    (lambda: model_outputs(_classifier(), np.zeros((5, 3))), ValueError,
     r"x has shape \(5, 3\), but the model takes"),
])
def test_review_cases_are_clear_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_an_adapted_normalizer_and_a_sparse_loss_object_are_accepted():
    model = dense_network(2, [4], normalizer=_adapted(2), seed=0)
    assert model.count_params() > 0
    clf = _classifier(3, keras.losses.SparseCategoricalCrossentropy())
    with pytest.raises(ValueError, match="0..2"):
        train_full_batch(clf, np.zeros((2, 2)), [0, 3], 1)
    assert len(train_full_batch(clf, np.zeros((2, 2)), [0, 2], 2)) == 2



def test_accuracy_is_the_share_of_argmax_hits_and_refuses_single_outputs():
    from helpers.training import accuracy

    model = dense_network(2, [], n_out=3)
    model.set_weights([np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]), np.array([0.0, 0.0, 0.5])])
    x = np.array([[2.0, 0.0], [0.0, 2.0], [0.0, 0.0], [1.0, 0.0]])   # -> classes 0, 1, 2, 0
    assert accuracy(model, x, [0, 1, 2, 1]) == 0.75
    assert accuracy(model, x, np.array([0, 1, 2, 0])) == 1.0
    with pytest.raises(ValueError, match="0..2"):
        accuracy(model, x, [0, 1, 3, 0])
    with pytest.raises(ValueError):
        accuracy(model, x, [0, 1, 2])                                  # one label short
    with pytest.raises(ValueError, match="single yes/no output"):
        accuracy(dense_network(2, [], n_out=1), x, [0, 1, 0, 1])
    with pytest.raises(TypeError):
        accuracy("not a model", x, [0, 1, 2, 0])


def test_side_by_side_copies_train_as_they_would_alone():
    from helpers.training import side_by_side, side_by_side_loss

    def make():                      # a fixed name, as lessons give theirs
        return keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"),
                                 keras.layers.Dense(2)], name="net")

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(10, 3, 3)).astype("float32"), rng.integers(0, 2, size=(10, 3))
    scce = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    pop = side_by_side(make, [5, 6, 7])
    assert model_outputs(pop, x).shape == (10, 3, 2)
    keras.utils.set_random_seed(6)
    alone = make()
    copy_1 = pop.get_layer("copy_1")
    assert all(np.array_equal(a, b) for a, b in zip(alone.get_weights(), copy_1.get_weights(),
                                                    strict=True))
    train_full_batch(pop, x, y, 5, loss=side_by_side_loss(scce, 3),
                     optimizer=keras.optimizers.SGD(learning_rate=0.5))
    train_full_batch(alone, x[:, 1], y[:, 1], 5, loss=scce,
                     optimizer=keras.optimizers.SGD(learning_rate=0.5))
    for a, b in zip(alone.get_weights(), copy_1.get_weights(), strict=True):
        assert np.allclose(a, b, atol=1e-6)
    with pytest.raises(TypeError):
        side_by_side(make, 3)
    with pytest.raises(TypeError):
        side_by_side("make", [1])
    with pytest.raises(ValueError):
        side_by_side_loss(scce, 0)
