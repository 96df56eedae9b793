"""Wrong answers to lesson 04's exercises (see README.md in this folder)."""

from wrong import Wrong

WRONG = {
    "04.1": [
        Wrong("1e-7 added inside the logs instead of clipping: close, but not the clipped cost "
              "(review: accepted before)",
              "def my_cost(y, f):\n"
              "    return np.mean(-y * np.log(f + 1e-7) - (1 - y) * np.log(1 - f + 1e-7))",
              says="tiny probabilities"),
        Wrong("no clipping: log(0) where a probability is exactly 0 or 1",
              "def my_cost(y, f):\n    return np.mean(-y * np.log(f) - (1 - y) * np.log(1 - f))",
              says="exactly 0 and 1"),
    ],
    "04.2": [
        Wrong("floor instead of ceiling: the smaller last batch is forgotten",
              "my_steps = 5 * (1000 // 64)", says="last one is smaller"),
        Wrong("one epoch only", "my_steps = math.ceil(1000 / 64)", says="times 5"),
    ],
    "04.3": [
        Wrong("misses (good roasts called bad) counted instead of false alarms",
              "my_false_alarms = [int(np.sum((p_cv < t) & (y_cv == 1))) for t in (0.3, 0.7)]",
              says="label 0"),
        Wrong("the roasts flagged good, right or wrong, instead of the bad ones among them",
              "my_false_alarms = [int(np.sum(p_cv >= t)) for t in (0.3, 0.7)]",
              says="false alarm"),
    ],
}
