"""Neural-network pieces written from scratch in NumPy, one idea per module.

The lessons build each piece in the open first; later lessons import it from here:
``activations``, ``layers`` (dense forward and backward), ``losses``, ``gradient`` (numerical
gradient, relative error), ``initialisers``, ``optimisers``, ``normalisation``, ``preprocessing``.
Every module holds small unchecked kernels (``_softmax``) under checked public functions
(``softmax``), which raise ``TypeError``/``ValueError`` on bad inputs instead of a ``nan``.
"""

from helpers.numpy_nn.activations import (
    ACTIVATIONS,
    get_activation,
    linear,
    log_softmax,
    relu,
    sigmoid,
    softmax,
    tanh,
)
from helpers.numpy_nn.gradient import numerical_gradient, relative_error
from helpers.numpy_nn.initialisers import glorot_uniform
from helpers.numpy_nn.layers import dense, dense_loop, sequential
from helpers.numpy_nn.losses import (
    cross_entropy_error,
    cross_entropy_from_logits,
    mean_squared_error,
)
from helpers.numpy_nn.normalisation import (
    batch_norm,
    batch_norm_backward,
    layer_norm,
    layer_norm_backward,
)
from helpers.numpy_nn.optimisers import Adam, GradientDescent, Momentum
from helpers.numpy_nn.preprocessing import normalise

__all__ = [
    "sigmoid", "relu", "tanh", "linear", "softmax", "log_softmax", "ACTIVATIONS",
    "get_activation", "dense_loop", "dense", "sequential", "mean_squared_error",
    "cross_entropy_error", "cross_entropy_from_logits", "numerical_gradient", "relative_error",
    "glorot_uniform", "GradientDescent", "Momentum", "Adam", "batch_norm", "batch_norm_backward",
    "layer_norm", "layer_norm_backward",
    "normalise",
]
