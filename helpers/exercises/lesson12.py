"""Exercises of lesson 12 (error analysis, targeted data, augmentation, synthesis).

- 12.1 ``my_error_share(y_true, y_pred, mask)``: the share of all errors that fall in a category;
- 12.2 ``my_choice``: the augmentation layer that breaks digit labels;
- 12.3 ``my_model``: a digits network with mild augmentation layers in front and a softmax output,
  checked by behaviour (augmentation layers have no weights, so a parameter count cannot see
  them): outputs that are probability rows, outputs that change in training mode and not at
  inference, and augmented digits that move about as far as the layers asked for;
- 12.4 ``my_effect``: an experiment, what three times the realistic elastic distortion does to the
  held-out accuracy with few labels (the check runs the experiment itself, at the lesson's seed).
"""

from __future__ import annotations

import numpy as np

from helpers import validate
from helpers.exercises import check_choice, check_function, check_model, exercise, not_yet

# ---------------------------------------------------------------------- 12.1


def _error_share(y_true, y_pred, mask):
    wrong = np.asarray(y_true) != np.asarray(y_pred)
    return np.sum(wrong & np.asarray(mask)) / np.sum(wrong)


def _labels_and_mask(rng):
    n = int(rng.integers(20, 300))
    y_true = rng.integers(0, 10, n)
    y_pred = np.where(rng.random(n) < 0.3, rng.integers(0, 10, n), y_true)
    y_pred[0] = (y_true[0] + 1) % 10                      # at least one error
    return y_true, y_pred, rng.random(n) < 0.4


def _edges_12_1():
    y = np.arange(10) % 10
    # every error is in the category, but the category also holds many right answers
    pred_all_in = y.copy()
    pred_all_in[[0, 1]] = [5, 6]
    mask_all_in = np.zeros(10, bool)
    mask_all_in[:6] = True
    # two errors among many examples, one of them in the category
    y_many = np.repeat(np.arange(10), 10)
    pred_many = y_many.copy()
    pred_many[[3, 50]] = [4, 9]
    mask_many = np.zeros(100, bool)
    mask_many[:5] = True
    return [("a category holding every error and many right answers too (the share is 1, "
             "whatever the category's error rate)", (y, pred_all_in, mask_all_in)),
            ("errors that are few among many examples (divide by the errors, not the examples)",
             (y_many, pred_many, mask_many)),
            ("a category holding no error", (y, pred_all_in, ~mask_all_in))]


@exercise("12.1", name="my_error_share")
def _share(answer):
    return check_function(answer, _error_share, _labels_and_mask, edges=_edges_12_1(),
                          name="my_error_share")


# ---------------------------------------------------------------------- 12.2

_LAYERS = ["RandomFlip", "RandomZoom", "RandomContrast"]


@exercise("12.2", name="my_choice")
def _choice(answer):
    return check_choice(
        answer, "RandomFlip", _LAYERS, name="my_choice",
        explanations={"RandomZoom": "a mild zoom keeps a 6 a 6; only the size changes",
                      "RandomContrast": "darker or lighter ink keeps every digit what it is"},
        why_right="A mirrored 2, 3, 4, 5, 7 or 9 is a shape no one writes, and a 6 upside down "
                  "reads as a 9.")


# ---------------------------------------------------------------------- 12.3

#: how much further than the asked-for layers an answer's augmentation may move the digits
_STRENGTH_TOLERANCE = 1.6


def _reference_augmentation():
    import keras

    return [keras.layers.RandomRotation(0.05, fill_mode="constant"),
            keras.layers.RandomTranslation(0.125, 0.125, interpolation="nearest",
                                           fill_mode="constant")]


def _movement(layers, images: np.ndarray, seed: int) -> float:
    """How far augmentation moves the ink: mean |augmented - original| / mean original ink."""
    import keras

    keras.utils.set_random_seed(seed)
    out = images
    for layer in layers:
        out = layer(out, training=True)
    out = keras.ops.convert_to_numpy(out)
    return float(np.abs(out - images).sum() / images.sum())


def _augmentation_part(model):
    """The layers before the first Flatten (or Dense), where augmentation belongs."""
    import keras

    part = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.Flatten | keras.layers.Dense):
            break
        part.append(layer)
    return part


@exercise("12.3", name="my_model")
def _model(answer, *, images):
    images = validate.array(images, "images", ndim=4, dtype=np.float32)[:300]
    try:
        validate.keras_model(answer, "my_model")
        is_model = True
    except TypeError:  # None or not a model: check_model says so
        is_model = False
    part = _augmentation_part(answer) if is_model else []
    reference = {type(layer).__name__: layer for layer in _reference_augmentation()}
    for layer in part:
        kind = type(layer).__name__
        if kind not in reference:
            continue
        try:
            moved = _movement([layer], images, seed=0)
        except Exception as err:  # the learner's layer: say what broke
            print(f"✗ my_model's {kind} layer failed on digits of shape {images.shape}: "
                  f"{type(err).__name__}: {err}")
            return False
        expected = _movement([reference[kind]], images, seed=0)
        if moved > _STRENGTH_TOLERANCE * expected:
            print(f"✗ my_model's {kind} moves the digits' ink {moved / expected:.1f} times as far "
                  f"as the asked-for {kind} does: its factor is too large (too strong an "
                  f"augmentation). RandomRotation's factor is a fraction of a full turn (0.05 is "
                  f"18 degrees), RandomTranslation's a fraction of the height and width (0.125 of "
                  f"8 pixels is 1 pixel).")
            return False
    return check_model(answer, images[:64], output_shape=[None, 10],
                       n_params=64 * 32 + 32 + 32 * 10 + 10, rows_sum_to_one=True,
                       changes_in_training=True, name="my_model")


# ---------------------------------------------------------------------- 12.4

_EFFECTS = ["raises it", "lowers it", "no clear change"]
#: the experiment of 12.4: three times the lesson's realistic elastic distortion
_STRONG = dict(shear=0.2, width=0.2, elastic=1.2)


def _strong_distortion_gain(seed: int, runs: int = 6, steps: int = 150, n_variants: int = 25):
    """Mean gain (and its standard error) of strongly distorted training digits, 5 per digit."""
    from helpers.augmentation import variants
    from helpers.data import digits_split, per_class_subset
    from helpers.runs import Runs

    split = digits_split(seed=seed, images=True)
    x, y = split.x_train[..., 0], split.y_train
    draws = [per_class_subset(y, 5, seed=seed + 100 + r) for r in range(runs)]
    xb = [np.broadcast_to(x[lab], (n_variants, 50, 8, 8)) for lab in draws]
    xb += [variants(x[lab], n_variants, seed=seed + r, **_STRONG) for r, lab in enumerate(draws)]
    yb = [np.tile(y[lab], (n_variants, 1)) for lab in draws] * 2
    members = Runs(2 * runs, hidden=32, learning_rate=0.01, seed=seed)
    members.train(np.stack(xb, axis=1), np.stack(yb, axis=1), steps=steps)
    held = np.ones((2 * runs, len(y)), bool)
    for r, lab in enumerate(draws):
        held[[r, runs + r], lab[:, None]] = False
    acc = members.accuracy(x.reshape(len(x), -1), y, mask=held).reshape(2, runs)
    d = acc[1] - acc[0]
    return float(d.mean()), float(d.std(ddof=1) / np.sqrt(runs))


@exercise("12.4", name="my_effect")
def _effect(answer, *, seed):
    if answer is None:
        return not_yet("my_effect", f"pick one of {_EFFECTS}")
    seed = validate.seed(seed)
    g, se = _strong_distortion_gain(seed)
    correct = "raises it" if g > 2 * se else "lowers it" if g < -2 * se else "no clear change"
    seen = (f"with elastic = 1.2 the runs with augmentation score {g:+.3f} against those "
            f"without (standard error {se:.3f})")
    return check_choice(answer, correct, _EFFECTS, name="my_effect",
                        explanations={o: seen for o in _EFFECTS},
                        why_right=seen + ": most variants no longer look like their digit.")
