"""Wrong answers to lesson 05's exercises (see README.md in this folder)."""

from wrong import Wrong

_OUTPUTS = (
    'my_outputs = {\n'
    '    "will this customer click the ad (yes or no)": "sigmoid",\n'
    '    "the number of visitors tomorrow": "relu",\n'
    '    "next month\'s change in the exchange rate": "linear",\n'
    '    "the age of a person in a photo": "relu",\n'
    '}\n')

WRONG = {
    "05.1": [
        Wrong("the constant alpha on the left instead of alpha * z",
              "def leaky_relu(z, alpha=0.1):\n    return np.where(z > 0, z, alpha)", says="negative inputs"),
        Wrong("a plain ReLU: the leaky side forgotten",
              "def leaky_relu(z, alpha=0.1):\n    return np.maximum(0, z)", says="negative inputs"),
    ],
    "05.2": [
        Wrong("z >= 0: slope 1 at z = 0, where the left slope is asked for (review: accepted before)",
              "def leaky_relu_prime(z, alpha=0.1):\n    return np.where(z >= 0, 1.0, alpha)",
              says="exactly 0"),
        Wrong("ReLU's derivative: slope 0 on the left",
              "def leaky_relu_prime(z, alpha=0.1):\n    return np.where(z > 0, 1.0, 0.0)",
              says="negative inputs"),
    ],
    "05.3": [
        Wrong("the shift not pushed through the layer: b kept as it was",
              "def fold_normalization(mean, variance, W, b):\n    std = np.sqrt(variance)\n"
              "    return W / std[:, None], b", says="b_folded is off"),
        Wrong("divided by the variance instead of its square root",
              "def fold_normalization(mean, variance, W, b):\n"
              "    return W / variance[:, None], b - (mean / variance) @ W", says="W_folded is off"),
        Wrong("the columns divided instead of the rows (fails when features and units differ)",
              "def fold_normalization(mean, variance, W, b):\n    std = np.sqrt(variance)\n"
              "    return W / std, b - (mean / std) @ W", says="raised"),
    ],
    "05.4": [
        Wrong("grows: the depth read the wrong way round",
              'my_depth_answer = "grows"', says="one hidden layer against"),
        Wrong("about the same, without comparing the two ratios",
              'my_depth_answer = "about the same"', says="one hidden layer against"),
    ],
    "05.5": [
        Wrong("a count given a linear output, which can go negative",
              _OUTPUTS.replace('visitors tomorrow": "relu"', 'visitors tomorrow": "linear"'),
              says="never does"),
        Wrong("a change of either sign given a ReLU output",
              _OUTPUTS.replace('exchange rate": "linear"', 'exchange rate": "relu"'),
              says="cannot go below zero"),
    ],
}
