"""Wrong answers to lesson 01's exercises (see README.md in this folder)."""

from wrong import Wrong

WRONG = {
    "01.1": [
        Wrong("no np.atleast_2d / reshape: a single (10,) example fails (review: accepted before)",
              "def my_cross_entropy(y, t):\n    n = y.shape[0]\n"
              "    return -np.sum(np.log(y[np.arange(n), t] + 1e-7)) / n",
              says="single example"),
        Wrong("no 1e-7 guard: a probability of exactly 0 gives an infinite loss",
              "def my_cross_entropy(y, t):\n    y = np.atleast_2d(y)\n    t = np.reshape(t, -1)\n"
              "    n = y.shape[0]\n    return -np.sum(np.log(y[np.arange(n), t])) / n",
              says="exactly 0"),
        Wrong("the sum over the batch, not the mean",
              "def my_cross_entropy(y, t):\n    y = np.atleast_2d(y)\n    t = np.reshape(t, -1)\n"
              "    n = y.shape[0]\n    return -np.sum(np.log(y[np.arange(n), t] + 1e-7))",
              says="is off"),
    ],
    "01.2": [
        Wrong("0.5, where one step lands exactly on the minimum, is not the edge of divergence",
              "my_critical_lr = 0.5", says="|1 - 2 lr| < 1"),
        Wrong("2.0: the general 2 / L with L = 1 instead of the bowl's curvature 2",
              "my_critical_lr = 2.0", says="|1 - 2 lr| < 1"),
    ],
    "01.3": [
        Wrong("the lesson's h = 1e-4 instead of 0.5: the share is 0 again",
              "g = numpy_nn.numerical_gradient(lambda W: softreg_accuracy(W, b0), W0.copy(), h=h)\n"
              "my_share = float(np.mean(g != 0))",
              says="h=0.5"),
        Wrong("the share of zero entries instead of nonzero ones",
              "g = numpy_nn.numerical_gradient(lambda W: softreg_accuracy(W, b0), W0.copy(), h=0.5)\n"
              "my_share = float(np.mean(g == 0))",
              says="nonzero"),
    ],
}
