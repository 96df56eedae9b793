"""Wrong answers to lesson 06's exercises (see README.md in this folder)."""

from wrong import Wrong

WRONG = {
    "06.1": [
        Wrong("Z >= 0: slope 1 at Z = 0, where TensorFlow uses 0 (review: accepted before)",
              "def relu_backward(dA, Z):\n    return dA * (Z >= 0)", says="exactly 0"),
        Wrong("the mask alone: the incoming gradient dA is not multiplied in",
              "def relu_backward(dA, Z):\n    return (Z > 0).astype(float)", says="no Z exactly 0"),
        Wrong("the ReLU applied to dA instead of masking by Z",
              "def relu_backward(dA, Z):\n    return np.maximum(dA, 0)", says="no Z exactly 0"),
    ],
    "06.2": [
        Wrong("dJ/dw without the factor x of the node c = w x",
              "my_gradient = [4.0, 4.0]", says="dJ/dw = dJ/dc * x"),
        Wrong("the sign of d turned round (d = y - a)",
              "my_gradient = [-8.0, -4.0]", says="d = a - y"),
    ],
    "06.3": [
        Wrong("1 - Z^2 instead of 1 - tanh(Z)^2",
              "def tanh_backward(dA, Z):\n    return dA * (1 - Z ** 2)", says="|Z| up to about 5"),
        Wrong("the square in the wrong place: (1 - tanh(Z))^2",
              "def tanh_backward(dA, Z):\n    return dA * (1 - np.tanh(Z)) ** 2", says="random values"),
    ],
    "06.4": [
        Wrong("the smallest h, as if smaller were always more exact",
              "my_best_h = 1e-8", says="round-off"),
        Wrong("the largest h",
              "my_best_h = 1e-2", says="truncation"),
    ],
}
