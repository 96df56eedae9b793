"""Wrong answers to lesson 13's exercises (see README.md in this folder)."""

from wrong import Wrong

WRONG = {
    "13.1": [
        Wrong("the weights without the biases", "my_head_params = 256 * 26", says="biases are missing"),
        Wrong("the digits' output layer (10 classes) instead of the new task's 26",
              "my_head_params = 256 * 10 + 10", says="this task has 26"),
        Wrong("the letters' output layer, the one option 1 drops", "my_head_params = 256 * 52 + 52",
              says="option 1 drops"),
    ],
    "13.2": [
        Wrong("no return -1: None when the target is never reached (review: accepted before)",
              "def my_steps_to_reach(curve_steps, curve_accuracy, target):\n"
              "    for step, acc in zip(curve_steps, curve_accuracy):\n"
              "        if acc >= target:\n"
              "            return step",
              says="never reached"),
        Wrong("acc > target: an exact hit is not counted (review: accepted before)",
              "def my_steps_to_reach(curve_steps, curve_accuracy, target):\n"
              "    for step, acc in zip(curve_steps, curve_accuracy):\n"
              "        if acc > target:\n"
              "            return step\n"
              "    return -1",
              says="exactly equal"),
        Wrong("counting the points below the target, as if the curve only rose (review: accepted before)",
              "def my_steps_to_reach(curve_steps, curve_accuracy, target):\n"
              "    below = int(np.sum(np.asarray(curve_accuracy) < target))\n"
              "    return curve_steps[below] if below < len(curve_steps) else -1",
              says="dips below"),
        Wrong("argmax of the hits: the first step even when the target is never reached",
              "def my_steps_to_reach(curve_steps, curve_accuracy, target):\n"
              "    return curve_steps[np.argmax(np.asarray(curve_accuracy) >= target)]",
              says="never reached"),
    ],
    "13.3": [
        Wrong("the comparison turned round: the loser named the winner",
              'inv_train, inv_test = 1 - x_train, 1 - x_test\n'
              'on_pixels = LogisticRegression(max_iter=2000).fit(inv_train[idx].reshape(len(idx), -1), '
              'y_train[idx]).score(inv_test.reshape(len(inv_test), -1), y_test)\n'
              'on_features = LogisticRegression(max_iter=2000).fit(features(inv_train[idx]), '
              'y_train[idx]).score(features(inv_test), y_test)\n'
              'my_winner = "features" if on_pixels > on_features else "pixels"',
              says="on the inverted digits"),
        Wrong("a tie, as if inverting changed nothing for either", 'my_winner = "a tie"',
              says="on the inverted digits"),
    ],
    "13.4": [
        Wrong("the ImageNet photo model", 'my_base = "imagenet"', says="spectrograms"),
        Wrong("our letters base", 'my_base = "letters"', says="8x8"),
        Wrong("from scratch", 'my_base = "none"', says="scarce"),
    ],
}
