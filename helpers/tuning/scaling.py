"""Compound scaling (EfficientNet): the compute of a CNN as depth, width and resolution grow."""

from __future__ import annotations

from helpers import validate

__all__ = ["conv_flops"]


def conv_flops(depth: int, width: int, resolution: int, *, in_channels: int = 1,
               kernel: int = 3) -> int:
    """Multiply-adds of ``depth`` 3x3 'same' convolutions with ``width`` channels on a square image.

    The first layer maps ``in_channels`` to ``width``; the others ``width`` to ``width``:
    ``resolution**2 * kernel**2 * (in_channels * width + (depth - 1) * width**2)``. For a deep
    stack this grows like ``depth * width**2 * resolution**2`` (EfficientNet's compute formula).
    """
    depth = validate.integer(depth, "depth", minimum=1)
    width = validate.integer(width, "width", minimum=1)
    resolution = validate.integer(resolution, "resolution", minimum=1)
    in_channels = validate.integer(in_channels, "in_channels", minimum=1)
    kernel = validate.integer(kernel, "kernel", minimum=1)
    return resolution ** 2 * kernel ** 2 * (in_channels * width + (depth - 1) * width ** 2)
