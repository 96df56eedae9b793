"""Wrong answers to lesson 07's exercises (see README.md in this folder)."""

from wrong import Wrong

_SOLUTION_DICT = (
    'my_answers = {\n'
    '    "which of 10 digits is in the image": "multiclass",\n'
    '    "which of 20 topics a news article covers (any number of them)": "multilabel",\n'
    '    "the species of one bird in a photo, out of 200 species": "multiclass",\n'
    '    "whether a photo shows a car, a bus and/or a pedestrian": "multilabel",\n'
    '}\n')

WRONG = {
    "07.1": [
        Wrong("no maximum subtracted: exp(1000) overflows",
              "def log_softmax(z):\n    z = np.asarray(z, dtype=float)\n"
              "    return z - np.log(np.sum(np.exp(z), axis=-1, keepdims=True))",
              says="infinity"),
        Wrong("the row maxima without keepdims: they do not broadcast against the rows",
              "def log_softmax(z):\n    z = np.asarray(z, dtype=float)\n    m = np.max(z, axis=-1)\n"
              "    return z - m - np.log(np.sum(np.exp(z - m), axis=-1))",
              says="raised"),
        Wrong("the maximum over the whole batch instead of each row",
              "def log_softmax(z):\n    z = np.asarray(z, dtype=float)\n    m = np.max(z)\n"
              "    return z - m - np.log(np.sum(np.exp(z - m), axis=-1, keepdims=True))",
              says="scaled by 1000"),
    ],
    "07.2": [
        Wrong("several objects in one photo treated as one class",
              _SOLUTION_DICT.replace('pedestrian": "multilabel"', 'pedestrian": "multiclass"'),
              says="more than one answer can be yes"),
        Wrong("one bird out of 200 species treated as 200 yes/no labels",
              _SOLUTION_DICT.replace('200 species": "multiclass"', '200 species": "multilabel"'),
              says="exactly one class is right"),
    ],
    "07.3": [
        Wrong("ten sigmoids: the same shape and parameters, but rows that do not sum to 1 "
              "(review: accepted before)",
              "my_softmax_regression = keras.Sequential([keras.Input(shape=(64,)),\n"
              "                                          keras.layers.Dense(10, activation=\"sigmoid\")])",
              says="sum to"),
        Wrong("no activation: the layer outputs logits, not probabilities",
              "my_softmax_regression = keras.Sequential([keras.Input(shape=(64,)),\n"
              "                                          keras.layers.Dense(10)])",
              says="output activation"),
        Wrong("a hidden layer added: no longer softmax regression",
              "my_softmax_regression = keras.Sequential([keras.Input(shape=(64,)),\n"
              "    keras.layers.Dense(16, activation=\"relu\"), keras.layers.Dense(10, activation=\"softmax\")])",
              says="parameters"),
    ],
    "07.4": [
        Wrong("16, read off the cap -log(1e-7) = 16.1 instead of the logit where it starts",
              "my_first_capped_z = 16", says="1 / (2 + e^z)"),
        Wrong("20, the first confidently wrong row of section 3's table",
              "my_first_capped_z = 20", says="1 / (2 + e^z)"),
    ],
}
