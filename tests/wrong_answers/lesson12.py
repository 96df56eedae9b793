"""Wrong answers to lesson 12's exercises (see README.md in this folder)."""

from wrong import Wrong

_MODEL = ("my_model = keras.Sequential([\n    keras.Input((8, 8, 1)),\n{aug}"
          "    keras.layers.Flatten(),\n    keras.layers.Dense(32, activation=\"relu\"),\n"
          "    keras.layers.Dense(10, activation=\"{out}\"),\n])")
_ROTATION = "    keras.layers.RandomRotation({f}, fill_mode=\"constant\"),\n"
_TRANSLATION = ("    keras.layers.RandomTranslation({f}, {f}, interpolation=\"nearest\", "
                "fill_mode=\"constant\"),\n")

WRONG = {
    "12.1": [
        Wrong("divides by the size of the category: that is the category's error rate",
              "def my_error_share(y_true, y_pred, mask):\n    wrong = y_true != y_pred\n"
              "    return np.sum(wrong & mask) / np.sum(mask)",
              says="every error"),
        Wrong("divides by the number of examples: the share of all examples that are errors in "
              "the category",
              "def my_error_share(y_true, y_pred, mask):\n    wrong = y_true != y_pred\n"
              "    return np.sum(wrong & mask) / len(y_true)",
              says="every error"),
    ],
    "12.2": [
        Wrong("a zoom changes only the size", 'my_choice = "RandomZoom"', says="size"),
        Wrong("contrast changes only the ink's darkness", 'my_choice = "RandomContrast"',
              says="darker or lighter"),
    ],
    "12.3": [
        Wrong("both augmentation layers left out: no weights, so the parameter count is the same "
              "(review: accepted before)",
              _MODEL.format(aug="", out="softmax"), says="same output in training mode"),
        Wrong("a sigmoid output: rows do not sum to 1 (review: accepted before)",
              _MODEL.format(aug=_ROTATION.format(f=0.05) + _TRANSLATION.format(f=0.125),
                            out="sigmoid"),
              says="sum to"),
        Wrong("RandomRotation(0.5): half a turn each way, a 6 becomes a 9 (review: accepted before)",
              _MODEL.format(aug=_ROTATION.format(f=0.5) + _TRANSLATION.format(f=0.125),
                            out="softmax"),
              says="too strong"),
        Wrong("RandomTranslation(0.5, 0.5): four pixels of eight (review: accepted before)",
              _MODEL.format(aug=_ROTATION.format(f=0.05) + _TRANSLATION.format(f=0.5),
                            out="softmax"),
              says="too strong"),
    ],
    "12.4": [
        Wrong("more distortion, more variety, more accuracy", 'my_effect = "raises it"',
              says="elastic = 1.2"),
        Wrong("the distortion is random, so its effect averages out", 'my_effect = "no clear change"',
              says="elastic = 1.2"),
    ],
}
