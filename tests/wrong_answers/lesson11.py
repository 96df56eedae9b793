"""Wrong answers to lesson 11's exercises (see README.md in this folder)."""

from wrong import Wrong

_GAP = ("def my_gap_closes(sizes, j_train, j_cv, tol):\n    closed = {test}\n"
        "    for i in range(len(closed)):\n        if {cond}:\n            return int(sizes[i])\n"
        "{tail}")

WRONG = {
    "11.1": [
        Wrong("more data, though the curve is flat", 'my_next_step = "collect more data"',
              says="already flat"),
        Wrong("a larger lambda, though the model underfits", 'my_next_step = "a larger lambda"',
              says="already underfits"),
    ],
    "11.2": [
        Wrong("<= instead of <: a gap equal to tol counts as closed (ties with whole-number errors)",
              _GAP.format(test="(j_cv - j_train) <= tol", cond="closed[i:].all()",
                          tail="    return -1"),
              says="equal is not below"),
        Wrong("no return -1: None when the gap never closes for good (review: accepted before)",
              _GAP.format(test="(j_cv - j_train) < tol", cond="closed[i:].all()", tail=""),
              says="returned None"),
        Wrong("the first size where the gap is below tol, without 'and every larger one'",
              _GAP.format(test="(j_cv - j_train) < tol", cond="closed[i]", tail="    return -1"),
              says="opens again"),
    ],
    "11.3": [
        Wrong("the lesson's own crossover, at the old noise", "my_noisy_crossover = m_cross",
              says="doubles it"),
        Wrong("the noise halved instead of doubled",
              "x_noisy, y_noisy = noisy_regression(max(sizes) + n_cv, noise_std=noise_std / 2, "
              "seed=seed + 4)\n"
              "noisy = {name: median_cv_curve(d, x_noisy, y_noisy, splits)[1]\n"
              "         for name, d in ((\"simple\", simple_degree), (\"complex\", variance_degree))}\n"
              "my_noisy_crossover = crossover_size(m_used, noisy[\"simple\"], noisy[\"complex\"])",
              says="half the noise"),
    ],
}
