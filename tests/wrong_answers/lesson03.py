"""Wrong answers to lesson 03's exercises (see README.md in this folder)."""

from wrong import Wrong

WRONG = {
    "03.1": [
        Wrong("no transpose: with a square W_rows it runs and mixes the units up",
              "def dense_rows(A_in, W_rows, b):\n    return g(A_in @ W_rows + b)", says="square"),
        Wrong("the bias is forgotten",
              "def dense_rows(A_in, W_rows, b):\n    return g(A_in @ W_rows.T)", says="is off"),
    ],
    "03.2": [
        Wrong("one output column, copied from predict_loop: a wider last layer fails "
              "(review: accepted before)",
              "def sequential_loop(X, layers):\n    p = np.zeros((X.shape[0], 1))\n"
              "    for i, x in enumerate(X):\n        a = x\n        for W_l, b_l in layers:\n"
              "            a = dense_loop(a, W_l, b_l)\n        p[i] = a\n    return p",
              says="2 units"),
        Wrong("each layer reads the input x instead of the previous layer's output",
              "def sequential_loop(X, layers):\n    out = []\n    for x in X:\n"
              "        for W_l, b_l in layers:\n            a = dense_loop(x, W_l, b_l)\n"
              "        out.append(a)\n    return np.array(out)",
              says="raised"),
    ],
    "03.3": [
        Wrong("the raw roasts, not normalised with the training statistics",
              "my_p = sequential(np.array([[200.0, 13.5], [200.0, 14.3]]), layers).ravel()",
              says="normalise"),
        Wrong("decisions (0/1) instead of probabilities",
              "Xn_new = numpy_nn.normalise(np.array([[200.0, 13.5], [200.0, 14.3]]), mu, sigma)[0]\n"
              "my_p = (sequential(Xn_new, layers).ravel() >= threshold).astype(float)",
              says="probabilities"),
    ],
}
