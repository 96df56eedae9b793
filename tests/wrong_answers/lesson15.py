"""Wrong answers to lesson 15's exercises (see README.md in this folder)."""

from wrong import Wrong

WRONG = {
    "15.1": [
        Wrong("both ends included: np.geomspace is the natural grid, not the centred one",
              "def my_centred_grid(low, high, k):\n    return np.geomspace(low, high, k)",
              says="low end of the range"),
        Wrong("cell centres on a linear scale instead of the log scale",
              "def my_centred_grid(low, high, k):\n"
              "    return low + (np.arange(k) + 0.5) / k * (high - low)",
              says="linear scale"),
        Wrong("the left edge of each log cell, not its centre",
              "def my_centred_grid(low, high, k):\n"
              "    return np.exp(np.log(low) + np.arange(k) / k * (np.log(high) - np.log(low)))",
              says="half a cell in"),
    ],
    "15.2": [
        Wrong("survivors retrained from scratch at every rung (review: rejected before too)",
              "my_epochs = 81 * 1 + 27 * 3 + 9 * 9 + 3 * 27", says="from epoch 0 again"),
        Wrong("one epoch per configuration per rung", "my_epochs = 81 + 27 + 9 + 3",
              says="one epoch per configuration"),
    ],
    "15.3": [
        Wrong("shorter trials would want smaller steps", 'my_shift = "smaller"',
              says="larger steps"),
        Wrong("the number of epochs does not move the good band", 'my_shift = "it stays"',
              says="does move"),
    ],
    "15.4": [
        Wrong("a grid over all four knobs", 'my_search = "grid"', says="only 2 values"),
        Wrong("one knob at a time from the baseline", 'my_search = "one at a time"',
              says="never moves two knobs"),
    ],
}
