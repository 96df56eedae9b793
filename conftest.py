"""Test-wide set-up: offline guard (here and in every notebook kernel), TF settings, nbval tweaks."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

from helpers.offline import block_network, kernel_ipython_dir

# The same numerical environment the committed outputs were made with (see Makefile).
for _key, _value in {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0",
                     "TF_NUM_INTRAOP_THREADS": "2", "TF_NUM_INTEROP_THREADS": "2",
                     "PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1"}.items():
    os.environ.setdefault(_key, _value)

# Kernels started by nbval inherit this: their IPython start-up file installs the offline guard.
_ipython_dir = tempfile.mkdtemp(prefix="ipython-offline-")
atexit.register(shutil.rmtree, _ipython_dir, ignore_errors=True)
os.environ["IPYTHONDIR"] = kernel_ipython_dir(_ipython_dir)
block_network()


def pytest_collectstart(collector):
    # ipykernel under pytest does not forward TensorFlow's C-level stderr, but a notebook saved from
    # Jupyter may hold some: never compare stderr (the hasattr guard: only nbval's collectors have it).
    if hasattr(collector, "skip_compare"):
        collector.skip_compare += ("stderr",)
