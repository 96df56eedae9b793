"""Grid search, random search and successive halving at equal budgets, on :class:`MLPPopulation`.

Each search trains its configurations as one population of networks (every member sees the same
mini-batches and starts from the same weights) and reports each one's validation accuracy.
"""

from __future__ import annotations

import numpy as np

from helpers import validate
from helpers.tuning.population import MLPPopulation
from helpers.tuning.spaces import _check_space, grid_configs, random_configs

__all__ = ["grid_search", "random_search", "successive_halving"]


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
