"""Transfer learning offline (lesson 13): a small letter-recognising CNN, shipped in ``data/``.

The "downloaded" model of lesson 13 is made by this project: :func:`pretrain_base` renders letters
A-Z and a-z with :func:`helpers.glyphs.render_glyphs` (8x8, values 0..1, like the digits of
:func:`helpers.data.digits_split`) and trains :func:`build_base` on them; ``make pretrained``
(``python -m tools.pretrain``) writes ``data/letters_cnn.keras`` and its checksum.
:func:`load_base` verifies the checksum, then loads it with ``safe_mode=True`` as a learner would
load a model from a hub.

The rest are the small pieces of the lesson's experiments (``helpers.data.per_class_subset`` draws
the n labelled images per class): :func:`transfer_model` (copy every layer but the output, add a
new output),
:func:`train_steps` (a fixed number of Adam steps, with the test accuracy along the way) and
:func:`steps_to_reach`.
"""

from __future__ import annotations

import numpy as np

from helpers import validate
from helpers.training import model_outputs

__all__ = [
    "LETTERS", "BASE_FILE", "BASE_NOTE", "FEATURES_LAYER", "letters_dataset", "build_base",
    "pretrain_base", "load_base", "transfer_model", "train_steps",
    "steps_to_reach", "conv_layer_names",
]

#: the 52 classes of the pre-training task
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
#: the shipped pretrained model and its note, in ``data/``
BASE_FILE = "letters_cnn.keras"
BASE_NOTE = "letters_cnn.md"
#: the name of the layer whose output the new output layer is put on
FEATURES_LAYER = "features"
#: the recipe ``make pretrained`` follows (and the note records)
RECIPE = {"n_per_class": 1200, "n_heldout_per_class": 100, "epochs": 8, "batch_size": 128,
          "learning_rate": 2e-3, "seed": 0}


def letters_dataset(n_per_class: int, *, seed: int, chars: str = LETTERS):
    """Rendered letters shaped like the digits' images: ``x`` (m, 8, 8, 1) float32 in [0, 1], ``y``."""
    from helpers.glyphs import render_glyphs

    n_per_class = validate.integer(n_per_class, "n_per_class", minimum=1)
    seed = validate.seed(seed)
    if not isinstance(chars, str):
        raise TypeError(f"chars must be a string of characters such as 'ABC', got "
                        f"{validate.describe(chars)}.")
    if len(chars) < 2:
        raise ValueError(f"chars must hold at least two characters (two classes), got {chars!r}.")
    x, y = render_glyphs(chars, n_per_class * len(chars), seed=seed, max_value=1.0)
    return x[..., None], y


def build_base(n_classes: int = len(LETTERS), *, seed: int = 0, input_size: int = 8):
    """The small CNN of lesson 13: three conv blocks, a flatten layer named ``features``, a softmax.

    Conv(32) - BN - ReLU, Conv(32) - BN - ReLU, max-pool, Conv(64) - BN - ReLU, max-pool, flatten
    (the features the new output layer reads), dropout, Dense(``n_classes``, softmax). Weights are
    initialised from ``seed``. Input: ``(input_size, input_size, 1)`` images with values in [0, 1].
    """
    import keras
    from keras import layers

    n_classes = validate.integer(n_classes, "n_classes", minimum=2)
    seed = validate.seed(seed)
    input_size = validate.integer(input_size, "input_size", minimum=4, maximum=64)
    init = keras.initializers.GlorotUniform

    def block(x, filters, index, pool):
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"conv{index}",
                          kernel_initializer=init(seed + index))(x)
        # momentum 0.9 (Keras: 0.99): the moving statistics settle within the ~200 steps of a
        # from-scratch run, so a scratch model is judged fairly at inference
        x = layers.BatchNormalization(momentum=0.9, name=f"bn{index}")(x)
        x = layers.ReLU(name=f"relu{index}")(x)
        return layers.MaxPooling2D(2, name=f"pool{index}")(x) if pool else x

    inputs = keras.Input((input_size, input_size, 1), name="image")
    x = block(inputs, 32, 1, pool=False)
    x = block(x, 32, 2, pool=True)
    x = block(x, 64, 3, pool=True)
    x = layers.Flatten(name=FEATURES_LAYER)(x)
    x = layers.Dropout(0.3, name="dropout", seed=seed)(x)
    outputs = layers.Dense(n_classes, activation="softmax", name="output",
                           kernel_initializer=init(seed + 9))(x)
    return keras.Model(inputs, outputs, name="letters_cnn")


def conv_layer_names(model) -> list[str]:
    """The names of ``model``'s convolutional layers, bottom first."""
    model = validate.keras_model(model)
    return [layer.name for layer in _layers(model) if layer.__class__.__name__ == "Conv2D"]


def _layers(model):
    out = []
    for layer in model.layers:
        out.extend(_layers(layer) if hasattr(layer, "layers") else [layer])
    return out


def pretrain_base(path, *, n_per_class: int = RECIPE["n_per_class"],
                  n_heldout_per_class: int = RECIPE["n_heldout_per_class"],
                  epochs: int = RECIPE["epochs"], batch_size: int = RECIPE["batch_size"],
                  learning_rate: float = RECIPE["learning_rate"], seed: int = RECIPE["seed"],
                  verbose: bool = False) -> dict:
    """Render letters, train :func:`build_base` on them, save it to ``path``; return a report dict.

    The held-out letters are rendered with another seed (other fonts, angles, strokes), so their
    accuracy measures what the base learned, not what it memorised.
    """
    import time

    import keras

    path = validate.path(path, "path")
    if path.suffix != ".keras":
        raise ValueError(f"path must end in .keras (Keras's own format), got {path.name}.")
    n_per_class = validate.integer(n_per_class, "n_per_class", minimum=10)
    n_heldout_per_class = validate.integer(n_heldout_per_class, "n_heldout_per_class", minimum=1)
    epochs = validate.integer(epochs, "epochs", minimum=1)
    batch_size = validate.integer(batch_size, "batch_size", minimum=1)
    learning_rate = validate.number(learning_rate, "learning_rate", positive=True)
    seed = validate.seed(seed)
    verbose = validate.boolean(verbose, "verbose")

    start = time.perf_counter()
    x, y = letters_dataset(n_per_class, seed=seed)
    x_held, y_held = letters_dataset(n_heldout_per_class, seed=seed + 1)
    render_s = time.perf_counter() - start

    keras.utils.set_random_seed(seed)
    model = build_base(len(LETTERS), seed=seed)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    start = time.perf_counter()
    history = model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=2 if verbose else 0,
                        validation_data=(x_held, y_held))
    train_s = time.perf_counter() - start
    _, held_acc = model.evaluate(x_held, y_held, verbose=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    shipped = keras.models.clone_model(model)  # uncompiled copy: no optimizer state in the file
    shipped.set_weights(model.get_weights())
    shipped.save(path)
    return {
        "file": path.name, "bytes": path.stat().st_size, "parameters": int(model.count_params()),
        "classes": LETTERS, "train_images": int(len(y)), "heldout_images": int(len(y_held)),
        "heldout_accuracy": round(float(held_acc), 4),
        "train_accuracy_last_epoch": round(float(history.history["accuracy"][-1]), 4),
        "epochs": epochs, "batch_size": batch_size, "learning_rate": learning_rate, "seed": seed,
        "render_seconds": round(render_s, 1), "train_seconds": round(train_s, 1),
        "keras": keras.__version__,
    }


def load_base(data_dir=None):
    """Load the shipped base from ``data/`` after checking its SHA-256 against the manifest.

    Loaded with ``safe_mode=True``: a file that asks to run code (a ``Lambda`` layer) is refused.
    """
    import keras

    from helpers.data import DATA_DIR, load_data_file

    data_dir = DATA_DIR if data_dir is None else validate.path(data_dir, "data_dir", kind="dir")
    load_data_file(BASE_FILE, data_dir)  # raises if missing, unlisted or altered
    return keras.models.load_model(data_dir / BASE_FILE, safe_mode=True)


def transfer_model(base, n_classes: int = 10, *, pretrained: bool = True, freeze: int | str = 0,
                   seed: int = 0):
    """Copy every layer of ``base`` but its output and put a new ``n_classes`` softmax on top.

    ``pretrained=False`` gives the same architecture with fresh random weights (from scratch).
    ``freeze``: ``"all"`` freezes every copied layer (option 1); an integer k freezes the bottom k
    convolutional blocks (0: fine-tune everything, option 2). The copied layers are called with
    ``training=False`` when pretrained, so batch normalisation keeps the statistics it learned on
    the letters even while its weights are fine-tuned (the recipe Keras recommends). The model is
    returned uncompiled: compile it after choosing what is trainable.
    """
    import keras
    from keras import layers

    base = validate.keras_model(base, "base")
    n_classes = validate.integer(n_classes, "n_classes", minimum=2)
    pretrained = validate.boolean(pretrained, "pretrained")
    seed = validate.seed(seed)
    convs = conv_layer_names(base)
    if freeze != "all":
        if isinstance(freeze, str):
            raise ValueError(f"freeze must be 'all' or a number of blocks 0..{len(convs)}, got "
                             f"{freeze!r}.")
        freeze = validate.integer(freeze, "freeze", minimum=0, maximum=len(convs))
    names = [layer.name for layer in base.layers]
    if FEATURES_LAYER not in names:
        raise ValueError(f"base has no layer named {FEATURES_LAYER!r} (its layers: {names}); "
                         "pass a model made by build_base or load_base.")
    input_size = base.input_shape[1]
    if pretrained:
        body = keras.models.clone_model(base)
        body.set_weights(base.get_weights())
    else:
        body = build_base(base.output_shape[-1], seed=seed + 1000, input_size=input_size)
    extractor = keras.Model(body.input, body.get_layer(FEATURES_LAYER).output, name="copied")
    if freeze == "all":
        extractor.trainable = False
    else:
        frozen_blocks = {str(i + 1) for i in range(freeze)}
        for layer in extractor.layers:
            if layer.name[-1:] in frozen_blocks and layer.name[:-1] in ("conv", "bn"):
                layer.trainable = False
    inputs = keras.Input((input_size, input_size, 1), name="image")
    x = extractor(inputs, training=False) if pretrained else extractor(inputs)
    outputs = layers.Dense(n_classes, activation="softmax", name="new_output",
                           kernel_initializer=keras.initializers.GlorotUniform(seed))(x)
    return keras.Model(inputs, outputs, name="transfer" if pretrained else "scratch")


def train_steps(model, x, y, *, steps: int, learning_rate: float, seed: int,
                batch_size: int = 32, x_test=None, y_test=None, eval_every: int = 0) -> dict:
    """Compile ``model`` with Adam and take exactly ``steps`` mini-batch steps on ``(x, y)``.

    The learning rate starts at ``learning_rate`` and decays to 0 along a cosine over the steps.

    Batches are drawn from reshuffled passes over the data (``seed``); with fewer examples than
    ``batch_size`` every step is full-batch. With ``eval_every > 0`` the test accuracy is measured
    every ``eval_every`` steps. Returns ``{"test_accuracy", "curve_steps", "curve_accuracy"}``.
    """
    import keras

    model = validate.keras_model(model)
    steps = validate.integer(steps, "steps", minimum=1)
    learning_rate = validate.number(learning_rate, "learning_rate", positive=True)
    seed = validate.seed(seed)
    batch_size = validate.integer(batch_size, "batch_size", minimum=1)
    eval_every = validate.integer(eval_every, "eval_every", minimum=0)
    n_classes = _n_outputs(model)
    x = validate.array(x, "x", ndim=(2, 4), dtype=np.float32)
    validate.model_input(model, x)
    y = validate.labels(y, "y", n_classes=n_classes, length=len(x))
    if x_test is None or y_test is None:
        raise TypeError("train_steps needs x_test and y_test (arrays) to report the test "
                        "accuracy.")
    x_test = validate.array(x_test, "x_test", ndim=x.ndim, dtype=np.float32)
    validate.model_input(model, x_test, "x_test")
    y_test = validate.labels(y_test, "y_test", n_classes=n_classes, length=len(x_test))

    batch = min(batch_size, len(x))
    rng = np.random.default_rng(seed)
    passes = -(-steps * batch // len(x))
    order = np.concatenate([rng.permutation(len(x)) for _ in range(passes)])[:steps * batch]
    # the rate decays to 0 along a cosine over the run, so every run ends calmly and its final
    # accuracy does not hang on the last few large steps; jit_compile=False: compiling with XLA
    # costs more than it saves on a few hundred steps
    schedule = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=steps)
    model.compile(optimizer=keras.optimizers.Adam(schedule),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"], jit_compile=False)
    chunk = eval_every if eval_every else steps
    curve_steps, curve_acc = [], []
    done = 0
    while done < steps:
        take = min(chunk, steps - done)
        idx = order[done * batch:(done + take) * batch]
        model.fit(x[idx], y[idx], batch_size=batch, epochs=1, shuffle=False, verbose=0)
        done += take
        if eval_every:
            curve_steps.append(done)
            curve_acc.append(_accuracy(model, x_test, y_test))
    final = curve_acc[-1] if eval_every else _accuracy(model, x_test, y_test)
    return {"test_accuracy": final, "curve_steps": np.array(curve_steps, dtype=np.int64),
            "curve_accuracy": np.array(curve_acc)}


def _n_outputs(model) -> int | None:
    shape = getattr(model, "output_shape", None)
    return shape[-1] if isinstance(shape, tuple) and isinstance(shape[-1], int) else None


def _accuracy(model, x, y) -> float:
    return float(np.mean(np.argmax(model_outputs(model, x), axis=1) == y))


def steps_to_reach(curve_steps, curve_accuracy, target: float):
    """The smallest step count at which ``curve_accuracy`` reaches ``target``; ``None`` if none does.

    Accuracies and ``target`` are fractions (0.95, not 95); the steps need not be sorted.
    """
    curve_steps = validate.array(curve_steps, "curve_steps", ndim=1)
    curve_accuracy = validate.array(curve_accuracy, "curve_accuracy", ndim=1)
    validate.same_length("curve_steps", curve_steps, "curve_accuracy", curve_accuracy)
    if curve_accuracy.min() < 0 or curve_accuracy.max() > 1:
        raise ValueError(f"curve_accuracy must hold fractions in [0, 1], got values from "
                         f"{curve_accuracy.min():.3g} to {curve_accuracy.max():.3g}; divide "
                         f"percentages by 100.")
    target = validate.number(target, "target")
    if not 0 <= target <= 1:
        hint = f"; for {target:g}% pass {target / 100:g}" if 1 < target <= 100 else ""
        raise ValueError(f"target must be an accuracy between 0 and 1, like the curve, got "
                         f"{target:g}{hint}.")
    hit = curve_accuracy >= target
    return int(curve_steps[hit].min()) if hit.any() else None
