"""Exercises of lesson 06 (backpropagation): references, edge cases and expected answers.

- 06.1 ``relu_backward(dA, Z)``: dL/dZ through a ReLU, TensorFlow's slope 0 at Z = 0 included;
- 06.2 ``my_gradient``: dJ/dw and dJ/db of the course's small graph at other values, by hand;
- 06.3 ``tanh_backward(dA, Z)``: dL/dZ through tanh;
- 06.4 ``my_best_h``: an experiment, the step h of the central difference that agrees best with
  backprop on the lesson's own network and batch.

The references of 06.1 and 06.3 are TensorFlow's autodiff (``tf.GradientTape``), the subject of
the lesson.
"""

from __future__ import annotations

import numpy as np

from helpers.exercises import check_choice, check_function, check_value, exercise, not_yet


def _tape_backward(activation_name: str):
    """dL/dZ by TensorFlow's autodiff, for L = sum(dA * activation(Z))."""
    def reference(dA, Z):
        import keras
        import tensorflow as tf

        activation = {"relu": tf.nn.relu, "tanh": tf.tanh}[activation_name]
        Z = tf.constant(np.asarray(Z, dtype=np.float64))
        with tf.GradientTape() as tape:
            tape.watch(Z)
            loss = tf.reduce_sum(tf.constant(np.asarray(dA, dtype=np.float64)) * activation(Z))
        return keras.ops.convert_to_numpy(tape.gradient(loss, Z))
    return reference


def _dA_Z(rng):
    shape = (int(rng.integers(1, 7)), int(rng.integers(1, 6)))
    return rng.normal(size=shape), rng.normal(size=shape)


@exercise("06.1", name="relu_backward")
def _relu(answer):
    rng = np.random.default_rng(6)
    dA, Z = rng.normal(size=(5, 4)), rng.normal(size=(5, 4))
    Z_zero = Z.copy()
    Z_zero[::2, 1::2] = 0.0                          # some pre-activations exactly 0
    return check_function(
        answer, _tape_backward("relu"), _dA_Z, name="relu_backward",
        edges=[("a batch of random values (no Z exactly 0)", (dA, Z)),
               ("a batch where some Z are exactly 0 (TensorFlow's slope there is 0)", (dA, Z_zero)),
               ("a single example, shape (1, 4)", (dA[:1], Z[:1]))])


@exercise("06.2", name="my_gradient")
def _graph(answer):
    w, b, x, y, h = 3.0, -1.0, 2.0, 1.0, 1e-3

    def J(w, b):
        return (w * x + b - y) ** 2 / 2

    expected = np.array([(J(w + h, b) - J(w - h, b)) / (2 * h), (J(w, b + h) - J(w, b - h)) / (2 * h)])
    return check_value(answer, expected, name="my_gradient", rtol=1e-6,
                       hint="Forward first: c = w x, a = c + b, d = a - y; backward: dJ/dd = d, "
                            "then dJ/db = dJ/da = d and dJ/dw = dJ/dc * x.")


@exercise("06.3", name="tanh_backward")
def _tanh(answer):
    rng = np.random.default_rng(7)
    dA = rng.normal(size=(4, 5))
    Z_mixed = rng.normal(scale=2.0, size=(4, 5))     # |Z| up to about 5: where 1 - Z^2 goes wrong
    Z_edge = np.array([[0.0, 0.5, -0.5, 4.0, -6.0]])
    return check_function(
        answer, _tape_backward("tanh"), _dA_Z, name="tanh_backward", rtol=1e-9,
        edges=[("a batch of random values, |Z| up to about 5", (dA, Z_mixed)),
               ("Z = 0 (slope 1) and large |Z| (slope near 0)", (dA[:1], Z_edge))])


H_OPTIONS = [1e-2, 1e-4, 1e-6, 1e-8]


@exercise("06.4", name="my_best_h")
def _best_h(answer, *, X, t, params):
    from helpers.backprop import TwoLayerNet
    from helpers.numpy_nn import relative_error

    if answer is None:
        return not_yet("my_best_h", f"pick one of {H_OPTIONS}")
    net = TwoLayerNet(64, np.asarray(params["W1"]).shape[1], 10, params=params)
    exact = net.gradient(X, t)
    errors = {h: relative_error(exact, net.numerical_gradient(X, t, h=h)) for h in H_OPTIONS}
    best = min(errors, key=errors.get)
    shown = ", ".join(f"h={h:g}: {e:.1e}" for h, e in errors.items())
    why = {h: (f"at h={h:g} the {'round-off error (about 1e-16 / h)' if h < best else 'truncation error (about h^2)'} "
               f"dominates; the errors are {shown}") for h in H_OPTIONS}
    return check_choice(answer, best, H_OPTIONS, name="my_best_h", explanations=why,
                        why_right=f"(relative errors: {shown})")
