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
        Wrong("the vectorised sequential does the work (review: accepted before)",
              "def sequential_loop(X, layers):\n    return sequential(X, layers)",
              says="not through dense_loop"),
    ],
    "03.3": [
        Wrong("the raw roasts, not normalised with the training statistics",
              "durations = np.arange(13.0, 20.0, 0.01)\n"
              "scan = np.column_stack([np.full_like(durations, 200.0), durations])\n"
              "p_scan = sequential(scan, layers).ravel()\n"
              "my_edge = durations[np.argmax(p_scan < threshold)]",
              says="training statistics"),
        Wrong("the comparison turned round: the first duration still called good",
              "durations = np.arange(13.0, 20.0, 0.01)\n"
              "scan = np.column_stack([np.full_like(durations, 200.0), durations])\n"
              "p_scan = sequential(numpy_nn.normalise(scan, mu, sigma)[0], layers).ravel()\n"
              "my_edge = durations[np.argmax(p_scan >= threshold)]",
              says="first duration whose probability is below"),
    ],
    "03.4": [
        Wrong("the output unit forgotten: only the hidden layer's dot products",
              "def my_dot_calls(m, n_units):\n    return m * n_units", says="is off"),
        Wrong("one call per unit, not per example and unit",
              "def my_dot_calls(m, n_units):\n    return n_units + 1", says="m = 10 000"),
    ],
}
