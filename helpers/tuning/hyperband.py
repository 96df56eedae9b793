"""Hyperband: its schedule as keras-tuner computes it, and the search itself on :class:`MLPPopulation`.

Hyperband (Li et al., 2018) runs several *brackets* of successive halving, from an aggressive one
(many configurations started at 1 epoch, the best ``1/factor`` continued) to a cautious one (a few
configurations trained to ``max_epochs`` from the start). :func:`hyperband_brackets` gives the
schedule with keras-tuner's own formulas (``keras_tuner.Hyperband``'s oracle: ``_get_size``,
``_get_epochs``, ``_get_num_brackets``), so a lesson can derive the budget of a real keras-tuner
search and check it against what the search trained; :func:`hyperband_budget` adds it up;
:func:`hyperband` runs the same schedule on the NumPy twin (each bracket through
:mod:`helpers.tuning.search`'s halving loop), where many seeds are affordable.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from helpers import validate
from helpers.tuning.search import (
    _check_configs,
    _check_data,
    _check_dimensions,
    _check_net,
    _Groups,
    _halve,
)
from helpers.tuning.spaces import _check_space, random_configs

__all__ = ["hyperband_brackets", "hyperband_budget", "hyperband"]


def _check_schedule(max_epochs, factor) -> tuple[int, int]:
    max_epochs = validate.integer(max_epochs, "max_epochs", minimum=1)
    factor = validate.integer(factor, "factor", minimum=2)
    return max_epochs, factor


def hyperband_brackets(max_epochs: int, factor: int = 3) -> list[list[tuple[int, int]]]:
    """keras-tuner's Hyperband schedule: one list per bracket, most aggressive bracket first.

    Each bracket is its rounds as ``(configurations, epochs)`` pairs: round ``r`` of bracket ``b``
    trains ``ceil(top / (b + 1) * factor**(b - r))`` configurations up to
    ``ceil(max_epochs / factor**(b - r))`` epochs, where ``top = ceil(1 + log_factor(max_epochs))``
    and there is one bracket per rung ``max_epochs, max_epochs / factor, ... >= 1``. Survivors
    continue from the weights of the previous round. ``hyperband_brackets(9, 3)`` is
    ``[[(9, 1), (3, 3), (1, 9)], [(5, 3), (2, 9)], [(3, 9)]]``.
    """
    max_epochs, factor = _check_schedule(max_epochs, factor)
    n_brackets, epochs = 0, max_epochs
    while epochs >= 1:             # keras-tuner: a bracket per rung down to one epoch
        epochs = epochs / factor
        n_brackets += 1
    top = math.ceil(1 + math.log(max_epochs, factor))
    return [[(math.ceil(top / (b + 1) * factor ** (b - r)), math.ceil(max_epochs / factor ** (b - r)))
             for r in range(b + 1)] for b in reversed(range(n_brackets))]


def hyperband_budget(max_epochs: int, factor: int = 3) -> dict:
    """What one Hyperband iteration costs: trials, configurations and epochs, bracket by bracket.

    A *trial* is one round of one configuration (keras-tuner counts a continued configuration as a
    new trial); the epochs count only what is trained (a survivor trains from its last round's
    epochs to the next). Returns ``{"brackets", "trials", "configurations", "epochs",
    "bracket_epochs"}``.
    """
    brackets = hyperband_brackets(max_epochs, factor)
    bracket_epochs = []
    for rounds in brackets:
        done, spent = 0, 0
        for n, epochs in rounds:
            spent += n * (epochs - done)
            done = epochs
        bracket_epochs.append(spent)
    return {"brackets": brackets, "trials": sum(n for rounds in brackets for n, _ in rounds),
            "configurations": sum(rounds[0][0] for rounds in brackets),
            "epochs": sum(bracket_epochs), "bracket_epochs": bracket_epochs}


def hyperband(space: Mapping, data, *, max_epochs: int = 9, factor: int = 3, seed: int = 0,
              **net) -> dict:
    """One Hyperband iteration on the NumPy twin, with :func:`hyperband_brackets`'s schedule.

    Each bracket draws its configurations from ``space`` (the dimensions of
    :mod:`helpers.tuning.search`: ``learning_rate`` required, ``momentum`` and ``batch_size``
    optional; from ``np.random.default_rng(seed)``, bracket after bracket) and runs search's
    halving loop on them (seed ``seed + bracket``): after each round the best ``configurations``
    of the next round continue from their weights. ``net`` goes to :class:`MLPPopulation`
    (``optimizer``, ``hidden``, ``batch_size``, ``n_classes``). The result is found at the end of
    the brackets, where every survivor has ``max_epochs``: ``best_accuracy`` is the best validation
    accuracy of a configuration trained to ``max_epochs``, as a random search's trials are.
    Returns ``{"best_accuracy", "best_config", "epochs_spent", "configurations", "trials",
    "brackets"}``; each bracket ``{"rounds": [(configurations, epochs)], "accuracy": final
    accuracies, "configs": its configurations}``.
    """
    space = _check_space(space)
    _check_dimensions(space, "space")
    data = _check_data(data)
    seed = validate.seed(seed)
    x_train, y_train, x_val, y_val = data
    rng = np.random.default_rng(seed)
    best, best_config, spent, trials, results = -1.0, None, 0, 0, []
    for b, rounds in enumerate(hyperband_brackets(max_epochs, factor)):
        configs = _check_configs(random_configs(space, rounds[0][0], rng))
        groups = _Groups(configs, x_train, y_train, seed + b, _check_net(net, configs))
        run = _halve(groups, rounds, x_val, y_val)
        spent, trials = spent + run["epochs_spent"], trials + run["trials"]
        if run["best_accuracy"] > best:
            best = run["best_accuracy"]
            best_config = {name: float(values[run["best"]]) for name, values in configs.items()}
        results.append({"rounds": rounds, "accuracy": run["accuracy"], "configs": configs})
    return {"best_accuracy": best, "best_config": best_config, "epochs_spent": spent,
            "configurations": sum(rounds[0][0] for rounds in (r["rounds"] for r in results)),
            "trials": trials, "brackets": results}
