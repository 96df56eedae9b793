"""Wrong answers to lesson 10's exercises (see README.md in this folder)."""

from wrong import Wrong

_RUN = "j_of_fresh_sets(nets[picked], n_fresh_sets, 10 * n_test, seed + 8)"

WRONG = {
    "10.1": [
        Wrong("the ratio of the variances instead of the standard deviations",
              f"my_spread_ratio = spread ** 2 / {_RUN}.var(ddof=1)", says="variances"),
        Wrong("large over small: the ratio upside down",
              f"my_spread_ratio = {_RUN}.std(ddof=1) / spread", says="upside down"),
        Wrong("the ratio of the mean errors, not of their spreads",
              f"my_spread_ratio = j_new / {_RUN}.mean()", says="not their means"),
    ],
    "10.2": [
        Wrong("read against 0% instead of the human level", 'my_diagnosis = "high bias and high variance"',
              says="bias gap"),
        Wrong("J_train of 4.3% looks high", 'my_diagnosis = "high bias"', says="human level"),
    ],
    "10.3": [
        Wrong("> instead of >=: p = 0.5 predicted as class 0 (review: accepted before)",
              "def my_error_from_probabilities(y, p):\n"
              "    return float(np.mean((p > 0.5).astype(int) != y))",
              says="exactly 0.5"),
        Wrong("np.round(p): rounds 0.5 to the even number, 0 (review: accepted before)",
              "def my_error_from_probabilities(y, p):\n"
              "    return float(np.mean(np.round(p).astype(int) != y))",
              says="exactly 0.5"),
        Wrong("the accuracy instead of the error",
              "def my_error_from_probabilities(y, p):\n"
              "    return float(np.mean((p >= 0.5).astype(int) == y))",
              says="exactly 0.5"),
    ],
}
