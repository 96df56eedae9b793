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

__all__ = ["dense_network", "train_full_batch", "reset_model", "model_outputs", "accuracy",
           "side_by_side", "side_by_side_loss"]


def _check_activation(act, name: str) -> None:
    import keras

    if callable(act):
        return
    if not isinstance(act, str):
        raise TypeError(f"{name} must be a Keras activation name such as 'relu' or a function, "
                        f"got {validate.describe(act)}.")
    try:
        keras.activations.get(act)
    except ValueError:
        known = sorted(n for n in dir(keras.activations) if not n.startswith("_")
                       and n not in ("get", "serialize", "deserialize"))
        raise ValueError(f"{name}={act!r} is not a Keras activation; use one of {known}.") from None


def _check_normalizer(normalizer, n_in: int) -> None:
    """A Keras layer; a ``Normalization`` must be adapted (or given its mean) to ``n_in`` features."""
    import keras

    if not isinstance(normalizer, keras.layers.Layer):
        raise TypeError(f"normalizer must be a Keras layer (an adapted Normalization), got "
                        f"{validate.describe(normalizer)}.")
    if not isinstance(normalizer, keras.layers.Normalization):
        return
    if getattr(normalizer, "input_mean", None) is not None:
        mean = np.asarray(normalizer.input_mean)
    elif normalizer.built:
        mean = keras.ops.convert_to_numpy(normalizer.adapt_mean)
        variance = keras.ops.convert_to_numpy(normalizer.adapt_variance)
        if np.all(mean == 0) and np.all(variance == 1):
            mean = None  # the initial statistics: built, never adapted
    else:
        mean = None
    if mean is None:
        raise ValueError("normalizer is a Normalization layer that was never adapted: it would "
                         "pass the raw features through unchanged. Call normalizer.adapt(x_train) "
                         "first.")
    if mean.size not in (1, n_in):
        raise ValueError(f"normalizer was adapted on {mean.size} features, but the network takes "
                         f"n_in={n_in}; adapt it on the same columns the network gets.")


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
        _check_activation(act, name)
    if normalizer is not None:
        _check_normalizer(normalizer, n_in)
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
    _check_against_model(model, x, y)
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


def _is_sparse_loss(loss) -> bool:
    name = loss if isinstance(loss, str) else getattr(loss, "name", None) or \
        getattr(loss, "__name__", "") or type(loss).__name__
    return "sparse" in str(name).lower()


def _check_against_model(model, x, y) -> None:
    """x must fit the model's input; y its output (class indices for a sparse loss)."""
    validate.model_input(model, x)
    out = getattr(model, "output_shape", None)
    if not (isinstance(out, tuple) and len(out) == 2 and isinstance(out[1], int)):
        return
    units = out[1]
    if _is_sparse_loss(getattr(model, "loss", None)):
        validate.labels(y, "y", n_classes=units, length=len(x))  # whole indices 0..units-1
    elif y.ndim == 2 and y.shape[1] != units:
        raise ValueError(f"y has {y.shape[1]} columns but the model has {units} output(s); "
                         f"Keras would broadcast them and train on something else. Give y one "
                         f"column per output (class indices need a sparse loss).")


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
    validate.model_input(model, x)
    return keras.ops.convert_to_numpy(model(x, training=False))


def accuracy(model, x, y) -> float:
    """The share of examples whose largest output is their label: ``mean(argmax model(x) == y)``.

    The one accuracy of a classifier with one output per class (logits or softmax probabilities:
    the arg-max is the same), read at inference with :func:`model_outputs`. ``y`` holds class
    indices, one per row of ``x``. A model with a single output (a sigmoid for a yes/no task) has
    no arg-max to take: threshold its probability instead, ``(p >= 0.5) == y``.
    """
    out = model_outputs(model, x)
    if out.ndim != 2 or out.shape[1] < 2:
        raise ValueError(f"accuracy needs one output per class (shape (m, k) with k >= 2), the "
                         f"model gives shape {out.shape}; for a single yes/no output compare "
                         f"(p >= 0.5) with the labels instead.")
    y = validate.labels(y, "y", n_classes=out.shape[1], length=len(out))
    return float(np.mean(out.argmax(axis=1) == y))


def side_by_side(make_model, seeds):
    """One Keras model holding ``len(seeds)`` copies of ``make_model()``, side by side.

    Many small networks (one per data subsample, or per repeat of an experiment) train far faster
    in one model, one Keras call per step, than one after another: on small data the per-call
    overhead of Keras, not the arithmetic, is what costs. Copy ``r`` is built right after
    ``keras.utils.set_random_seed(seeds[r])``, so it starts from the weights a model built alone
    with that seed would have. The model takes ``x`` of shape ``(m, copies, *input_shape)``, copy
    ``r`` seeing only ``x[:, r]``, and returns ``(m, copies, *output_shape)``. Trained with
    :func:`side_by_side_loss`, each copy gets exactly the gradient it would get alone, and every
    optimiser of Keras updates each weight from its own gradient: each copy trains as it would
    alone (up to float round-off). Copy ``r`` is the layer named ``f"copy_{r}"``
    (``model.get_layer("copy_1")``), a model of its own.
    """
    import keras

    validate.function(make_model, "make_model")
    if isinstance(seeds, str | bytes) or np.ndim(seeds) != 1 or len(seeds) == 0:
        raise TypeError(f"seeds must be a non-empty list of integer seeds, one per copy, got "
                        f"{validate.describe(seeds)}.")
    seeds = [validate.seed(s, f"seeds[{i}]") for i, s in enumerate(seeds)]
    copies = []
    for r, s in enumerate(seeds):
        keras.utils.set_random_seed(s)
        copy = make_model()
        validate.keras_model(copy, "make_model()")
        if copies and copy.input_shape != copies[0].input_shape:
            raise ValueError("make_model() must build the same architecture every time.")
        copy.name = f"copy_{r}"             # names must be unique inside one model
        copies.append(copy)
    x = keras.Input((len(copies), *copies[0].input_shape[1:]))
    outputs = [copy(x[:, r]) for r, copy in enumerate(copies)]
    return keras.Model(x, keras.ops.stack(outputs, axis=1), name=f"{len(copies)}_copies")


def side_by_side_loss(loss, copies: int):
    """``loss`` summed over the copies of a :func:`side_by_side` model (each copy's own mean).

    A Keras loss averages over everything but its last axis, here the ``m`` examples *and* the
    copies; multiplying by ``copies`` gives the sum over copies of each copy's mean loss, so each
    copy's gradient is the one it would get alone (Adam, which divides by the gradient's size,
    would hide the factor; SGD would not).
    """
    validate.function(loss, "loss")
    copies = validate.integer(copies, "copies", minimum=1)

    def summed(y_true, y_pred):
        return copies * loss(y_true, y_pred)

    summed.__name__ = f"{getattr(loss, 'name', 'loss')}_summed_over_{copies}_copies"
    return summed
