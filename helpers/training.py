"""Keras training pieces that several lessons share: build, train full-batch, reset, read outputs.

Lessons 04 and 05 write these steps in the open first (``compile`` + ``fit``, a model builder);
later lessons (05, 08, 09, ...) import them from here so that each piece exists once::

    from helpers.training import dense_network, train_full_batch, reset_model

    model = dense_network(64, [32, 32], activation="relu", n_out=10, out_activation="softmax",
                          seed=seed)
    losses = train_full_batch(model, x, y, epochs=200, loss="sparse_categorical_crossentropy",
                              optimizer=keras.optimizers.SGD(learning_rate=0.5), target_loss=0.5)
    reset_model(model, seed=seed)        # fresh weights and a fresh optimizer: train again

Keras (and TensorFlow) are imported inside the functions, so ``helpers.setup`` can pin threads
before TensorFlow starts. Everything here uses backend-neutral Keras APIs only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from helpers import validate

__all__ = ["dense_network", "train_full_batch", "reset_model", "model_outputs"]


def dense_network(n_in: int, hidden: Sequence[int], *, activation="relu", n_out: int = 1,
                  out_activation="linear", normalizer=None, seed: int | None = None):
    """``Input(n_in) -> [normalizer] -> Dense(u, activation) for u in hidden -> Dense(n_out)``.

    ``hidden`` is a list of hidden-layer widths (``[]`` gives a single layer of ``n_out`` neurons,
    i.e. linear or logistic regression). ``normalizer`` is an already adapted
    ``keras.layers.Normalization`` (or any layer) placed right after the input, so the model takes
    raw features. With ``seed``, Keras's global seed is set first, so the same seed gives the same
    initial weights whatever the activations (the weight shapes do not depend on them).
    """
    import keras

    n_in = validate.integer(n_in, "n_in", minimum=1)
    n_out = validate.integer(n_out, "n_out", minimum=1)
    if isinstance(hidden, str | bytes) or not isinstance(hidden, Sequence | np.ndarray):
        raise TypeError(f"hidden must be a list of layer widths such as [16, 16] ([] for none), "
                        f"got {validate.describe(hidden)}.")
    hidden = [validate.integer(u, f"hidden[{i}]", minimum=1) for i, u in enumerate(hidden)]
    for name, act in (("activation", activation), ("out_activation", out_activation)):
        if not (isinstance(act, str) or callable(act)):
            raise TypeError(f"{name} must be a Keras activation name such as 'relu' or a "
                            f"function, got {validate.describe(act)}.")
    if normalizer is not None and not isinstance(normalizer, keras.layers.Layer):
        raise TypeError(f"normalizer must be a Keras layer (an adapted Normalization), got "
                        f"{validate.describe(normalizer)}.")
    if seed is not None:
        keras.utils.set_random_seed(validate.seed(seed))
    layers = [keras.Input((n_in,))]
    if normalizer is not None:
        layers.append(normalizer)
    layers += [keras.layers.Dense(u, activation=activation) for u in hidden]
    layers.append(keras.layers.Dense(n_out, activation=out_activation))
    return keras.Sequential(layers)


def train_full_batch(model, x, y, epochs: int, *, loss=None, optimizer=None,
                     target_loss: float | None = None) -> np.ndarray:
    """Full-batch training: one gradient step on all of ``(x, y)`` per epoch.

    The same steps as ``model.fit(x, y, epochs=epochs, batch_size=len(x), shuffle=False)``, without
    ``fit``'s per-epoch bookkeeping (tens of milliseconds an epoch, which dominates on small data):
    each epoch is one ``model.train_on_batch`` call. Give ``loss`` and ``optimizer`` to compile the
    model here (a fresh optimizer), or compile it yourself first. Returns the loss of each epoch,
    measured on the forward pass before its step (as ``fit``'s history). With ``target_loss``,
    training stops at the first epoch whose loss is below it; that epoch is the last one returned,
    so ``len(losses)`` is the number of epochs it took.
    """
    model = validate.keras_model(model)
    epochs = validate.integer(epochs, "epochs", minimum=1)
    if target_loss is not None:
        target_loss = validate.number(target_loss, "target_loss", positive=True)
    x = validate.array(x, "x", min_ndim=2, dtype=np.float32)
    y = validate.array(y, "y", dtype=None)
    validate.same_length("x", x, "y", y)
    if (loss is None) != (optimizer is None):
        raise ValueError("train_full_batch: give both loss and optimizer (to compile here) or "
                         "neither (the model is already compiled).")
    if loss is not None:
        model.compile(loss=loss, optimizer=optimizer)
    elif not getattr(model, "compiled", False):
        raise ValueError("train_full_batch: the model is not compiled; call model.compile(loss=..., "
                         "optimizer=...) first or pass loss= and optimizer=.")
    if y.dtype.kind == "f":
        y = y.astype(np.float32)
    losses = []
    for _ in range(epochs):
        out = model.train_on_batch(x, y)
        value = float(out[0] if isinstance(out, list | tuple) else out)
        if not np.isfinite(value):
            raise FloatingPointError(f"train_full_batch: the loss became {value} at epoch "
                                     f"{len(losses) + 1}; the learning rate is probably too large.")
        losses.append(value)
        if target_loss is not None and value < target_loss:
            break
    return np.array(losses)


def reset_model(model, seed: int | None = None):
    """Give ``model`` fresh initial weights and, if compiled, a fresh optimizer (state zeroed).

    Weights are redrawn from each layer's own initializers (with ``seed``, Keras's global seed is
    set first, so the same seed gives the same weights as a model built with it). Layers without
    trainable weights keep their state, so an adapted ``Normalization`` layer keeps its mean and
    variance. The optimizer's state is zeroed in place (its step counter, Adam's moments, SGD's
    momentum; its learning rate is kept), so training restarts from step 0 without recompiling,
    which would retrace the training function (about 0.1 s a call). Returns the model.
    """
    import keras

    model = validate.keras_model(model)
    if seed is not None:
        keras.utils.set_random_seed(validate.seed(seed))
    fresh = keras.models.clone_model(model)
    for old, new in zip(model.layers, fresh.layers, strict=True):
        if old.trainable_weights:                      # Dense, Conv, BatchNorm (+ moving stats)
            for v_old, v_new in zip(old.weights, new.weights, strict=True):
                v_old.assign(v_new)
    optimizer = getattr(model, "optimizer", None) if getattr(model, "compiled", False) else None
    if optimizer is not None:
        for variable in optimizer.variables:
            if variable.name != "learning_rate":  # iterations and slots; keep the step size
                variable.assign(keras.ops.zeros(variable.shape, variable.dtype))
    return model


def model_outputs(model, x) -> np.ndarray:
    """``model(x, training=False)`` as a NumPy array, via ``keras.ops.convert_to_numpy``.

    The one way the helpers read a Keras model's outputs. For one small batch this is quicker
    than ``model.predict``, which builds a new prediction function for every model it sees.
    ``x`` is cast to float32, Keras's default float type; dropout and augmentation layers are
    off, batch normalisation uses its moving statistics (inference).
    """
    import keras

    model = validate.keras_model(model)
    x = validate.array(x, "x", min_ndim=2, dtype=np.float32)
    return keras.ops.convert_to_numpy(model(x, training=False))
