"""Many runs of the digits network trained side by side, each on its own data (NumPy).

A claim such as "augmentation raises accuracy with 50 labels" is about an average over label
draws and initial weights: one run proves nothing, and twenty Keras models trained one after the
other take a minute. :class:`Runs` holds ``n_runs`` independent copies of the lessons' digits
network (64 inputs -> ``hidden`` ReLU units -> ``n_classes`` logits, softmax cross-entropy), with
a leading run axis on every weight, and trains them all at once::

    from helpers.runs import Runs

    runs = Runs(20, hidden=32, learning_rate=0.01, seed=0)
    runs.train(x_batches, y_batches, steps=150)     # x (k, 20, batch, 64), y (k, 20, batch)
    accuracy = runs.accuracy(x_eval, y_eval)         # one accuracy per run

Run ``r`` takes step ``s`` on the batch ``x_batches[s % k, r]``: give each run its own labelled
examples, augmented variants or synthetic images, and every run the same number of steps on
batches of the same size (equal budgets). Each run starts from its own Glorot-uniform weights
(biases 0), as a fresh ``keras.layers.Dense`` does, and takes Keras's Adam steps
(``beta_1 = 0.9``, ``beta_2 = 0.999``, ``epsilon = 1e-7``); :meth:`Runs.keras_model` returns one
run as a Keras model with the same weights, and the tests check that NumPy and Keras take the
same steps. The runs are independent: Adam scales each weight's step by that weight's own
gradients, so training them together changes nothing but the time.
"""

from __future__ import annotations

import numpy as np

from helpers import validate
from helpers.numpy_nn.activations import _relu
from helpers.numpy_nn.layers import _dense_backward, _dense_forward
from helpers.numpy_nn.optimisers import _adam_step

__all__ = ["Runs", "ADAM_BETAS", "ADAM_EPSILON"]

#: Keras's Adam defaults
ADAM_BETAS = (0.9, 0.999)
ADAM_EPSILON = 1e-7


class Runs:
    """``n_runs`` copies of a ``n_features -> hidden (ReLU) -> n_classes`` network, side by side."""

    def __init__(self, n_runs: int, *, hidden: int = 32, learning_rate: float = 0.01,
                 n_features: int = 64, n_classes: int = 10, seed: int = 0):
        self.n_runs = validate.integer(n_runs, "n_runs", minimum=1)
        self.hidden = validate.integer(hidden, "hidden", minimum=1)
        self.learning_rate = validate.number(learning_rate, "learning_rate", positive=True)
        self.n_features = validate.integer(n_features, "n_features", minimum=1)
        self.n_classes = validate.integer(n_classes, "n_classes", minimum=2)
        self.seed = validate.seed(seed)
        rng = np.random.default_rng(self.seed)
        shapes = [(n_features, hidden), (hidden, n_classes)]
        kernels = [rng.uniform(-1, 1, (self.n_runs,) + s) * np.sqrt(6.0 / sum(s)) for s in shapes]
        self.params = [kernels[0].astype(np.float32), np.zeros((self.n_runs, 1, hidden), np.float32),
                       kernels[1].astype(np.float32),
                       np.zeros((self.n_runs, 1, n_classes), np.float32)]
        self._m = [np.zeros_like(p) for p in self.params]
        self._v = [np.zeros_like(p) for p in self.params]
        self.steps = 0

    # ------------------------------------------------------------------ the network

    def _forward(self, x):
        w1, b1, w2, b2 = self.params
        z1 = _dense_forward(x, w1, b1)
        a1 = _relu(z1)
        return z1, a1, _dense_forward(a1, w2, b2)

    def _step(self, x, y):
        """One Adam step of every run on its batch: x (n_runs, B, n_features), y (n_runs, B)."""
        z1, a1, z = self._forward(x)
        z = z - z.max(axis=-1, keepdims=True)
        probs = np.exp(z)
        probs /= probs.sum(axis=-1, keepdims=True)
        runs, batch = y.shape
        probs[np.arange(runs)[:, None], np.arange(batch)[None, :], y] -= 1.0  # softmax CE gradient
        dz = probs / batch
        da1, dw2, db2 = _dense_backward(dz, a1, self.params[2])
        _, dw1, db1 = _dense_backward(da1 * (z1 > 0), x, self.params[0], input_gradient=False)
        self.steps += 1
        grads = [dw1, db1[:, None, :], dw2, db2[:, None, :]]
        for i, g in enumerate(grads):
            new = _adam_step(self.params[i], g, self._m[i], self._v[i], self.steps,
                             self.learning_rate, ADAM_BETAS[0], ADAM_BETAS[1], ADAM_EPSILON)
            # float32 throughout, as Keras (the step size is a float64 scalar)
            self.params[i], self._m[i], self._v[i] = (a.astype(np.float32, copy=False)
                                                      for a in new[:3])

    # ------------------------------------------------------------------ public

    def _batches(self, x_batches, y_batches):
        x = validate.array(x_batches, "x_batches", min_ndim=4, dtype=np.float32)
        if x.shape[1] != self.n_runs or int(np.prod(x.shape[3:])) != self.n_features:
            raise ValueError(f"x_batches must have shape (k, n_runs={self.n_runs}, batch, "
                             f"{self.n_features}) (or images, e.g. (..., 8, 8)), got shape "
                             f"{x.shape}; for full-batch training pass x[None] (k = 1).")
        x = x.reshape(x.shape[:3] + (self.n_features,))
        y = validate.labels(np.reshape(y_batches, -1), "y_batches", n_classes=self.n_classes)
        if np.shape(y_batches) != x.shape[:3]:
            raise ValueError(f"y_batches must hold one label per image of x_batches, shape "
                             f"{x.shape[:3]}, got shape {np.shape(y_batches)}.")
        return x, y.reshape(x.shape[:3])

    def train(self, x_batches, y_batches, *, steps: int) -> Runs:
        """``steps`` Adam steps of every run; step ``s`` uses batch ``s % k`` of its own.

        ``x_batches``: ``(k, n_runs, batch, n_features)`` (or images ``(..., 8, 8)``); ``k = 1``
        with each run's whole training set as its batch is full-batch training. ``y_batches``:
        the labels, ``(k, n_runs, batch)``.
        """
        x, y = self._batches(x_batches, y_batches)
        steps = validate.integer(steps, "steps", minimum=1)
        with np.errstate(over="ignore", invalid="ignore"):
            for s in range(steps):
                self._step(x[s % len(x)], y[s % len(x)])
        if not all(np.isfinite(p).all() for p in self.params):
            raise FloatingPointError("a run's weights became NaN or infinite; lower the "
                                     "learning rate.")
        return self

    def logits(self, x) -> np.ndarray:
        """Every run's logits for the same examples ``x`` (m, n_features): shape (n_runs, m, C)."""
        x = validate.array(x, "x", min_ndim=2, dtype=np.float32)
        x = x.reshape(len(x), -1)
        if x.shape[1] != self.n_features:
            raise ValueError(f"x must have {self.n_features} features per example, got shape "
                             f"{np.shape(x)}.")
        return self._forward(x[None])[2]

    def predict(self, x) -> np.ndarray:
        """Every run's predicted classes for ``x``: int64 (n_runs, m)."""
        return self.logits(x).argmax(axis=-1)

    def accuracy(self, x, y, *, mask=None) -> np.ndarray:
        """The accuracy of each run on ``(x, y)``; ``mask`` (n_runs, m) picks each run's examples
        (for example every image that run did not train on)."""
        pred = self.predict(x)
        y = validate.labels(y, "y", n_classes=self.n_classes, length=pred.shape[1])
        right = pred == y[None, :]
        if mask is None:
            return right.mean(axis=1)
        mask = validate.array(mask, "mask", shape=right.shape, dtype=None)
        if mask.dtype != bool:
            raise TypeError(f"mask must be a boolean array, got dtype {mask.dtype}.")
        if not mask.any(axis=1).all():
            raise ValueError("mask leaves a run with no example to score.")
        return (right & mask).sum(axis=1) / mask.sum(axis=1)

    def keras_model(self, run: int):
        """Run ``run`` as a Keras model (Flatten -> Dense(relu) -> Dense logits) with its weights."""
        import keras

        run = validate.integer(run, "run", minimum=0, maximum=self.n_runs - 1)
        model = keras.Sequential([keras.Input((self.n_features,)),
                                  keras.layers.Dense(self.hidden, activation="relu"),
                                  keras.layers.Dense(self.n_classes)])
        w1, b1, w2, b2 = (p[run] for p in self.params)
        model.set_weights([w1, b1[0], w2, b2[0]])
        return model
