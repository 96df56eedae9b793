"""helpers: the small package the companion's lessons import.

Each module does one thing (see README, "The helpers package"):

- ``numpy_nn``     from-scratch pieces: activations, dense layers, losses, numerical gradient, optimisers
- ``data``         every dataset a lesson uses, deterministic given a seed; checksum-verified ``data/`` files
- ``metrics``      confusion matrix, precision/recall/F1, precision-recall curve
- ``experiments``  timing and small experiment utilities
- ``plots``        the plots more than one lesson draws
- ``claims``       ``check_claim``: print the measurement behind a claim and assert it
- ``checks``       exercise checks: run a learner's function on fresh inputs and say what is off
- ``offline``      the guard that makes any non-loopback network connection fail
- ``features``     hand-made image features (a HOG-like extractor; lesson 01)
- ``backprop``     a two-layer network with hand-written backprop (lesson 06)

Importing ``helpers`` is cheap: TensorFlow is imported only by ``setup`` (or by a module that needs it).
"""

from __future__ import annotations

import os
import platform
import random
import sys

__all__ = ["setup", "versions", "DEFAULT_THREADS"]

#: TensorFlow's intra-op thread count changes the last digits of results; pin it everywhere.
DEFAULT_THREADS = 2

# Set before TensorFlow is first imported; later changes are ignored by TF.
_TF_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "3",  # hide C++ INFO/WARNING logs
    "TF_ENABLE_ONEDNN_OPTS": "0",  # oneDNN reorders float sums: turn it off for repeatable digits
}


def _configure_environment(threads: int) -> None:
    for key, value in _TF_ENV.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("TF_NUM_INTRAOP_THREADS", str(threads))
    os.environ.setdefault("TF_NUM_INTEROP_THREADS", str(threads))


def setup(seed: int = 42, *, threads: int = DEFAULT_THREADS, blas_threads: int = 1,
          quiet: bool = False, use_keras: bool = True) -> dict:
    """Prepare a lesson: seed every random generator, quiet TensorFlow, set the plot style.

    Call it once, right after the parameters cell::

        from helpers import setup
        setup(seed)

    - seeds Python's ``random``, NumPy's global generator and TensorFlow (via
      ``keras.utils.set_random_seed``); code that wants its own generator should use
      ``np.random.default_rng(seed)``, which no global seed reaches;
    - pins TensorFlow's thread counts (results are bit-identical run to run only for a fixed count)
      and hides its C++ log lines; both must happen before TensorFlow is imported, so a warning is
      printed if it already was with other settings;
    - limits NumPy's BLAS to ``blas_threads`` threads (1): the lessons' matrices are small, and on a
      busy 2-core machine a second BLAS thread makes small products tens of times slower;
    - sets one matplotlib style for every lesson;
    - prints (unless ``quiet``) and returns the versions that matter for reproducing results.

    ``use_keras=False`` skips importing TensorFlow, for numpy-only lessons.
    """
    if not isinstance(seed, int | _np_integer_types()) or isinstance(seed, bool):
        raise TypeError(f"seed must be an integer, got {seed!r} ({type(seed).__name__}).")
    if not 0 <= int(seed) < 2**32:
        raise ValueError(f"seed must be in [0, 2**32), got {seed}.")
    if not isinstance(threads, int) or threads < 1:
        raise ValueError(f"threads must be a positive integer, got {threads!r}.")
    seed = int(seed)

    tf_was_loaded = "tensorflow" in sys.modules
    _configure_environment(threads)

    import numpy as np

    random.seed(seed)
    np.random.seed(seed)
    _limit_blas_threads(blas_threads)
    if use_keras:
        import keras

        keras.utils.set_random_seed(seed)
        if tf_was_loaded and os.environ.get("TF_NUM_INTRAOP_THREADS") != str(threads):
            print("Note: TensorFlow was imported before setup(); its thread settings may differ "
                  "from the ones the saved outputs were made with. Restart the kernel to be exact.")
    _set_plot_style()
    info = versions(include_tensorflow=use_keras)
    info["seed"] = seed
    if not quiet:
        print(" | ".join(f"{k} {v}" for k, v in info.items()))
    return info


def _limit_blas_threads(blas_threads: int) -> None:
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # threadpoolctl comes with scikit-learn; without it, leave BLAS alone
        return
    threadpool_limits(limits=blas_threads, user_api="blas")


def _np_integer_types():
    import numpy as np

    return np.integer


def versions(include_tensorflow: bool = True) -> dict:
    """The versions of Python and of the libraries whose changes can move a lesson's numbers."""
    import matplotlib
    import numpy as np

    info = {"python": platform.python_version(), "numpy": np.__version__,
            "matplotlib": matplotlib.__version__}
    if include_tensorflow:
        import keras
        import tensorflow as tf

        info["tensorflow"] = tf.__version__
        info["keras"] = keras.__version__
    return info


def _set_plot_style() -> None:
    import matplotlib as mpl

    mpl.rcParams.update({
        "figure.figsize": (6.4, 4.0),
        "figure.dpi": 80,           # small PNGs keep the committed notebooks light
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "legend.frameon": False,
        "font.size": 10,
    })
