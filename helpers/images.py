"""The one reading of image arrays, for every helper that takes grey images.

A stack of ``n`` grey images comes back as a float64 array ``(n, h, w)``. What is accepted:

- ``(n, h, w)``: a stack (``(h, w, n)``, images last, is refused with the ``np.moveaxis`` that
  fixes it, when it looks like one: ``h == w != n``; so is ``(h, w, 1)``, one image with a
  channel axis, which needs ``image[None]``);
- ``(n, h, w, 1)``: a stack with Keras's channel axis (one channel only: these are grey images);
- ``(n, h*w)``: flat rows of square images, as ``helpers.data.digits_split`` gives them, when the
  width is a square number (64 -> 8x8) and the array is not itself square;
- ``(h, w)``: ONE image, when the width is not a square number (``(8, 8)``, ``(28, 28)``).

A square 2-D array whose side is a square number, such as ``(16, 16)``, is both one 16x16 image
and 16 flat 4x4 images: it is refused, with the two ways to say which (``image[None]`` for one
image, ``images.reshape(-1, 4, 4)`` for flat rows), instead of being guessed.
"""

from __future__ import annotations

import math

import numpy as np

from helpers import validate

__all__ = ["as_images"]


def _square_side(width: int) -> int | None:
    side = math.isqrt(width)
    return side if side >= 2 and side * side == width else None


def as_images(images, name: str = "images", *, finite: bool = True,
              min_side: int = 1) -> np.ndarray:
    """``images`` read as a float64 stack ``(n, h, w)`` of grey images (see the module's rules).

    ``finite=False`` lets NaN and infinity through (the caller decides what they mean);
    ``min_side`` is the smallest height and width the caller can work with.
    """
    arr = validate.array(images, name, dtype=None, finite=False, min_size=0)
    if arr.dtype.kind == "b":
        raise TypeError(f"{name} must be a numeric array of intensities, got dtype bool; "
                        f"use {name}.astype(float).")
    arr = arr.astype(np.float64)
    if arr.ndim == 2:
        a, b = arr.shape
        side = _square_side(b)
        if side is not None and a == b:
            raise ValueError(
                f"{name} of shape {arr.shape} could be ONE {a}x{b} image or {a} flat {side}x{side} "
                f"images; say which: pass {name}[None] for one image, or "
                f"{name}.reshape(-1, {side}, {side}) for flat rows.")
        arr = arr.reshape(a, side, side) if side is not None else arr[None]
    elif arr.ndim == 3:
        if arr.shape[2] == 1 and arr.shape[0] > 1:
            raise ValueError(
                f"{name} of shape {arr.shape} looks like ONE image with a channel axis (h, w, 1); "
                f"pass {name}[None] for one image (stacks go (n, h, w) or (n, h, w, 1)).")
        if arr.shape[0] == arr.shape[1] != arr.shape[2]:
            raise ValueError(
                f"{name} of shape {arr.shape} look like an (h, w, n) stack of {arr.shape[2]} "
                f"images (or one colour image); images go first, (n, h, w): pass "
                f"np.moveaxis({name}, -1, 0). For a colour image convert to grey first "
                f"(image.mean(axis=-1)); if these really are {arr.shape[0]} images of "
                f"{arr.shape[1]}x{arr.shape[2]} pixels, pass {name}[..., None].")
    elif arr.ndim == 4:
        if arr.shape[-1] != 1:
            raise ValueError(f"{name} must be grey images (n, h, w, 1), got shape {arr.shape} with "
                             f"{arr.shape[-1]} channels; convert to grey first "
                             f"({name}.mean(axis=-1, keepdims=True)).")
        arr = arr[..., 0]
    else:
        raise ValueError(f"{name} must have shape (n, h, w), (n, h, w, 1), flat (n, h*w) or (h, w) "
                         f"for one image, got shape {arr.shape}.")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} is empty: got 0 images.")
    if min(arr.shape[1:]) < min_side:
        raise ValueError(f"{name} must be at least {min_side}x{min_side} pixels, got "
                         f"{arr.shape[1]}x{arr.shape[2]}.")
    return validate.array(arr, name) if finite else arr
