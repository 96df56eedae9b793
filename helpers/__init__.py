"""helpers: what the companion's lessons import, one idea per module (the runner, reports and
other tooling are the ``tools`` package's; nothing here imports it).

- ``validate``       the one place input checks live: every helper fails the same clear way
- ``numpy_nn``       from-scratch pieces in NumPy, one module each: ``activations``, ``layers``,
                     ``losses``, ``gradient``, ``initialisers``, ``optimisers``, ``normalisation``,
                     ``preprocessing``; unchecked kernels under checked functions
- ``backprop``       a two-layer network with hand-written backpropagation, on numpy_nn's kernels
- ``data``           every dataset a lesson uses, deterministic given a seed; the stratified
                     three-way split; checksum-verified ``data/`` files
- ``images``         the one reading of image arrays (a stack, flat rows, one image)
- ``glyphs``         characters rendered from matplotlib's fonts as 8x8 digit-like images
- ``features``       hand-made image features (a HOG-like extractor)
- ``training``       Keras pieces: dense_network, train_full_batch, reset_model, model_outputs
- ``evaluation``     data with known noise, classification error, bias/variance diagnosis,
                     learning curves
- ``metrics``        confusion matrix, precision/recall/F1, precision-recall curve
- ``error_analysis`` image properties (ink, slant), error categories and their counts
- ``augmentation``   new labelled images from old: whole-pixel shifts, shear, width, elastic
                     distortion, variants
- ``runs``           many runs of the digits network trained side by side in NumPy, each on
                     its own batches (Keras's steps, checked against Keras)
- ``side_by_side``   several Keras models trained as one wide model (one traced step), each
                     on its own data, learning rate and batch order
- ``transfer``       the shipped letters CNN: checksum, safe loading, transfer recipes
- ``tuning``         search spaces, a NumPy population of networks, grid/random search and
                     successive halving and Hyperband, keras-tuner trials as tables, compound scaling
- ``experiments``    timing, a fresh run folder under ``build/``, CSV logs of runs
- ``drift``          drifting input batches, a KS detector and the population stability index
- ``distributed``    data parallelism in NumPy, logical devices, worker processes
- ``serving``        a TensorFlow-Serving-style REST server in its own process (no Keras), and
                     its client
- ``processes``      child processes that die with their parent or after a deadline of their own
- ``plots``          the lessons' plots: curves, boundaries, images, confusion matrices, errors
- ``claims``         ``check_claim``: named comparisons with margins; the claim-line format
- ``exercises``      ``check("NN.k", answer)``: the check engines and each lesson's exercises

Importing ``helpers`` is cheap: TensorFlow is imported only by ``setup`` (or by a module that needs it).
"""

from __future__ import annotations

import os
import platform
import random
import sys
import warnings

__all__ = ["setup", "versions", "DEFAULT_THREADS"]

#: TensorFlow's intra-op thread count changes the last digits of results; pin it everywhere.
DEFAULT_THREADS = 2

# Set before TensorFlow is first imported; later changes are ignored by TF.
_TF_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "3",  # hide C++ INFO/WARNING logs
    "TF_ENABLE_ONEDNN_OPTS": "0",  # oneDNN reorders float sums: turn it off for repeatable digits
}


_THREAD_VARS = ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")


def _configure_environment(threads: int | None) -> str:
    """Set TensorFlow's environment; return the intra-op thread count TensorFlow will use.

    A thread count already pinned in the environment (``make`` and the tests pin 2) wins: with
    ``threads=None`` it is used silently, and an explicit ``threads`` that differs from it gets a
    warning that says which value is in force and how to change it.
    """
    for key, value in _TF_ENV.items():
        os.environ.setdefault(key, value)
    pinned = {key: os.environ[key] for key in _THREAD_VARS if key in os.environ}
    if threads is not None:
        clashes = {key: value for key, value in pinned.items() if value != str(threads)}
        if clashes:
            shown = ", ".join(f"{key}={value}" for key, value in clashes.items())
            warnings.warn(f"setup(threads={threads}) is not applied: the environment pins {shown} "
                          f"(as make and the tests do), and TensorFlow reads the environment. To "
                          f"run with {threads} threads, unset it (or set it to {threads}) before "
                          f"starting Python; to silence this, call setup() without threads.",
                          UserWarning, stacklevel=3)
    for key in _THREAD_VARS:
        os.environ.setdefault(key, str(threads if threads is not None else DEFAULT_THREADS))
    return os.environ["TF_NUM_INTRAOP_THREADS"]


def setup(seed: int = 42, *, threads: int | None = None, blas_threads: int = 1,
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
      printed if it already was with other settings. ``threads=None`` (the default) keeps a count
      pinned in the environment (``TF_NUM_INTRAOP_THREADS``, as ``make`` sets it) or else uses
      ``DEFAULT_THREADS`` (2); an explicit ``threads`` that the environment overrides warns;
    - limits NumPy's BLAS to ``blas_threads`` threads (1): the lessons' matrices are small, and on a
      busy 2-core machine a second BLAS thread makes small products tens of times slower;
    - sets one matplotlib style for every lesson;
    - prints (unless ``quiet``) and returns the versions that matter for reproducing results.

    ``use_keras=False`` skips importing TensorFlow, for numpy-only lessons.
    """
    from helpers import validate

    seed = validate.seed(seed)
    if threads is not None:
        threads = validate.integer(threads, "threads", minimum=1)
    blas_threads = validate.integer(blas_threads, "blas_threads", minimum=1)
    quiet = validate.boolean(quiet, "quiet")
    use_keras = validate.boolean(use_keras, "use_keras")

    tf_was_loaded = "tensorflow" in sys.modules
    pinned_before = "TF_NUM_INTRAOP_THREADS" in os.environ
    _configure_environment(threads)

    import numpy as np

    random.seed(seed)
    np.random.seed(seed)
    _limit_blas_threads(blas_threads)
    if use_keras:
        import keras

        keras.utils.set_random_seed(seed)
        if tf_was_loaded and not pinned_before:
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
