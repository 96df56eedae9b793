"""Scaling out (lesson 18): data parallelism in NumPy, logical devices, and worker processes.

``data_parallel`` (shards, per-replica gradients, the all-reduce, the lesson's network),
``devices`` (logical CPUs for ``MirroredStrategy``), ``cluster`` (ports, ``TF_CONFIG``, starting,
stopping and restarting the workers) and ``worker`` (what each worker process runs: the
data-parallel train step, checkpoints as TensorFlow's multi-worker guide does them). Importing it
is cheap: TensorFlow is imported only inside the functions that need it.
"""

from helpers.distributed.cluster import (
    LOOPBACK,
    WorkerLost,
    free_ports,
    reserved_ports,
    run_workers,
    tf_config,
)
from helpers.distributed.data_parallel import (
    all_reduce_mean,
    initial_weights,
    make_model,
    shard_batch,
    softmax_gradient,
)
from helpers.distributed.devices import split_cpu
from helpers.distributed.worker import CHIEF, FIT_ERROR_TEXT, make_train_step, worker_main

__all__ = ["shard_batch", "all_reduce_mean", "softmax_gradient", "initial_weights", "make_model",
           "split_cpu", "free_ports", "reserved_ports", "tf_config", "run_workers", "WorkerLost",
           "make_train_step", "worker_main", "FIT_ERROR_TEXT", "CHIEF", "LOOPBACK"]
