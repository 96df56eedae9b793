"""Several replicas in one process: split the CPU into logical devices for ``MirroredStrategy``."""

from __future__ import annotations

from helpers import validate

__all__ = ["split_cpu"]


def split_cpu(n: int) -> list:
    """Split the first physical CPU into ``n`` logical devices; return the logical CPU devices.

    Call it before anything starts TensorFlow's runtime (creating a tensor, a model, listing logical
    devices). ``helpers.setup`` only imports TensorFlow and sets its seed, which leaves the split
    possible (lesson 18 calls ``setup(seed, use_keras=False)`` and splits later, when it first
    needs TensorFlow). Calling it again with the same ``n`` is harmless; with another ``n`` after the
    runtime started it raises ``RuntimeError`` that says to restart the kernel.
    """
    n = validate.integer(n, "n", minimum=1, maximum=64)
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    current = tf.config.get_logical_device_configuration(cpu)
    if current is not None and len(current) == n:
        return tf.config.list_logical_devices("CPU")
    try:
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration() for _ in range(n)])
    except RuntimeError as err:
        raise RuntimeError(f"cannot split the CPU into {n} logical devices: TensorFlow's runtime "
                           f"has already started ({err}). Restart the kernel and call "
                           f"split_cpu({n}) before any model or tensor is created.") from err
    return tf.config.list_logical_devices("CPU")
