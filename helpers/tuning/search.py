"""Grid search, random search and successive halving at equal budgets, on :class:`MLPPopulation`.

Each search trains its configurations as populations of networks (every member sees the same
mini-batches and starts from the same weights) and reports each one's validation accuracy. A
configuration may set ``learning_rate`` (required), ``momentum`` and ``batch_size``: members with
the same batch size train as one population, so every dimension given is used; any other
dimension is refused rather than drawn and ignored.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from helpers import validate
from helpers.tuning.population import MLPPopulation
from helpers.tuning.spaces import _check_space, grid_configs, random_configs

__all__ = ["grid_search", "random_search", "successive_halving", "DIMENSIONS"]

#: The hyper-parameters a search may vary (each configuration's value is used for that member).
DIMENSIONS = ("learning_rate", "momentum", "batch_size")
#: The fixed network settings ``**net`` may give (see :class:`MLPPopulation`).
NET_SETTINGS = ("optimizer", "hidden", "batch_size", "n_classes")


def _check_dimensions(names, what: str) -> None:
    unknown = sorted(str(n) for n in names if n not in DIMENSIONS)
    if unknown:
        raise ValueError(f"{what} has the dimension(s) {unknown}, which the searches cannot vary "
                         f"(they would be drawn and ignored); use only {list(DIMENSIONS)}.")
    if "learning_rate" not in names:
        raise ValueError(f"{what} must hold a 'learning_rate' dimension.")


def _check_configs(configs) -> dict:
    if not isinstance(configs, Mapping):
        raise TypeError(f"configs must be a dict name -> array (e.g. from random_configs), got "
                        f"{validate.describe(configs)}.")
    _check_dimensions(configs, "configs")
    arrays = {name: validate.array(values, f"configs[{name!r}]", ndim=1)
              for name, values in configs.items()}
    for name, values in arrays.items():
        validate.same_length("configs['learning_rate']", arrays["learning_rate"],
                             f"configs[{name!r}]", values)
    if "batch_size" in arrays:
        sizes = arrays["batch_size"]
        if np.any(sizes != np.round(sizes)) or sizes.min() < 1:
            raise ValueError(f"configs['batch_size'] must hold whole numbers >= 1, got "
                             f"{sorted(set(sizes.tolist()))[:6]}.")
        arrays["batch_size"] = sizes.astype(np.int64)
    return arrays


def _check_net(net: dict, configs: dict) -> dict:
    unknown = sorted(set(net) - set(NET_SETTINGS))
    if unknown:
        raise TypeError(f"unknown setting(s) {unknown}; a search passes only {list(NET_SETTINGS)} "
                        f"on to MLPPopulation (seed is the search's own argument).")
    if "batch_size" in net and "batch_size" in configs:
        raise ValueError("batch_size is both a search dimension and a fixed setting "
                         "(batch_size=...): keep one.")
    return net


class _Groups:
    """The configurations as populations, one per batch size, indexed by configuration number."""

    def __init__(self, configs: dict, x, y, seed: int, net: dict):
        n = len(configs["learning_rate"])
        sizes = configs.get("batch_size")
        if sizes is None:
            parts = [(np.arange(n), {})]
        else:
            parts = [(np.flatnonzero(sizes == b), {"batch_size": int(b)}) for b in np.unique(sizes)]
        self.groups = []
        for members, extra in parts:
            momenta = configs["momentum"][members] if "momentum" in configs else None
            self.groups.append((members, MLPPopulation(
                x, y, learning_rates=configs["learning_rate"][members], momenta=momenta,
                seed=seed, **net, **extra)))
        self.alive = np.concatenate([m for m, _ in self.groups])
        self.epochs_spent = 0

    def train_to(self, epochs: int) -> None:
        for _, pop in self.groups:
            more = epochs - int(pop.epochs_trained[0])
            if more > 0:
                pop.train(more)
                self.epochs_spent += more * pop.size

    def evaluate(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        """Accuracy and loss of every alive configuration, in the order of ``self.alive``."""
        where = {int(g): k for k, g in enumerate(self.alive)}
        acc, loss = np.empty(len(self.alive)), np.empty(len(self.alive))
        for members, pop in self.groups:
            a, l_ = pop.evaluate(x, y)
            rows = [where[int(g)] for g in members]
            acc[rows], loss[rows] = a, l_
        return acc, loss

    def keep(self, chosen: np.ndarray) -> None:
        """Keep the configurations ``chosen`` (indices into the configs), in that order."""
        rank = {int(g): r for r, g in enumerate(chosen)}
        kept = []
        for members, pop in self.groups:
            local = sorted((i for i, g in enumerate(members) if int(g) in rank),
                           key=lambda i: rank[int(members[i])])
            if local:
                pop.keep(np.array(local))
                kept.append((members[local], pop))
        self.groups = kept
        self.alive = np.array(chosen)


def _search(configs: dict, data, epochs: int, seed: int, net: dict) -> dict:
    x_train, y_train, x_val, y_val = data
    groups = _Groups(configs, x_train, y_train, seed, net)
    groups.train_to(epochs)
    acc, loss = groups.evaluate(x_val, y_val)
    best = int(np.argmax(acc))
    return {"configs": configs, "accuracy": acc, "loss": loss, "best": best,
            "best_accuracy": float(acc[best]), "epochs_spent": groups.epochs_spent}


def _check_data(data):
    if not isinstance(data, tuple | list) or len(data) != 4:
        raise TypeError(f"data must be the tuple (x_train, y_train, x_val, y_val), got "
                        f"{validate.describe(data)}.")
    return data


def grid_search(space: dict, budget: int, data, *, epochs: int = 10, seed: int = 0, **net) -> dict:
    """Train the grid of about ``budget`` configurations on ``data = (x_train, y_train, x_val, y_val)``.

    ``space`` must hold ``learning_rate`` and may hold ``momentum`` and ``batch_size`` (any other
    dimension raises). Returns the configurations, each one's validation accuracy and loss, the
    index of the best, its accuracy and the epochs spent (over all configurations). ``net`` goes to
    :class:`MLPPopulation` (``optimizer``, ``hidden``, ``batch_size``, ``n_classes``).
    """
    data = _check_data(data)
    _check_dimensions(_check_space(space), "space")
    epochs = validate.integer(epochs, "epochs", minimum=1)
    seed = validate.seed(seed)
    configs = _check_configs(grid_configs(space, budget))
    return _search(configs, data, epochs, seed, _check_net(net, configs))


def random_search(space: dict, budget: int, data, *, epochs: int = 10, seed: int = 0, **net) -> dict:
    """Like :func:`grid_search`, with ``budget`` random draws (from ``np.random.default_rng(seed)``)."""
    data = _check_data(data)
    _check_dimensions(_check_space(space), "space")
    epochs = validate.integer(epochs, "epochs", minimum=1)
    seed = validate.seed(seed)
    configs = _check_configs(random_configs(space, budget, np.random.default_rng(seed)))
    return _search(configs, data, epochs, seed, _check_net(net, configs))


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
    net = _check_net(net, configs)
    max_epochs = validate.integer(max_epochs, "max_epochs", minimum=1)
    factor = validate.integer(factor, "factor", minimum=2)
    rungs, target = [], max_epochs
    while target >= 1:
        rungs.append(target)
        target //= factor
    rungs = rungs[::-1]
    x_train, y_train, x_val, y_val = data
    groups = _Groups(configs, x_train, y_train, validate.seed(seed), net)
    keep = [max(1, len(configs["learning_rate"]) // factor ** r) for r in range(len(rungs))]
    return _halve(groups, list(zip(keep, rungs, strict=True)), x_val, y_val)


def _halve(groups: _Groups, rounds, x_val, y_val) -> dict:
    """The halving loop: for each ``(n, epochs)`` round keep the best ``n`` alive, train them to ``epochs``.

    Survivors continue from their weights. Shared by :func:`successive_halving` (``n`` shrinking by
    ``factor`` each rung) and :func:`helpers.tuning.hyperband` (each bracket's rounds). Returns the
    final accuracy of the survivors, the index (into the configs) of the best, its accuracy, the
    epochs spent, the trials (configurations summed over rounds) and the rungs as a list of dicts
    ``{"epochs", "members" (indices into configs), "accuracy"}``.
    """
    history, acc, trials = [], None, 0
    for n, epochs in rounds:
        if acc is not None:                       # the best n of the last round continue
            top = np.argsort(-acc, kind="stable")[:n]
            groups.keep(groups.alive[top])
        groups.train_to(epochs)
        acc, _ = groups.evaluate(x_val, y_val)
        trials += len(groups.alive)
        history.append({"epochs": epochs, "members": groups.alive.copy(), "accuracy": acc})
    best = int(np.argmax(acc))
    return {"accuracy": acc, "best": int(groups.alive[best]), "best_accuracy": float(acc[best]),
            "epochs_spent": groups.epochs_spent, "trials": trials, "rungs": history}
