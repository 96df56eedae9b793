"""Wrong answers to lesson 14's exercises (see README.md in this folder)."""

from wrong import Wrong

WRONG = {
    "14.1": [
        Wrong("beta instead of beta squared",
              "def my_f_beta(precision, recall, beta):\n"
              "    return (1 + beta) * precision * recall / (beta * precision + recall)",
              says="beta = 2"),
        Wrong("beta squared on the recall in the denominator: weighs precision instead",
              "def my_f_beta(precision, recall, beta):\n    b2 = beta ** 2\n"
              "    return (1 + b2) * precision * recall / (precision + b2 * recall)",
              says="beta = 2"),
    ],
    "14.2": [
        Wrong("the prevalence itself", "my_accuracy = 0.02", says="always healthy"),
        Wrong("the lesson's own 99.5%, unchanged by the new prevalence", "my_accuracy = 0.995",
              says="always healthy"),
    ],
    "14.3": [
        Wrong("<= keeps the last of tied thresholds: the highest, not the lowest (review: "
              "accepted before)",
              "def my_cost_threshold(y_true, score, miss_costs):\n"
              "    best_t, best_cost = None, np.inf\n"
              "    for t in np.unique(score):\n        flagged = score >= t\n"
              "        cost = np.sum(miss_costs[~flagged & (y_true == 1)]) + np.sum(flagged & (y_true == 0))\n"
              "        if cost <= best_cost:\n            best_t, best_cost = t, cost\n"
              "    return best_t",
              says="tie"),
        Wrong("every miss priced at the mean cost, not at the missed patient's own",
              "def my_cost_threshold(y_true, score, miss_costs):\n"
              "    best_t, best_cost = None, np.inf\n"
              "    for t in np.unique(score):\n        flagged = score >= t\n"
              "        cost = miss_costs.mean() * np.sum(~flagged & (y_true == 1)) + np.sum(flagged & (y_true == 0))\n"
              "        if cost < best_cost:\n            best_t, best_cost = t, cost\n"
              "    return best_t",
              says="different costs"),
    ],
    "14.4": [
        Wrong("the threshold would fall with a cheaper miss", 'my_direction = "down"',
              says="dearer, not cheaper"),
        Wrong("the cost of a miss does not move the threshold", 'my_direction = "it stays"',
              says="picks"),
    ],
    "14.5": [
        Wrong("the number tuned on the set it is reported on", 'my_honest = "hers"',
              says="optimistic"),
        Wrong("both test numbers count as honest", 'my_honest = "both"', says="only one"),
    ],
}
