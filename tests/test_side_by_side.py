"""helpers.side_by_side: several Keras models trained as one wide model, each as it would be alone."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from helpers.side_by_side import SideBySide, batch_order  # noqa: E402


def small_model(seed, name):
    init = keras.initializers.GlorotUniform(seed)
    inputs = keras.Input((6,))
    hidden = keras.layers.Dense(5, activation="relu", kernel_initializer=init, name="hidden")(inputs)
    outputs = keras.layers.Dense(3, activation="softmax", kernel_initializer=init, name="out")(hidden)
    return keras.Model(inputs, outputs, name=name)


def data(seed, n=40):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6)).astype("float32")
    return x, (x[:, :3].argmax(axis=1)).astype(int)


def alone(model, x, y, steps, batch, lr, seed):
    """The same training, one model at a time: Keras's own Adam and CosineDecay."""
    order = batch_order(len(x), steps, batch, seed)
    model.compile(optimizer=keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(lr, steps)),
                  loss="sparse_categorical_crossentropy")
    model.fit(x[order], y[order], batch_size=min(batch, len(x)), epochs=1, shuffle=False, verbose=0)
    return model.get_weights()


def test_batch_order_reshuffles_every_pass():
    order = batch_order(10, 7, 4, seed=0)
    assert len(order) == 28 and sorted(order[:10]) == list(range(10))
    assert (np.sort(batch_order(3, 5, 8, seed=0).reshape(5, 3), axis=1) == np.arange(3)).all()  # full batch
    assert np.array_equal(order, batch_order(10, 7, 4, seed=0))


def test_members_train_as_they_would_alone():
    (xa, ya), (xb, yb) = data(1), data(2)
    a, b = small_model(0, "a"), small_model(1, "b")
    start = [a.get_weights(), b.get_weights()]
    sbs = SideBySide([a, b])
    sbs.train([{"x": xa, "y": ya, "seed": 3, "learning_rate": 0.05},
               {"x": xb, "y": yb, "seed": 4, "learning_rate": 0.01}], steps=12, batch_size=16)
    together = [a.get_weights(), b.get_weights()]
    ref_a, ref_b = small_model(0, "ra"), small_model(1, "rb")
    ref_a.set_weights(start[0])
    ref_b.set_weights(start[1])
    for got, want in zip(together, [alone(ref_a, xa, ya, 12, 16, 0.05, 3),
                                    alone(ref_b, xb, yb, 12, 16, 0.01, 4)], strict=True):
        for g, w in zip(got, want, strict=True):
            assert np.allclose(g, w, atol=1e-5)
    # a second run reuses the model: fresh Adam, new weights, another number of steps
    curve = sbs.train([{"x": xa, "y": ya, "seed": 5, "learning_rate": {"hidden": 0.0, "*": 0.05},
                        "weights": start[0]},
                       {"x": xb, "y": yb, "seed": 6, "learning_rate": 0.0, "weights": start[1]}],
                      steps=6, batch_size=16, x_eval=xa, y_eval=ya, eval_every=3)
    assert curve.shape == (2, 2) and ((0 <= curve) & (curve <= 1)).all()
    assert np.array_equal(a.get_layer("hidden").get_weights()[0], start[0][0])    # frozen layer
    assert not np.array_equal(a.get_layer("out").get_weights()[0], start[0][2])  # trained layer
    assert all(np.array_equal(g, w) for g, w in zip(b.get_weights(), start[1], strict=True))
    assert sbs.accuracy(xa, ya).shape == (2,) and sbs.outputs([xa, xb]).shape == (40, 2, 3)


@pytest.mark.parametrize("change, error, match", [
    (lambda r: r[0].update(x=r[0]["x"][:8], y=r[0]["y"][:8]), ValueError, "batches differ"),
    (lambda r: r[0].pop("seed"), ValueError, "lacks"),
    (lambda r: r[1].update(learning_rate=-0.1), ValueError, "learning_rate"),
    (lambda r: r[1].update(learning_rate={"hiden": 0.1}), ValueError, "hiden"),
    (lambda r: r[0].update(x=r[0]["x"][:, :4]), ValueError, "shape"),
    (lambda r: r[0].update(weights=[np.zeros(3)]), ValueError, "do not fit"),
    (lambda r: r.pop(), TypeError, "one per member"),
])
def test_bad_runs_are_refused_before_training(change, error, match):
    (xa, ya), (xb, yb) = data(1), data(2)
    a, b = small_model(0, "c"), small_model(1, "d")
    before = a.get_weights()
    sbs = SideBySide([a, b])
    runs = [{"x": xa, "y": ya, "seed": 0, "learning_rate": 0.01},
            {"x": xb, "y": yb, "seed": 1, "learning_rate": 0.01}]
    change(runs)
    with pytest.raises(error, match=match):
        sbs.train(runs, steps=3, batch_size=16)
    assert all(np.array_equal(g, w) for g, w in zip(a.get_weights(), before, strict=True))


def test_models_must_be_distinct_keras_models_of_one_width():
    a = small_model(0, "e")
    with pytest.raises(TypeError, match="Keras model"):
        SideBySide([a, "b"])
    with pytest.raises(ValueError, match="twice"):
        SideBySide([a, a])
    wide = keras.Sequential([keras.Input((6,)), keras.layers.Dense(4, activation="softmax")])
    with pytest.raises(ValueError, match="output classes"):
        SideBySide([a, wide])
    with pytest.raises(TypeError, match="non-empty list"):
        SideBySide([])
