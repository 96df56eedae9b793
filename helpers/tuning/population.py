"""Many copies of a small NumPy network trained side by side, one hyper-parameter setting each.

:class:`MLPPopulation` is the digits network of the lessons (one ReLU hidden layer, a softmax
output) with a leading "member" axis on every weight, so a lesson can afford hundreds of trials
in seconds. It is built from ``helpers.numpy_nn``'s kernels: Glorot-uniform weights, the dense
forward and backward pass, the softmax cross-entropy gradient, and Keras's SGD and Adam rules.
"""

from __future__ import annotations

import numpy as np

from helpers import validate
from helpers.numpy_nn.activations import _relu, _relu_backward, _softmax
from helpers.numpy_nn.initialisers import _glorot_uniform
from helpers.numpy_nn.layers import _dense_backward, _dense_forward
from helpers.numpy_nn.losses import _softmax_cross_entropy_backward
from helpers.numpy_nn.optimisers import _adam_step, _momentum_step

__all__ = ["MLPPopulation", "ADAM_BETA_2", "ADAM_EPSILON"]

#: Adam's second-moment decay and epsilon, Keras's defaults (``beta_1`` is each member's momentum)
ADAM_BETA_2 = 0.999
ADAM_EPSILON = 1e-7


class MLPPopulation:
    """``P`` copies of a 64 -> hidden (ReLU) -> classes (softmax) network, trained side by side.

    Member ``i`` uses ``learning_rates[i]`` and ``momenta[i]`` (SGD's momentum, or Adam's
    ``beta_1``; ``beta_2 = 0.999``, ``epsilon = 1e-7`` as in Keras). Every member sees the same
    mini-batches (reshuffled each epoch from ``seed``), and, unless ``init_seeds`` gives one seed
    per member, starts from the same Glorot-uniform weights: differences between members are then
    due to their hyper-parameters alone. Members that blow up (NaN or infinite loss) score
    accuracy 0 and loss ``inf``. ``epochs_spent`` counts every epoch trained, over all members.
    """

    def __init__(self, x, y, *, learning_rates, momenta=None, optimizer: str = "adam",
                 hidden: int = 32, batch_size: int = 64, seed: int = 0, init_seeds=None,
                 n_classes: int = 10):
        n_classes = validate.integer(n_classes, "n_classes", minimum=2)
        self.x = validate.array(x, "x", ndim=2)
        self.y = validate.labels(y, "y", n_classes=n_classes, length=len(self.x))
        lr = validate.array(learning_rates, "learning_rates", ndim=1)
        if np.any(lr <= 0):
            raise ValueError("learning_rates must all be positive.")
        mom = np.zeros_like(lr) if momenta is None else validate.array(momenta, "momenta", ndim=1)
        validate.same_length("learning_rates", lr, "momenta", mom)
        if np.any((mom < 0) | (mom >= 1)):
            raise ValueError("momenta must be in [0, 1) (e.g. 0.9).")
        self.optimizer = validate.choice(optimizer, "optimizer", ["adam", "sgd"])
        self.hidden = validate.integer(hidden, "hidden", minimum=1)
        self.batch_size = validate.integer(batch_size, "batch_size", minimum=1)
        self.seed = validate.seed(seed)
        self.n_classes = validate.integer(n_classes, "n_classes", minimum=2)
        p, d = len(lr), self.x.shape[1]
        if init_seeds is None:
            seeds = [self.seed] * p
        else:
            if isinstance(init_seeds, str | bytes) or np.ndim(init_seeds) != 1:
                raise TypeError(f"init_seeds must be a list with one integer seed per member, got "
                                f"{validate.describe(init_seeds)}.")
            seeds = [validate.seed(s, f"init_seeds[{i}]") for i, s in enumerate(init_seeds)]
            if len(seeds) != p:
                raise ValueError(f"init_seeds needs one seed per member ({p}), got {len(seeds)}.")
        self.lr, self.momentum = lr, mom
        self.params = self._init(seeds, d)
        self.m = [np.zeros_like(w) for w in self.params]
        self.v = [np.zeros_like(w) for w in self.params]
        self.steps = 0
        self.epochs_trained = np.zeros(p, dtype=int)
        self.epochs_spent = 0
        self._shuffle = np.random.default_rng(self.seed + 1)

    def _init(self, seeds, d):
        h, c = self.hidden, self.n_classes
        w1, w2 = [], []
        cache = {}
        for s in seeds:
            if s not in cache:
                g = np.random.default_rng(s)
                cache[s] = (_glorot_uniform(g, d, h), _glorot_uniform(g, h, c))
            w1.append(cache[s][0])
            w2.append(cache[s][1])
        p = len(seeds)
        return [np.stack(w1), np.zeros((p, 1, h)), np.stack(w2), np.zeros((p, 1, c))]

    @property
    def size(self) -> int:
        return len(self.lr)

    def _forward(self, x):
        w1, b1, w2, b2 = self.params
        z1 = _dense_forward(x, w1, b1)
        a = _relu(z1)
        return z1, a, _dense_forward(a, w2, b2)

    def train(self, epochs: int = 1) -> MLPPopulation:
        """Train every member for ``epochs`` more epochs (mini-batch SGD with momentum, or Adam)."""
        epochs = validate.integer(epochs, "epochs", minimum=1)
        n = len(self.x)
        lr = self.lr[:, None, None]
        beta1 = self.momentum[:, None, None]
        with np.errstate(all="ignore"):
            for _ in range(epochs):
                order = self._shuffle.permutation(n)
                for start in range(0, n, self.batch_size):
                    idx = order[start:start + self.batch_size]
                    xb = self.x[idx]
                    z1, a, z = self._forward(xb)
                    dz = _softmax_cross_entropy_backward(_softmax(z), self.y[idx])  # (P, B, C)
                    da, dw2, db2 = _dense_backward(dz, a, self.params[2])
                    _, dw1, db1 = _dense_backward(_relu_backward(da, z1, a), xb, self.params[0],
                                                  input_gradient=False)
                    self.steps += 1
                    self._update([dw1, db1[:, None, :], dw2, db2[:, None, :]], lr, beta1)
            self.epochs_trained += epochs
            self.epochs_spent += epochs * self.size
        return self

    def _update(self, grads, lr, beta1):
        for i, g in enumerate(grads):
            if self.optimizer == "sgd":
                self.params[i], self.m[i] = _momentum_step(self.params[i], g, self.m[i], lr, beta1)
            else:
                self.params[i], self.m[i], self.v[i], _ = _adam_step(
                    self.params[i], g, self.m[i], self.v[i], self.steps, lr, beta1,
                    ADAM_BETA_2, ADAM_EPSILON)

    def evaluate(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        """Accuracy and mean cross-entropy of every member on ``(x, y)``: two arrays of length P."""
        x = validate.array(x, "x", shape=(None, self.x.shape[1]))
        y = validate.labels(y, "y", n_classes=self.n_classes, length=len(x))
        with np.errstate(all="ignore"):
            _, _, z = self._forward(x)
            p = _softmax(z)
            loss = -np.log(np.clip(p[:, np.arange(len(y)), y], 1e-12, None)).mean(axis=1)
            acc = (np.nan_to_num(z, nan=-np.inf).argmax(axis=-1) == y).mean(axis=1)
        bad = ~np.isfinite(loss) | np.any(~np.isfinite(z), axis=(1, 2))
        return np.where(bad, 0.0, acc), np.where(bad, np.inf, loss)

    def keep(self, members) -> MLPPopulation:
        """Keep only the members at the given indices (their weights and optimizer state too)."""
        idx = validate.array(members, "members", ndim=1, dtype=None)
        if idx.dtype.kind not in "iu" or idx.min() < 0 or idx.max() >= self.size:
            raise ValueError(f"members must be indices in 0..{self.size - 1}, got {idx.tolist()}.")
        self.params = [w[idx] for w in self.params]
        self.m = [w[idx] for w in self.m]
        self.v = [w[idx] for w in self.v]
        self.lr, self.momentum = self.lr[idx], self.momentum[idx]
        self.epochs_trained = self.epochs_trained[idx]
        return self
