"""Wrong answers to lesson 08's exercises (see README.md in this folder)."""

from wrong import Wrong

WRONG = {
    "08.1": [
        Wrong("no bias correction: the running mean m alone starts at (1 - beta) g",
              "def debiased_mean(values, beta):\n    m, out = 0.0, []\n    for g in values:\n"
              "        m = beta * m + (1 - beta) * g\n        out.append(m)\n    return np.array(out)",
              says="constant stream"),
        Wrong("the step counter starts at t = 0: 1 - beta^0 = 0 divides by zero",
              "def debiased_mean(values, beta):\n    m, out = 0.0, []\n"
              "    for t, g in enumerate(values):\n        m = beta * m + (1 - beta) * g\n"
              "        out.append(m / (1 - beta ** t))\n    return np.array(out)",
              says="infinity"),
        Wrong("the weights swapped: beta on the new value, 1 - beta on the memory",
              "def debiased_mean(values, beta):\n    m, out = 0.0, []\n"
              "    for t, g in enumerate(values, start=1):\n        m = (1 - beta) * m + beta * g\n"
              "        out.append(m / (1 - beta ** t))\n    return np.array(out)",
              says="constant stream"),
    ],
    "08.2": [
        Wrong("the tempting answer: Adam is the one that changes, not the one that stays",
              'my_rotation_answer = "Adam only"', says="scales each coordinate"),
        Wrong("all three, without reading Adam's two numbers",
              'my_rotation_answer = "all three"', says="Adam's two numbers"),
    ],
    "08.3": [
        Wrong("1: the first step is one learning rate, but alpha_1 itself is not",
              "my_alpha_1_over_lr = 1.0", says="sqrt"),
        Wrong("the sqrt of the second-moment correction forgotten",
              "my_alpha_1_over_lr = (1 - 0.999) / (1 - 0.9)", says="sqrt"),
    ],
    "08.4": [
        Wrong("the same: as if momentum did not change the effective step",
              'my_momentum_answer = "the same"', says="best learning rate of SGD with momentum"),
        Wrong("higher: the effective step of momentum read the wrong way round",
              'my_momentum_answer = "higher"', says="best learning rate of SGD with momentum"),
    ],
}
