"""Several Keras models trained side by side as one wide model: one ``fit``, one traced step.

A lesson that compares methods over sizes and repeats trains dozens of small models. Built and
compiled one at a time, each pays for its own trace of the training step (most of its time, for
a few hundred steps of a small network). :class:`SideBySide` joins the models into one wide model,
each member reading its own input, so one traced step trains them all; later runs reuse it.

Why the members still train exactly as they would alone:

- the loss is the **sum** of the members' losses, and no weight is shared, so the gradient with
  respect to a member's weights is that member's own gradient;
- Adam's update is per weight, so a member's update is the update it would get alone;
- each member has its own learning rate (and may give one per layer: 0 freezes a layer), applied
  as a factor on a shared cosine decay from 1 to 0 over the run's steps, so every member's rate
  follows ``learning_rate * (1 + cos(pi * step / steps)) / 2``;
- each member gets its own data and batch order (from its own seed) and its own starting weights.

What members of one run must share: the number of steps and the batch size. Models with batch
normalisation keep whatever mode they were built with (``training=False`` inside a transfer model).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from helpers import validate

__all__ = ["SideBySide", "batch_order"]


def batch_order(n: int, steps: int, batch_size: int, seed: int) -> np.ndarray:
    """The example indices of ``steps`` mini-batches over ``n`` examples, reshuffled every pass.

    ``steps * min(batch_size, n)`` indices from successive permutations drawn from
    ``np.random.default_rng(seed)`` (with fewer examples than ``batch_size``, every step is
    full-batch). The order :func:`helpers.transfer.train_steps` uses, so both train alike.
    """
    n = validate.integer(n, "n", minimum=1)
    steps = validate.integer(steps, "steps", minimum=1)
    batch_size = validate.integer(batch_size, "batch_size", minimum=1)
    rng = np.random.default_rng(validate.seed(seed))
    batch = min(batch_size, n)
    passes = -(-steps * batch // n)
    return np.concatenate([rng.permutation(n) for _ in range(passes)])[:steps * batch]


def _leaf_layers(model) -> list:
    out = []
    for layer in model.layers:
        out.extend(_leaf_layers(layer) if hasattr(layer, "layers") else [layer])
    return out


_PARTS: dict = {}


def _parts():
    """The Keras pieces, made once (Keras is imported only when a SideBySide is built)."""
    if _PARTS:
        return _PARTS
    import keras
    from keras import ops

    class CosineToZero(keras.optimizers.schedules.LearningRateSchedule):
        """1 -> 0 along a cosine over ``total`` steps; ``total`` is a variable, so a run of another
        length needs no new trace."""

        def __init__(self):
            self.total = keras.Variable(1.0, trainable=False, name="total_steps")

        def __call__(self, step):
            done = ops.minimum(ops.cast(step, "float32") / self.total, 1.0)
            return 0.5 * (1.0 + ops.cos(math.pi * done))

        def get_config(self):
            return {}

    class ScaledAdam(keras.optimizers.Adam):
        """Keras's Adam, its learning rate multiplied by one factor per trainable variable."""

        def __init__(self):
            schedule = CosineToZero()
            super().__init__(learning_rate=schedule)
            self.schedule, self.factors = schedule, None

        def build(self, variables):
            super().build(variables)
            self.factors = keras.Variable(np.ones(len(variables), "float32"), trainable=False,
                                          name="learning_rate_factors")

        def update_step(self, gradient, variable, learning_rate):
            factor = self.factors[self._get_variable_index(variable)]
            super().update_step(gradient, variable, learning_rate * factor)

    def summed_cross_entropy(y_true, y_pred):
        # (batch, members) labels, (batch, members, classes) probabilities: the members' losses summed
        return ops.sum(keras.losses.sparse_categorical_crossentropy(y_true, y_pred), axis=-1)

    _PARTS.update(keras=keras, ops=ops, ScaledAdam=ScaledAdam, loss=summed_cross_entropy)
    return _PARTS


class SideBySide:
    """``models`` (Keras models with one input and a softmax output of the same width) as one wide model.

    ``train(runs, steps=..., batch_size=...)`` trains every member at once; ``accuracy(x, y)``
    scores every member (one array entry per member). Build it once and call ``train`` for each
    new set of runs: the traced training step is reused (a new batch size traces it once more).
    """

    def __init__(self, models: Sequence):
        if not isinstance(models, list | tuple) or not models:
            raise TypeError(f"models must be a non-empty list of Keras models, got "
                            f"{validate.describe(models)}.")
        for i, m in enumerate(models):
            validate.keras_model(m, f"models[{i}]")
        widths = {m.output_shape[-1] for m in models}
        if len(widths) != 1:
            raise ValueError(f"every member needs the same number of output classes, got {sorted(widths)}.")
        if len({id(m) for m in models}) != len(models):
            raise ValueError("a model appears twice in models; give each member its own model.")
        parts = _parts()
        keras, ops = parts["keras"], parts["ops"]
        self.models = list(models)
        self.n_classes = widths.pop()
        inputs, outputs = [], []
        for k, m in enumerate(self.models):
            x = keras.Input(m.input_shape[1:], name=f"input_{k}")
            # a uniquely named wrapper around the member's own layers (members may share a name)
            member = keras.Model(m.input, m.output, name=f"member_{k}")
            inputs.append(x)
            outputs.append(member(x))
        self.model = keras.Model(inputs, ops.stack(outputs, axis=1), name="side_by_side")
        self.optimizer = parts["ScaledAdam"]()
        self.model.compile(optimizer=self.optimizer, loss=parts["loss"], jit_compile=False)
        self.optimizer.build(self.model.trainable_variables)
        self._index = {id(v): i for i, v in enumerate(self.model.trainable_variables)}
        self._members = [[(layer.name, self._index[id(v)]) for layer in _leaf_layers(m)
                          for v in layer.trainable_variables] for m in self.models]

    @property
    def size(self) -> int:
        return len(self.models)

    def _factors(self, runs) -> np.ndarray:
        factors = np.zeros(len(self._index), "float32")
        for k, (run, member) in enumerate(zip(runs, self._members, strict=True)):
            rate = run["learning_rate"]
            names = {name for name, _ in member}
            if isinstance(rate, Mapping):
                unknown = sorted(set(rate) - names - {"*"})
                if unknown:
                    raise ValueError(f"runs[{k}]['learning_rate'] names layer(s) {unknown} that "
                                     f"member {k} does not have (its layers: {sorted(names)}); "
                                     f"'*' sets the rate of every other layer.")
                default = rate.get("*", 0.0)
                get = lambda name, rate=rate, default=default: rate.get(name, default)  # noqa: E731
            elif callable(rate):
                get = rate
            else:
                value = validate.number(rate, f"runs[{k}]['learning_rate']", non_negative=True)
                get = lambda name, value=value: value  # noqa: E731
            for name, index in member:
                factors[index] = validate.number(get(name), f"learning rate of layer {name!r} "
                                                 f"(member {k})", non_negative=True)
        return factors

    def train(self, runs: Sequence[Mapping], *, steps: int, batch_size: int = 32,
              x_eval=None, y_eval=None, eval_every: int = 0) -> np.ndarray:
        """Train member ``k`` on ``runs[k]`` for ``steps`` Adam steps; all members at once.

        Each run is a dict: ``x`` and ``y`` (its training examples; every run needs the same batch
        ``min(batch_size, len(x))``), ``seed`` (its batch order, see :func:`batch_order`),
        ``learning_rate`` (a number, a dict layer name -> rate with ``"*"`` for the rest, or a
        function of the layer name; 0 freezes a layer) and optionally ``weights`` (the member's
        starting weights, as ``model.get_weights()`` returns them; default: its weights now).
        Adam's state starts from zero. With ``eval_every > 0``, the accuracy of every member on
        ``(x_eval, y_eval)`` is measured every ``eval_every`` steps: an array (evaluations, members);
        else an empty array.
        """
        steps = validate.integer(steps, "steps", minimum=1)
        batch_size = validate.integer(batch_size, "batch_size", minimum=1)
        eval_every = validate.integer(eval_every, "eval_every", minimum=0)
        if not isinstance(runs, list | tuple) or len(runs) != self.size:
            raise TypeError(f"runs must be a list of {self.size} dicts, one per member, got "
                            f"{validate.describe(runs)}.")
        if eval_every and (x_eval is None or y_eval is None):
            raise ValueError("eval_every > 0 needs x_eval and y_eval to evaluate on.")
        xs, ys, batches = [], [], set()
        for k, (run, model) in enumerate(zip(runs, self.models, strict=True)):
            if not isinstance(run, Mapping):
                raise TypeError(f"runs[{k}] must be a dict (x, y, seed, learning_rate[, weights]), "
                                f"got {validate.describe(run)}.")
            missing = sorted({"x", "y", "seed", "learning_rate"} - set(run))
            if missing:
                raise ValueError(f"runs[{k}] lacks {missing}.")
            x = validate.array(run["x"], f"runs[{k}]['x']", dtype=np.float32)
            validate.model_input(model, x, f"runs[{k}]['x']")
            y = validate.labels(run["y"], f"runs[{k}]['y']", n_classes=self.n_classes, length=len(x))
            batches.add(min(batch_size, len(x)))
            order = batch_order(len(x), steps, batch_size, run["seed"])
            xs.append(x[order])
            ys.append(y[order])
        if len(batches) != 1:
            raise ValueError(f"the members' batches differ ({sorted(batches)}): every run needs at "
                             f"least batch_size={batch_size} examples, or all the same number.")
        factors = self._factors(runs)          # checked before any weight changes
        for k, (run, model) in enumerate(zip(runs, self.models, strict=True)):
            given = run.get("weights")
            if given is not None:
                want = [tuple(w.shape) for w in model.get_weights()]
                got = ([tuple(np.shape(w)) for w in given] if isinstance(given, list | tuple)
                       else None)
                if got != want:
                    raise ValueError(f"runs[{k}]['weights'] do not fit member {k}: it has "
                                     f"{len(want)} arrays of shapes {want[:4]}..., got "
                                     f"{validate.describe(given)}.")
        for run, model in zip(runs, self.models, strict=True):
            if run.get("weights") is not None:
                model.set_weights(run["weights"])
        batch = batches.pop()
        for v in self.optimizer.variables:       # a fresh Adam: zero moments, step count 0
            if v is not self.optimizer.factors:
                v.assign(np.zeros(v.shape, dtype=v.dtype))
        self.optimizer.factors.assign(factors)
        self.optimizer.schedule.total.assign(float(steps))
        labels = np.stack(ys, axis=1)
        curve, done = [], 0
        while done < steps:
            take = min(eval_every or steps, steps - done)
            part = slice(done * batch, (done + take) * batch)
            self.model.fit([x[part] for x in xs], labels[part], batch_size=batch, epochs=1,
                           shuffle=False, verbose=0)
            done += take
            if eval_every:
                curve.append(self.accuracy(x_eval, y_eval))
        return np.array(curve)

    def outputs(self, x) -> np.ndarray:
        """Every member's output on ``x`` (one array, or a list with one per member), at inference:
        shape (examples, members, classes)."""
        ops = _parts()["ops"]
        xs = list(x) if isinstance(x, list | tuple) else [x] * self.size
        if len(xs) != self.size:
            raise ValueError(f"give one input for all members or one per member ({self.size}), "
                             f"got {len(xs)}.")
        xs = [validate.array(a, "x", dtype=np.float32) for a in xs]
        return ops.convert_to_numpy(self.model(xs, training=False))

    def accuracy(self, x, y) -> np.ndarray:
        """The accuracy of every member on ``(x, y)`` (``x`` shared, or one per member)."""
        probs = self.outputs(x)
        y = validate.labels(y, "y", n_classes=self.n_classes, length=len(probs))
        return (probs.argmax(axis=-1) == y[:, None]).mean(axis=0)

