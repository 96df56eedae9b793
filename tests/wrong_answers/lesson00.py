"""Wrong answers to lesson 00's exercises (see README.md in this folder)."""

from wrong import Wrong

WRONG = {
    "00.1": [
        Wrong("the maximum is not subtracted: exp overflows on huge logits",
              "def my_softmax(z):\n    e = np.exp(z)\n    return e / e.sum(axis=-1, keepdims=True)",
              says="NaN"),
        Wrong("one maximum for the whole batch instead of one per row: a row far below it "
              "underflows to 0 / 0",
              "def my_softmax(z):\n    e = np.exp(z - np.max(z))\n"
              "    return e / e.sum(axis=-1, keepdims=True)",
              says="differ by about 1000"),
        Wrong("the sum runs down the columns (axis 0) instead of along each row",
              "def my_softmax(z):\n    e = np.exp(z - z.max(axis=-1, keepdims=True))\n"
              "    return e / e.sum(axis=0, keepdims=True)",
              says="batch"),
        Wrong("the reference imported on the page, passed as the answer (review: accepted before)",
              "my_softmax = softmax", says="reference"),
        Wrong("a wrapper around the ready-made softmax",
              "def my_softmax(z):\n    return softmax(z)", says="ready-made"),
    ],
    "00.2": [
        Wrong("the general rule, which does not act on this lesson's small products",
              'my_answer = "the last digits of trained numbers"', says="too small"),
        Wrong("round-off could flip a verdict",
              'my_answer = "whether the claims hold"', says="margin"),
    ],
}
