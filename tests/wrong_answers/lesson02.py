"""Wrong answers to lesson 02's exercises (see README.md in this folder)."""

from wrong import Wrong

WRONG = {
    "02.1": [
        Wrong("g is ignored and the sigmoid hard-coded (review: accepted before)",
              "def my_dense(A_in, W, b, g):\n    return 1 / (1 + np.exp(-(A_in @ W + b)))",
              says="relu"),
        Wrong("the bias is forgotten",
              "def my_dense(A_in, W, b, g):\n    return g(A_in @ W)", says="is off"),
    ],
    "02.2": [
        Wrong("the biases are not counted", "my_count = 100 * 50 + 50 * 20 + 20 * 1",
              says="n_in * n_units + n_units"),
        Wrong("only the first layer is counted", "my_count = 100 * 50 + 50",
              says="three layers"),
    ],
    "02.3": [
        Wrong("W1 rebuilt with s = 100 but b1 left at the lesson's steepness",
              "s100 = 100.0\n"
              "W1s = np.array([[-s100 / 10, 0.0, s100 * 3 / 85], [0.0, -s100, s100]])\n"
              "a2s = numpy_nn.sequential(X_coffee, [(W1s, b1, 'sigmoid'), (W2, b2, 'sigmoid')])\n"
              "my_accuracy_steep = float(np.mean((a2s.ravel() >= 0.5) == y_coffee))",
              says="both use s"),
        Wrong("the lesson's own accuracy, with the steepness unchanged",
              "my_accuracy_steep = float(acc_two_layers)", says="s = 100"),
    ],
}
