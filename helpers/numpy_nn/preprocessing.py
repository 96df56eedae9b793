"""Preparing inputs: standardise each feature with statistics from the training split."""

from __future__ import annotations

import numpy as np

from helpers import validate

__all__ = ["normalise"]


def normalise(X, mean=None, std=None):
    """Standardise each column: ``(X - mean) / std``; returns ``(X_normalised, mean, std)``.

    Without ``mean``/``std`` they are computed from ``X`` (the population standard deviation,
    dividing by ``m``, as Keras's ``Normalization.adapt`` does). Compute them on the training split
    and pass them back in for validation, test and future data::

        Xn_train, mu, sigma = normalise(X_train)
        Xn_test, _, _ = normalise(X_test, mu, sigma)

    A column that is constant in the data it was computed from gets ``std`` 1 (it is only centred),
    as scikit-learn's ``StandardScaler`` does, instead of a division by zero.
    """
    X = validate.array(X, "X", ndim=2)
    if (mean is None) != (std is None):
        raise ValueError("normalise: give both mean and std (the training statistics), or neither "
                         "to compute them from X.")
    if mean is None:
        mean = X.mean(axis=0)
        std = X.std(axis=0)
        std = np.where(std > 0, std, 1.0)
    else:
        mean = validate.array(mean, "mean", shape=(X.shape[1],))
        std = validate.array(std, "std", shape=(X.shape[1],))
        if np.any(std <= 0):
            raise ValueError(f"std must be positive for every column, got {std}; pass the std "
                             f"returned by normalise(X_train).")
    return (X - mean) / std, mean, std
