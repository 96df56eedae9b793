"""Hyper-parameter tuning, small and in the open (lesson 15).

- search spaces: :class:`LogUniform`, :class:`Uniform`, :class:`PowersOfTwo`, each with
  ``sample(rng, n)`` and ``grid(k)``; :func:`log_uniform` maps uniform numbers to a log scale;
- :class:`MLPPopulation`: many copies of the digits network (one ReLU hidden layer, softmax output)
  written in NumPy and trained side by side, one hyper-parameter setting per member, so a lesson can
  afford hundreds of trials; :func:`grid_search` and :func:`random_search` run an equal budget of
  trials on it, :func:`successive_halving` spends its epochs on the members that look best;
- keras-tuner: :func:`epoch_recorder` (a callback that survives keras-tuner's copying and counts
  every epoch a search trains), :func:`trials_frame` (every trial of ``tuner.oracle.trials`` as a
  DataFrame), :func:`best_so_far` (best score against epochs spent);
- experiment logs: :func:`fresh_run_dir` (a new folder under the git-ignored ``build/``) and
  :func:`load_csv_logs` (every ``keras.callbacks.CSVLogger`` file under a folder, as one DataFrame);
- :func:`conv_flops`: multiply-adds of a small CNN, for EfficientNet's compound scaling.

TensorFlow is imported only by the functions that need Keras.
"""

from __future__ import annotations

import math
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from helpers import validate

__all__ = [
    "LogUniform", "Uniform", "PowersOfTwo", "log_uniform", "MLPPopulation", "grid_configs",
    "random_configs", "grid_search", "random_search", "successive_halving", "epoch_recorder",
    "trials_frame", "best_so_far", "fresh_run_dir", "load_csv_logs", "conv_flops", "BUILD_DIR",
]

#: The git-ignored folder every lesson writes into (never the tracked tree).
BUILD_DIR = Path(__file__).resolve().parent.parent / "build"


# --------------------------------------------------------------------------- search spaces


def _rng(rng) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy Generator (np.random.default_rng(seed)), got "
                        f"{validate.describe(rng)}.")
    return rng


def log_uniform(u, low: float, high: float) -> np.ndarray:
    """Map numbers ``u`` in ``[0, 1]`` to ``[low, high]`` evenly on a log scale.

    ``exp(log(low) + u * (log(high) - log(low)))``: each decade gets the same share of samples.
    """
    low = validate.number(low, "low", positive=True)
    high = validate.number(high, "high", positive=True)
    if not low < high:
        raise ValueError(f"low must be below high, got low={low} and high={high}.")
    u = validate.array(u, "u", min_size=0)
    if u.size and (u.min() < 0 or u.max() > 1):
        raise ValueError(f"u must hold numbers in [0, 1] (e.g. rng.random(n)), got values from "
                         f"{u.min():.3g} to {u.max():.3g}.")
    return np.exp(np.log(low) + u * (np.log(high) - np.log(low)))


@dataclass(frozen=True)
class Uniform:
    """A real hyper-parameter drawn evenly between ``low`` and ``high`` (e.g. momentum 0.85-0.95)."""

    low: float
    high: float

    def __post_init__(self):
        low = validate.number(self.low, "low")
        high = validate.number(self.high, "high")
        if not low < high:
            raise ValueError(f"low must be below high, got low={low} and high={high}.")

    def sample(self, rng, n: int) -> np.ndarray:
        n = validate.integer(n, "n", minimum=1)
        return self.low + _rng(rng).random(n) * (self.high - self.low)

    def grid(self, k: int) -> np.ndarray:
        """``k`` evenly spaced values, both ends included (one value: the middle)."""
        k = validate.integer(k, "k", minimum=1)
        return np.array([(self.low + self.high) / 2]) if k == 1 else np.linspace(self.low, self.high, k)


@dataclass(frozen=True)
class LogUniform:
    """A positive hyper-parameter spread evenly over decades (e.g. a learning rate 1e-6..1e-1)."""

    low: float
    high: float

    def __post_init__(self):
        low = validate.number(self.low, "low", positive=True)
        high = validate.number(self.high, "high", positive=True)
        if not low < high:
            raise ValueError(f"low must be below high, got low={low} and high={high}.")

    def sample(self, rng, n: int) -> np.ndarray:
        n = validate.integer(n, "n", minimum=1)
        return log_uniform(_rng(rng).random(n), self.low, self.high)

    def grid(self, k: int) -> np.ndarray:
        """``k`` values evenly spaced in the logarithm, both ends included (one value: the middle)."""
        k = validate.integer(k, "k", minimum=1)
        if k == 1:
            return np.array([math.sqrt(self.low * self.high)])
        return np.geomspace(self.low, self.high, k)


@dataclass(frozen=True)
class PowersOfTwo:
    """A batch size: a power of two from ``low`` to ``high`` (both powers of two), each equally likely."""

    low: int
    high: int

    def __post_init__(self):
        for name in ("low", "high"):
            v = validate.integer(getattr(self, name), name, minimum=1)
            if v & (v - 1):
                raise ValueError(f"{name} must be a power of two (16, 32, 64, ...), got {v}.")
        if not self.low < self.high:
            raise ValueError(f"low must be below high, got low={self.low} and high={self.high}.")

    def values(self) -> np.ndarray:
        return 2 ** np.arange(int(math.log2(self.low)), int(math.log2(self.high)) + 1)

    def sample(self, rng, n: int) -> np.ndarray:
        n = validate.integer(n, "n", minimum=1)
        return _rng(rng).choice(self.values(), size=n)

    def grid(self, k: int) -> np.ndarray:
        k = validate.integer(k, "k", minimum=1)
        v = self.values()
        idx = np.unique(np.round(np.linspace(0, len(v) - 1, k)).astype(int))
        return v[idx]


_SPACES = (Uniform, LogUniform, PowersOfTwo)


def _check_space(space) -> dict:
    if not isinstance(space, dict) or not space:
        raise TypeError(f"space must be a non-empty dict of name -> Uniform/LogUniform/PowersOfTwo, "
                        f"got {validate.describe(space)}.")
    for name, dim in space.items():
        if not isinstance(dim, _SPACES):
            raise TypeError(f"space[{name!r}] must be a Uniform, LogUniform or PowersOfTwo, got "
                            f"{validate.describe(dim)}.")
    return space


def grid_configs(space: dict, budget: int) -> dict:
    """A full grid with about ``budget`` points: ``k = floor(budget ** (1/d))`` values per dimension.

    Returns a dict name -> array of length ``k ** d`` (every combination).
    """
    space = _check_space(space)
    budget = validate.integer(budget, "budget", minimum=1)
    k = int(math.floor(budget ** (1 / len(space)) + 1e-9))
    axes = [dim.grid(k) for dim in space.values()]
    mesh = np.meshgrid(*axes, indexing="ij")
    return {name: m.ravel() for name, m in zip(space, mesh, strict=True)}


def random_configs(space: dict, budget: int, rng) -> dict:
    """``budget`` independent draws from every dimension of ``space``: a dict name -> array."""
    space = _check_space(space)
    budget = validate.integer(budget, "budget", minimum=1)
    rng = _rng(rng)
    return {name: dim.sample(rng, budget) for name, dim in space.items()}


# --------------------------------------------------------------------------- a population of nets


def _softmax(z):
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


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
            seeds = [validate.seed(int(s), "init_seeds") for s in np.asarray(init_seeds).ravel()]
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
        lim1, lim2 = math.sqrt(6 / (d + h)), math.sqrt(6 / (h + c))
        w1, w2 = [], []
        cache = {}
        for s in seeds:
            if s not in cache:
                g = np.random.default_rng(s)
                cache[s] = (g.uniform(-lim1, lim1, (d, h)), g.uniform(-lim2, lim2, (h, c)))
            w1.append(cache[s][0])
            w2.append(cache[s][1])
        p = len(seeds)
        return [np.stack(w1), np.zeros((p, 1, h)), np.stack(w2), np.zeros((p, 1, c))]

    @property
    def size(self) -> int:
        return len(self.lr)

    def _forward(self, x):
        w1, b1, w2, b2 = self.params
        a = np.maximum(x @ w1 + b1, 0)
        return a, a @ w2 + b2

    def train(self, epochs: int = 1) -> MLPPopulation:
        """Train every member for ``epochs`` more epochs (mini-batch SGD with momentum, or Adam)."""
        epochs = validate.integer(epochs, "epochs", minimum=1)
        n = len(self.x)
        onehot = np.eye(self.n_classes)[self.y]
        lr = self.lr[:, None, None]
        beta1 = self.momentum[:, None, None]
        with np.errstate(all="ignore"):
            for _ in range(epochs):
                order = self._shuffle.permutation(n)
                for start in range(0, n, self.batch_size):
                    idx = order[start:start + self.batch_size]
                    xb, tb = self.x[idx], onehot[idx]
                    a, z = self._forward(xb)
                    dz = (_softmax(z) - tb) / len(idx)           # d loss / d logits, (P, B, C)
                    da = (dz @ self.params[2].transpose(0, 2, 1)) * (a > 0)
                    grads = [xb.T @ da, da.sum(axis=1, keepdims=True),
                             a.transpose(0, 2, 1) @ dz, dz.sum(axis=1, keepdims=True)]
                    self.steps += 1
                    self._update(grads, lr, beta1)
            self.epochs_trained += epochs
            self.epochs_spent += epochs * self.size
        return self

    def _update(self, grads, lr, beta1):
        t = self.steps
        for i, g in enumerate(grads):
            if self.optimizer == "sgd":        # Keras SGD: v = m * v - lr * g; w += v
                self.m[i] = beta1 * self.m[i] - lr * g
                self.params[i] = self.params[i] + self.m[i]
            else:                              # Keras Adam (epsilon 1e-7)
                self.m[i] = beta1 * self.m[i] + (1 - beta1) * g
                self.v[i] = 0.999 * self.v[i] + 0.001 * g * g
                alpha = lr * np.sqrt(1 - 0.999 ** t) / (1 - beta1 ** t)
                self.params[i] = self.params[i] - alpha * self.m[i] / (np.sqrt(self.v[i]) + 1e-7)

    def evaluate(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        """Accuracy and mean cross-entropy of every member on ``(x, y)``: two arrays of length P."""
        x = validate.array(x, "x", shape=(None, self.x.shape[1]))
        y = validate.labels(y, "y", n_classes=self.n_classes, length=len(x))
        with np.errstate(all="ignore"):
            _, z = self._forward(x)
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


def _check_configs(configs) -> dict:
    if not isinstance(configs, dict) or "learning_rate" not in configs:
        raise TypeError(f"configs must be a dict with a 'learning_rate' array (and optionally "
                        f"'momentum'), e.g. from random_configs; got {validate.describe(configs)}.")
    return configs


def _search(configs: dict, data, epochs: int, seed: int, **net) -> dict:
    x_train, y_train, x_val, y_val = data
    pop = MLPPopulation(x_train, y_train, learning_rates=configs["learning_rate"],
                        momenta=configs.get("momentum"), seed=seed, **net)
    pop.train(epochs)
    acc, loss = pop.evaluate(x_val, y_val)
    best = int(np.argmax(acc))
    return {"configs": configs, "accuracy": acc, "loss": loss, "best": best,
            "best_accuracy": float(acc[best]), "epochs_spent": pop.epochs_spent}


def _check_data(data):
    if not isinstance(data, tuple | list) or len(data) != 4:
        raise TypeError("data must be (x_train, y_train, x_val, y_val).")
    return data


def grid_search(space: dict, budget: int, data, *, epochs: int = 10, seed: int = 0, **net) -> dict:
    """Train the grid of about ``budget`` configurations on ``data = (x_train, y_train, x_val, y_val)``.

    ``space`` must hold ``learning_rate`` and may hold ``momentum``. Returns the configurations,
    each one's validation accuracy and loss, the index of the best and its accuracy.
    ``net`` goes to :class:`MLPPopulation` (``optimizer``, ``hidden``, ``batch_size``).
    """
    data = _check_data(data)
    if "learning_rate" not in _check_space(space):
        raise ValueError("space must hold a 'learning_rate' dimension.")
    epochs = validate.integer(epochs, "epochs", minimum=1)
    return _search(grid_configs(space, budget), data, epochs, validate.seed(seed), **net)


def random_search(space: dict, budget: int, data, *, epochs: int = 10, seed: int = 0, **net) -> dict:
    """Like :func:`grid_search`, with ``budget`` random draws (from ``np.random.default_rng(seed)``)."""
    data = _check_data(data)
    if "learning_rate" not in _check_space(space):
        raise ValueError("space must hold a 'learning_rate' dimension.")
    epochs = validate.integer(epochs, "epochs", minimum=1)
    seed = validate.seed(seed)
    configs = random_configs(space, budget, np.random.default_rng(seed))
    return _search(configs, data, epochs, seed, **net)


def successive_halving(configs: dict, data, *, max_epochs: int = 9, factor: int = 3,
                       seed: int = 0, **net) -> dict:
    """Successive halving: train all configs briefly, keep the best ``1/factor``, train those longer.

    Rungs at ``max_epochs / factor**k`` epochs (e.g. 1, 3, 9); members continue from where they
    stopped (no retraining from scratch). Returns the final accuracy of the survivors, the index
    (into ``configs``) of the best, its accuracy, the epochs spent, and the rungs as a list of
    dicts ``{"epochs", "members" (indices into configs), "accuracy"}``.
    """
    data = _check_data(data)
    configs = _check_configs(configs)
    max_epochs = validate.integer(max_epochs, "max_epochs", minimum=1)
    factor = validate.integer(factor, "factor", minimum=2)
    x_train, y_train, x_val, y_val = data
    pop = MLPPopulation(x_train, y_train, learning_rates=configs["learning_rate"],
                        momenta=configs.get("momentum"), seed=validate.seed(seed), **net)
    rungs, target = [], max_epochs
    while target >= 1:
        rungs.append(target)
        target //= factor
    rungs = rungs[::-1]
    alive = np.arange(pop.size)
    history = []
    for r, epochs in enumerate(rungs):
        pop.train(epochs - int(pop.epochs_trained[0]))
        acc, _ = pop.evaluate(x_val, y_val)
        history.append({"epochs": epochs, "members": alive.copy(), "accuracy": acc})
        if r < len(rungs) - 1:
            n_keep = max(1, pop.size // factor)
            top = np.argsort(-acc, kind="stable")[:n_keep]
            alive, _ = alive[top], pop.keep(top)
    best = int(np.argmax(acc))
    return {"accuracy": acc, "best": int(alive[best]), "best_accuracy": float(acc[best]),
            "epochs_spent": pop.epochs_spent, "rungs": history}


# --------------------------------------------------------------------------- keras-tuner


_RECORDER = None


def epoch_recorder():
    """A Keras callback that records every epoch any trial of a keras-tuner search trains.

    keras-tuner deep-copies the callbacks it is given for each trial; this one returns itself from
    ``copy.deepcopy``, so one object sees the whole search. Its ``records`` is a list of dicts: the
    running count of epochs ``spent``, the trial's own ``epoch``, and the epoch's logs
    (``val_accuracy``...).
    """
    global _RECORDER
    if _RECORDER is None:
        import keras

        class EpochRecorder(keras.callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.records = []

            def __deepcopy__(self, memo):
                return self

            def on_epoch_end(self, epoch, logs=None):
                self.records.append({"spent": len(self.records) + 1, "epoch": epoch + 1,
                                     **{k: float(v) for k, v in (logs or {}).items()}})

        _RECORDER = EpochRecorder
    return _RECORDER()


def trials_frame(tuner):
    """Every trial of a keras-tuner search (``tuner.oracle.trials``) as a pandas DataFrame.

    One row per trial, in trial order: ``trial_id``, ``status``, ``score``, each hyper-parameter
    value (Hyperband's own bookkeeping as ``tuner/epochs``, ``tuner/initial_epoch``...), and
    ``epochs_trained`` (``tuner/epochs - tuner/initial_epoch`` for Hyperband, else ``NaN``).
    """
    import pandas as pd

    oracle = getattr(tuner, "oracle", None)
    trials = getattr(oracle, "trials", None)
    if not isinstance(trials, dict):
        raise TypeError(f"trials_frame needs a keras-tuner tuner (with .oracle.trials), got "
                        f"{validate.describe(tuner)}.")
    rows = []
    for trial_id, trial in trials.items():
        values = dict(trial.hyperparameters.values)
        row = {"trial_id": trial_id, "status": str(trial.status), "score": trial.score, **values}
        if "tuner/epochs" in values:
            row["epochs_trained"] = values["tuner/epochs"] - values.get("tuner/initial_epoch", 0)
        rows.append(row)
    frame = pd.DataFrame(rows)
    if "epochs_trained" not in frame:
        frame["epochs_trained"] = np.nan
    return frame


def best_so_far(records, metric: str = "val_accuracy"):
    """From :func:`epoch_recorder` records: epochs spent and the best ``metric`` seen so far."""
    if not isinstance(records, list) or not records:
        raise ValueError("records must be a non-empty list (epoch_recorder().records after a search).")
    if metric not in records[0]:
        raise ValueError(f"metric {metric!r} is not in the records; they hold "
                         f"{sorted(k for k in records[0] if k not in ('spent', 'epoch'))}.")
    spent = np.array([r["spent"] for r in records])
    return spent, np.maximum.accumulate(np.array([r[metric] for r in records]))


# --------------------------------------------------------------------------- experiment logs


def fresh_run_dir(name: str, root: Path | str | None = None) -> Path:
    """A new, empty folder ``root/name/run-<time>-<random>`` (root: the git-ignored ``build/``).

    Give each tuner run its own folder (and ``overwrite=True``): a keras-tuner tuner pointed at an
    old folder resumes the old search instead of starting a new one.
    """
    if not isinstance(name, str) or not name or "/" in name or name.startswith("."):
        raise ValueError(f"name must be a plain folder name such as '15_tuning', got {name!r}.")
    root = BUILD_DIR if root is None else Path(root)
    parent = root / name
    parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=time.strftime("run-%Y%m%d-%H%M%S-"), dir=parent))


def load_csv_logs(folder, pattern: str = "**/*.csv"):
    """Every CSV log under ``folder`` (as ``keras.callbacks.CSVLogger`` writes them) in one DataFrame.

    A ``run`` column holds each file's folder relative to ``folder`` (e.g. ``depth2_width64``).
    """
    import pandas as pd

    folder = Path(folder) if isinstance(folder, str | Path) else None
    if folder is None or not folder.is_dir():
        raise ValueError(f"folder must be an existing directory, got {folder!r}.")
    files = sorted(folder.glob(pattern))
    if not files:
        raise ValueError(f"no CSV files matching {pattern!r} under the folder {folder.name!r}: did "
                         f"the runs use keras.callbacks.CSVLogger with a path inside it?")
    frames = []
    for f in files:
        df = pd.read_csv(f)
        df.insert(0, "run", f.parent.relative_to(folder).as_posix() if f.parent != folder else f.stem)
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------- compute of a CNN


def conv_flops(depth: int, width: int, resolution: int, *, in_channels: int = 1,
               kernel: int = 3) -> int:
    """Multiply-adds of ``depth`` 3x3 'same' convolutions with ``width`` channels on a square image.

    The first layer maps ``in_channels`` to ``width``; the others ``width`` to ``width``:
    ``resolution**2 * kernel**2 * (in_channels * width + (depth - 1) * width**2)``. For a deep
    stack this grows like ``depth * width**2 * resolution**2`` (EfficientNet's compute formula).
    """
    depth = validate.integer(depth, "depth", minimum=1)
    width = validate.integer(width, "width", minimum=1)
    resolution = validate.integer(resolution, "resolution", minimum=1)
    in_channels = validate.integer(in_channels, "in_channels", minimum=1)
    kernel = validate.integer(kernel, "kernel", minimum=1)
    return resolution ** 2 * kernel ** 2 * (in_channels * width + (depth - 1) * width ** 2)
