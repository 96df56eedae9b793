"""Exercises of lesson 09 (layer types: dense and convolutional): references and expected answers.

- 09.1 ``conv2d_single(image, kernel)``: a valid 2-D convolution with loops, any kernel shape
  (square or not) and any image shape;
- 09.2 ``my_counts``: parameters and multiply-adds of a Conv2D layer and of a Dense layer with as
  many outputs, counted by hand (checked against the real Keras layers);
- 09.3 ``my_shift_answer``: an experiment, which network a one-pixel shift of the held-out images
  hurts less (read from the learner's own two accuracy losses).
"""

from __future__ import annotations

import numpy as np

from helpers.exercises import check_choice, check_function, exercise, not_yet


def _conv2d_single(image, kernel):
    win = np.lib.stride_tricks.sliding_window_view(np.asarray(image, float), np.shape(kernel))
    return np.einsum("ijpq,pq->ij", win, np.asarray(kernel, float))


def _image_kernel(rng):
    h, w = int(rng.integers(4, 10)), int(rng.integers(4, 10))
    kh, kw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    return rng.normal(size=(h, w)), rng.normal(size=(kh, kw))


@exercise("09.1", name="conv2d_single")
def _conv(answer):
    rng = np.random.default_rng(9)
    return check_function(
        answer, _conv2d_single, _image_kernel, name="conv2d_single", rtol=1e-9, trials=6,
        edges=[("a square 3x3 kernel on a 6x7 image", (rng.normal(size=(6, 7)), rng.normal(size=(3, 3)))),
               ("a kernel that is not square, 2x3 (kh != kw)",
                (rng.normal(size=(6, 7)), rng.normal(size=(2, 3)))),
               ("a 3x1 kernel on a 5x5 image", (rng.normal(size=(5, 5)), rng.normal(size=(3, 1)))),
               ("a kernel as large as the image (one output)",
                (rng.normal(size=(3, 4)), rng.normal(size=(3, 4))))])


def _expected_counts() -> dict:
    """Conv2D(8, 5) on 16x16x3 and Dense(12*12*8) on the flattened image, counted by Keras."""
    import keras

    conv = keras.Sequential([keras.Input((16, 16, 3)), keras.layers.Conv2D(8, 5)])
    dense = keras.Sequential([keras.Input((16 * 16 * 3,)), keras.layers.Dense(12 * 12 * 8)])
    h_out, w_out, filters = conv.output_shape[1:]
    return {"conv_params": conv.count_params(),
            "conv_macs": h_out * w_out * (5 * 5 * 3 * filters),   # units x inputs each unit sees
            "dense_params": dense.count_params(),
            "dense_macs": 16 * 16 * 3 * dense.output_shape[-1]}


HINTS = {"conv_params": "k_h k_w c_in F weights, plus one bias per filter",
         "conv_macs": "one multiply-add per weight of the kernel, at every output position "
                      "(12 x 12 with valid padding), for every filter",
         "dense_params": "n_in n_out weights plus one bias per unit",
         "dense_macs": "n_in n_out: every output unit reads every input once"}


@exercise("09.2", name="my_counts")
def _counts(answer):
    if answer is None:
        return not_yet("my_counts", "fill in the four counts")
    if not isinstance(answer, dict) or set(answer) != set(HINTS):
        print(f"✗ my_counts must be a dict with the keys {sorted(HINTS)}.")
        return False
    expected = _expected_counts()
    for key, want in expected.items():
        got = answer[key]
        if isinstance(got, bool) or not isinstance(got, int | float | np.integer | np.floating) \
                or got != want:
            print(f"✗ my_counts[{key!r}] is {got!r}, not the count of the real layer: {HINTS[key]}.")
            return False
    print("✓ my_counts: all four counts are right.")
    return True


SHIFT_OPTIONS = ["the dense net", "the CNN", "about the same"]


@exercise("09.3", name="my_shift_answer")
def _shift(answer, *, shift_loss):
    if answer is None:
        return not_yet("my_shift_answer", f"pick one of {SHIFT_OPTIONS}")
    if not isinstance(shift_loss, dict) or set(shift_loss) != {"dense", "cnn"}:
        return not_yet("shift_loss", 'run the experiment: {"dense": ..., "cnn": ...}')
    dense, cnn = float(shift_loss["dense"]), float(shift_loss["cnn"])
    correct = ("the CNN" if cnn < dense - 0.02 else "the dense net" if dense < cnn - 0.02
               else "about the same")
    seen = (f"your runs lost {dense:.3f} (dense net) and {cnn:.3f} (CNN) of accuracy to the "
            f"one-pixel shift")
    return check_choice(answer, correct, SHIFT_OPTIONS, name="my_shift_answer",
                        explanations={o: seen for o in SHIFT_OPTIONS}, why_right=f"({seen}.)")
