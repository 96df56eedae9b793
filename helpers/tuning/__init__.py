"""Hyper-parameter tuning, small and in the open (lesson 15), one idea per module.

``spaces`` (what to search over), ``population`` (many NumPy networks trained side by side),
``search`` (grid, random, successive halving at equal budgets), ``hyperband`` (keras-tuner's
Hyperband schedule, its budget, and the search on the twin), ``trials`` (keras-tuner searches
as tables) and ``scaling`` (the compute of a CNN, for compound scaling). Run folders and CSV logs
are ``helpers.experiments``'s.
"""

from helpers.tuning.hyperband import hyperband, hyperband_brackets, hyperband_budget
from helpers.tuning.population import MLPPopulation
from helpers.tuning.scaling import conv_flops
from helpers.tuning.search import grid_search, random_search, successive_halving
from helpers.tuning.spaces import (
    LogUniform,
    PowersOfTwo,
    Uniform,
    grid_configs,
    log_uniform,
    random_configs,
)
from helpers.tuning.trials import best_so_far, epoch_recorder, trials_frame

__all__ = [
    "LogUniform", "Uniform", "PowersOfTwo", "log_uniform", "grid_configs", "random_configs",
    "MLPPopulation", "grid_search", "random_search", "successive_halving", "epoch_recorder",
    "trials_frame", "best_so_far", "conv_flops", "hyperband_brackets", "hyperband_budget",
    "hyperband",
]
