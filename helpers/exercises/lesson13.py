"""Exercises of lesson 13 (transfer learning): references, edge cases and expected answers.

- 13.1 ``my_head_params``: the parameters option 1 trains when the base is reused for 26 classes;
- 13.2 ``my_steps_to_reach(curve_steps, curve_accuracy, target)``: the smallest step count whose
  accuracy is at least ``target``, or -1 when the target is never reached;
- 13.3 ``my_winner``: an experiment, which classifier wins on digits drawn the other way round
  (ink 0, background 1): logistic regression on the raw pixels or on the base's features, or a
  tie (a gap under one point);
- 13.4 ``my_base``: which pretrained start to fine-tune for spectrograms of sounds.
"""

from __future__ import annotations

import numpy as np

from helpers.exercises import check_choice, check_function, check_value, exercise

#: features the base's flatten layer gives (2 x 2 x 64), the input of the new output layer
N_FEATURES = 256

_HEAD_HINTS = {
    N_FEATURES * 26: "One weight per (feature, class) pair, and one bias per class: the biases "
                     "are missing.",
    N_FEATURES * 10 + 10: "That is the digits' new output layer (10 classes); this task has 26.",
    N_FEATURES * 52 + 52: "That is the letters' output layer, the one option 1 drops; the new one "
                          "has one unit per class of the new task.",
}


@exercise("13.1", name="my_head_params")
def _head(answer):
    try:
        key = int(round(float(answer)))
    except (TypeError, ValueError):
        key = None
    hint = _HEAD_HINTS.get(key, "The new layer has one weight per (feature, class) pair plus one "
                                "bias per class; how many features does the base give?")
    return check_value(answer, N_FEATURES * 26 + 26, name="my_head_params", hint=hint)


def _reach(curve_steps, curve_accuracy, target):
    hit = np.asarray(curve_accuracy) >= target
    return int(np.asarray(curve_steps)[hit].min()) if hit.any() else -1


def _curve(rng):
    steps = np.arange(20, 220, 20)
    acc = np.clip(np.linspace(0.3, 0.95, len(steps)) + rng.normal(0, 0.06, len(steps)), 0, 1)
    return steps, acc.round(3), float(rng.choice([0.6, 0.8, 0.9, 0.97, 1.0]))


_STEPS = np.array([20, 40, 60, 80])


@exercise("13.2", name="my_steps_to_reach")
def _steps(answer):
    return check_function(
        answer, _reach, _curve, name="my_steps_to_reach", trials=8,
        edges=[("a target never reached (the answer is -1)", (_STEPS, np.array([.5, .7, .8, .85]), 0.9)),
               ("an accuracy exactly equal to the target (at least the target counts)",
                (_STEPS, np.array([.5, .7, .9, .95]), 0.9)),
               ("a noisy curve that dips below the target after reaching it",
                (_STEPS, np.array([.5, .95, .85, .96]), 0.9)),
               ("a target reached at the first evaluation", (_STEPS, np.array([.93, .9, .95, .97]), 0.9))])


_WINNERS = ["pixels", "features", "a tie"]
#: a gap smaller than this (one test image in a hundred) is "a tie"
TIE = 0.01


@exercise("13.3", name="my_winner")
def _winner(answer, *, features, x_train, y_train, x_test, y_test, labelled):
    from sklearn.linear_model import LogisticRegression

    def score(train, test):
        return LogisticRegression(max_iter=2000).fit(train[labelled], y_train[labelled]).score(
            test, y_test)

    inv_train, inv_test = 1 - np.asarray(x_train), 1 - np.asarray(x_test)
    pixels = score(inv_train.reshape(len(inv_train), -1), inv_test.reshape(len(inv_test), -1))
    feats = score(features(inv_train), features(inv_test))
    correct = "a tie" if abs(pixels - feats) < TIE else "pixels" if pixels > feats else "features"
    measured = (f"on the inverted digits, logistic regression scores {pixels:.3f} on the pixels "
                f"and {feats:.3f} on the base's features")
    why = {"features": "the base learned strokes drawn bright on a dark background; inverted, the "
                       "images are another input type to it: " + measured,
           "pixels": "the base's features do better here: " + measured,
           "a tie": f"the two differ by {abs(pixels - feats):.3f}, more than {TIE}: " + measured}
    return check_choice(answer, correct, _WINNERS, name="my_winner",
                        explanations={k: v for k, v in why.items() if k != correct},
                        why_right=f"{measured[0].upper() + measured[1:]}. " + _WHY_RIGHT[correct])


_WHY_RIGHT = {"pixels": "A pixel classifier only flips the signs of its weights; the base never saw "
                        "such images, so its features lose what they knew.",
              "features": "The base's features survived the inversion better than the pixels did.",
              "a tie": "Inverted, the base's features are worth no more than raw pixels: what it "
                       "knew about strokes does not carry over."}


_BASES = ["letters", "imagenet", "audio", "none"]


@exercise("13.4", name="my_base")
def _base(answer):
    return check_choice(
        answer, "audio", _BASES, name="my_base",
        explanations={"letters": "it takes 8x8 images of strokes, not 64x64 spectrograms: another "
                                 "input type and size",
                      "imagenet": "ImageNet starts are often fine-tuned on spectrograms and can "
                                  "help, but a base pretrained on spectrograms of other sounds "
                                  "has learned features of exactly this input type: the better bet",
                      "none": "30 clips per class is scarce: a matching pretrained start is the "
                              "better bet"},
        why_right="Same input type, same size: its features are features of spectrograms.")
