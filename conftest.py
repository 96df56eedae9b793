"""Test-wide set-up: offline guard (here and in every notebook kernel), TF settings, nbval tweaks."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

from helpers.offline import block_network, guard_children

# The same numerical environment the committed outputs were made with (see Makefile).
for _key, _value in {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0",
                     "TF_NUM_INTRAOP_THREADS": "2", "TF_NUM_INTEROP_THREADS": "2",
                     "PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1"}.items():
    os.environ.setdefault(_key, _value)

# Every child Python (nbval's kernels, subprocess and multiprocessing children) inherits a
# sitecustomize that installs the offline guard; this process gets it directly.
_guard_dir = tempfile.mkdtemp(prefix="companion-offline-")
atexit.register(shutil.rmtree, _guard_dir, ignore_errors=True)
guard_children(_guard_dir)
block_network()


def pytest_collectstart(collector):
    # ipykernel under pytest does not forward TensorFlow's C-level stderr, but a notebook saved from
    # Jupyter may hold some: never compare stderr (the hasattr guard: only nbval's collectors have it).
    if hasattr(collector, "skip_compare"):
        collector.skip_compare += ("stderr",)
