"""Wrong answers to lesson 17's exercises (see README.md in this folder)."""

from wrong import Wrong

_MEASURE = ("my_power = []\n"
            "for rows in sizes:\n"
            "    stack = np.stack([xb for xb, _ in drift.drift_batches([claim_drift] * 200, rows, "
            "seed=seed + 11)])\n"
            "    my_power.append(float(np.mean((drift.ks_p_values(x_train, stack) <= alpha / d)"
            ".any(axis=1))))\n")

WRONG = {
    "17.1": [
        Wrong("the lesson's own batch size, without reading the measurement",
              _MEASURE + "my_batch_rows = 200", says="flags too few batches"),
        Wrong("the largest size: it catches the drift too, but it is not the smallest",
              _MEASURE + "my_batch_rows = 800", says="is not the smallest"),
        Wrong("the uncorrected threshold alpha per feature: the power is overstated",
              "my_power = []\n"
              "for rows in sizes:\n"
              "    stack = np.stack([xb for xb, _ in drift.drift_batches([claim_drift] * 200, rows, "
              "seed=seed + 11)])\n"
              "    my_power.append(float(np.mean((drift.ks_p_values(x_train, stack) <= alpha)"
              ".any(axis=1))))\n"
              "my_batch_rows = next(r for r, s in zip(sizes, my_power) if s >= 0.9)",
              says="alpha / d per feature"),
    ],
    "17.2": [
        Wrong("Bonferroni's alpha / d for every feature: never more lenient, so it flags too few",
              "def my_holm(p_values, alpha):\n"
              "    p = np.asarray(p_values, dtype=float)\n"
              "    return p <= alpha / len(p)",
              says="passes alpha / (d - 1)"),
        Wrong("< instead of <=: a p-value exactly at its threshold is not flagged",
              "def my_holm(p_values, alpha):\n"
              "    p = np.asarray(p_values, dtype=float)\n"
              "    flagged = np.zeros(len(p), dtype=bool)\n"
              "    for k, j in enumerate(np.argsort(p, kind='stable')):\n"
              "        if p[j] >= alpha / (len(p) - k):\n"
              "            break\n"
              "        flagged[j] = True\n"
              "    return flagged",
              says="exactly at its threshold"),
        Wrong("no stop: every sorted p-value compared with its own threshold",
              "def my_holm(p_values, alpha):\n"
              "    p = np.asarray(p_values, dtype=float)\n"
              "    flagged = np.zeros(len(p), dtype=bool)\n"
              "    for k, j in enumerate(np.argsort(p, kind='stable')):\n"
              "        flagged[j] = p[j] <= alpha / (len(p) - k)\n"
              "    return flagged",
              says="Holm stops there"),
    ],
    "17.3": [
        Wrong("the dict itself instead of the JSON text",
              "def my_request_body(x):\n    return {'instances': np.asarray(x).tolist()}",
              says="JSON text itself"),
        Wrong("the columnar key 'inputs', whose answer has 'outputs', not 'predictions'",
              "def my_request_body(x):\n    return json.dumps({'inputs': np.asarray(x).tolist()})",
              says="row format"),
        Wrong("readings rounded to two decimals to make the request shorter",
              "def my_request_body(x):\n"
              "    return json.dumps({'instances': np.round(np.asarray(x), 2).tolist()})",
              says="differ from x"),
    ],
}
