"""Data augmentation for small grey images such as the 8x8 digits: new labelled images from old.

Lesson 12 makes new training images from the few labelled digits, the way the course lists it
(shift, scale, rotate, distort), with transforms sized for 8x8 pixels::

    from helpers.augmentation import augment, shift_images, elastic_distort

    moved = shift_images(x, max_shift=1, seed=0)               # whole pixels, zero padding
    wobbly = elastic_distort(x, alpha=0.4, smoothness=1.5, seed=0)
    realistic = augment(x, seed=0, shear=0.2, width=0.1, elastic=0.4)   # one random mix each

- :func:`shift_images`: every image moved by a whole number of pixels (up to ``max_shift`` each
  way, independently in rows and columns), the paper around it blank (0). No interpolation, so
  no blur.
- :func:`elastic_distort`: a smooth random displacement field per image (Simard, Steinkraus and
  Platt 2003): independent normal displacements per pixel, smoothed by a Gaussian of width
  ``smoothness`` pixels, scaled so that their root mean square is ``alpha`` pixels, then the image
  is resampled along them. Small ``alpha`` wobbles the strokes like a hand would; large ``alpha``
  tears the digit apart.
- :func:`augment`: one random transform per image, all in ONE bilinear resampling (each
  resampling of an 8x8 image blurs it a little, so the parts are composed first): rotation
  (degrees), horizontal shear (slant: a shear ``k`` adds ``k`` to the tangent of the slant that
  :func:`helpers.error_analysis.slant` measures), width scaling (height kept, as the digits'
  height was normalised), scaling of both axes, elastic distortion, and a whole-pixel shift.
  Each amount is drawn uniformly in ``[-amount, amount]`` (``shift``: an integer in
  ``[-shift, shift]``).
- :func:`variants`: ``k`` augmented copies of every image, ``(k, n, h, w)``: a pool of variants
  to train on when every step should see new ones.

Everything is drawn from ``np.random.default_rng(seed)``: the same arguments give the same arrays.
Images come in as any stack :func:`helpers.images.as_images` reads (``(n, h, w)``,
``(n, h, w, 1)``, flat ``(n, h*w)``) with values >= 0 (0 = paper), and go out float32 in the
same layout. Points that fall outside the frame read as paper (0), and the bilinear resampling
never leaves the input's range of values.
"""

from __future__ import annotations

import numpy as np

from helpers import validate
from helpers.images import as_images

__all__ = ["shift_images", "elastic_distort", "augment", "variants", "shear_images"]


def _read(images, name: str = "images") -> tuple[np.ndarray, tuple]:
    """The images as float64 (n, h, w) and the shape to give the result back in (the input's)."""
    x = as_images(images, name)
    if x.min() < 0:
        raise ValueError(f"{name} must hold ink values >= 0 (0 = paper), got a minimum of "
                         f"{x.min():.3g}; undo any standardisation first.")
    return x, tuple(np.shape(images))


def _resample(x: np.ndarray, coords: np.ndarray) -> np.ndarray:
    """Bilinear samples of each image ``x[i]`` at ``coords[1:, i]`` (rows, columns); ``coords[0]``
    holds the image index. Outside the frame is paper (0)."""
    from scipy import ndimage

    # "grid-constant": the image is padded with zeros and interpolated across its edge, so a
    # point half a pixel outside gets half the edge pixel's ink ("constant" would give 0 there)
    return ndimage.map_coordinates(x, coords, order=1, mode="grid-constant", cval=0.0,
                                   prefilter=False)


def _smoothing_matrix(size: int, sigma: float) -> np.ndarray:
    """The Gaussian filter of width ``sigma`` along one axis of ``size`` pixels, as a matrix.

    ``G @ v`` is ``scipy.ndimage.gaussian_filter1d(v, sigma, mode="reflect")``: filtering is
    linear, so it is the filter applied to the identity. One small matrix product per image is
    much faster than filtering thousands of 8-pixel lines one by one.
    """
    from scipy import ndimage

    return ndimage.gaussian_filter1d(np.eye(size), sigma, axis=0, mode="reflect")


def _elastic_field(rng, n: int, h: int, w: int, alpha: float, smoothness: float) -> np.ndarray:
    """Displacements (2, n, h, w) in pixels: smoothed normal noise, rescaled to rms ``alpha``."""
    noise = rng.normal(size=(2, n, h, w))
    field = _smoothing_matrix(h, smoothness) @ noise @ _smoothing_matrix(w, smoothness).T
    rms = np.sqrt((field ** 2).mean(axis=(0, 2, 3), keepdims=True))
    return field * (alpha / np.where(rms > 0, rms, 1.0))


def shift_images(images, max_shift: int = 1, *, seed: int) -> np.ndarray:
    """Each image moved by a whole number of pixels in ``[-max_shift, max_shift]`` down and right.

    The rows and columns move independently; ink pushed past the edge is lost, and the uncovered
    border is paper (0). Pixel values are copied, never interpolated.
    """
    x, shape = _read(images)
    max_shift = validate.integer(max_shift, "max_shift", minimum=0)
    seed = validate.seed(seed)
    n, h, w = x.shape
    if max_shift >= min(h, w):
        raise ValueError(f"max_shift={max_shift} would push whole {h}x{w} images out of the "
                         f"frame; use a shift smaller than the side (1 pixel on 8x8 digits).")
    rng = np.random.default_rng(seed)
    down = rng.integers(-max_shift, max_shift + 1, n)
    right = rng.integers(-max_shift, max_shift + 1, n)
    p = max_shift
    padded = np.pad(x, ((0, 0), (p, p), (p, p)))
    rows = np.arange(h)[None, :] + p - down[:, None]          # output row r reads row r - down
    cols = np.arange(w)[None, :] + p - right[:, None]
    out = padded[np.arange(n)[:, None, None], rows[:, :, None], cols[:, None, :]]
    return out.astype(np.float32).reshape(shape)


def elastic_distort(images, alpha: float, smoothness: float = 1.5, *, seed: int) -> np.ndarray:
    """Each image resampled along its own smooth random displacement field (rms ``alpha`` px).

    ``smoothness`` is the Gaussian's standard deviation in pixels: about the size of the
    stretches of stroke that move together (1 to 2 pixels on 8x8 digits). The field is the first
    draw of ``np.random.default_rng(seed)``: normal displacements ``(2, n, h, w)`` (rows, then
    columns), smoothed with ``mode="reflect"``, each image's scaled to rms ``alpha``.
    """
    x, shape = _read(images)
    seed = validate.seed(seed)
    n, h, w = x.shape
    alpha = validate.number(alpha, "alpha", non_negative=True, maximum=float(max(h, w)))
    smoothness = validate.number(smoothness, "smoothness", positive=True, maximum=float(max(h, w)))
    field = _elastic_field(np.random.default_rng(seed), n, h, w, alpha, smoothness)
    coords = np.empty((3, n, h, w))
    coords[0] = np.arange(n)[:, None, None]
    coords[1:] = np.mgrid[0:h, 0:w][:, None] + field
    out = _resample(x, coords)
    return np.clip(out, 0.0, x.max()).astype(np.float32).reshape(shape)


def augment(images, *, seed: int, shift: int = 0, rotation: float = 0.0, shear: float = 0.0,
            width: float = 0.0, scale: float = 0.0, elastic: float = 0.0,
            smoothness: float = 1.5) -> np.ndarray:
    """One random transform per image, resampled once (bilinear); see the module docstring.

    - ``shift``: whole pixels, up to ``shift`` each way (rows and columns independently);
    - ``rotation``: degrees, uniform in ``[-rotation, rotation]`` about the centre;
    - ``shear``: horizontal shear ``k`` uniform in ``[-shear, shear]``: rows slide sideways in
      proportion to their height, so the slant's tangent changes by ``k`` (0.2 is about 11 deg);
    - ``width``: the width is scaled by ``1 + u``, ``u`` uniform in ``[-width, width]``;
    - ``scale``: both axes scaled by ``1 + u``, ``u`` uniform in ``[-scale, scale]``;
    - ``elastic``: rms of an elastic displacement field in pixels (``smoothness``: its width).

    All zero returns a float32 copy of the images.
    """
    x, shape = _read(images)
    seed = validate.seed(seed)
    n, h, w = x.shape
    shift = validate.integer(shift, "shift", minimum=0, maximum=min(h, w) - 1)
    rotation = validate.number(rotation, "rotation", non_negative=True, maximum=180.0)
    shear = validate.number(shear, "shear", non_negative=True, maximum=2.0)
    width = validate.number(width, "width", non_negative=True, below=1.0)
    scale = validate.number(scale, "scale", non_negative=True, below=1.0)
    elastic = validate.number(elastic, "elastic", non_negative=True, maximum=float(max(h, w)))
    smoothness = validate.number(smoothness, "smoothness", positive=True, maximum=float(max(h, w)))
    rng = np.random.default_rng(seed)
    # forward map of a point p (from the centre): x' = S_width S_scale Shear Rot p; we sample the
    # source at its inverse, so each output pixel reads where its ink came from
    theta = np.radians(rng.uniform(-rotation, rotation, n))
    k = rng.uniform(-shear, shear, n)
    sx = 1 + rng.uniform(-width, width, n)
    s = 1 + rng.uniform(-scale, scale, n)
    cos, sin = np.cos(theta), np.sin(theta)
    # (row, col) coordinates: rows go down; a right lean moves the top right, i.e. col -= k * row
    forward = np.empty((n, 2, 2))
    forward[:, 0, 0], forward[:, 0, 1] = cos, -sin
    forward[:, 1, 0], forward[:, 1, 1] = sin, cos
    forward[:, 1, :] -= k[:, None] * forward[:, 0, :]          # shear: col' = col - k * row
    forward *= s[:, None, None]
    forward[:, 1, :] *= sx[:, None]                             # width: col' = sx * col
    inverse = np.linalg.inv(forward)
    cr, cc = (h - 1) / 2, (w - 1) / 2
    dr, dc = np.mgrid[0:h, 0:w].astype(float) - np.array([cr, cc])[:, None, None]
    coords = np.empty((3, n, h, w))                             # image index, source row, column
    coords[0] = np.arange(n)[:, None, None]
    coords[1] = inverse[:, 0, 0, None, None] * dr + inverse[:, 0, 1, None, None] * dc + cr
    coords[2] = inverse[:, 1, 0, None, None] * dr + inverse[:, 1, 1, None, None] * dc + cc
    if elastic > 0:
        coords[1:] += _elastic_field(rng, n, h, w, elastic, smoothness)
    if shift:
        coords[1:] -= rng.integers(-shift, shift + 1, (2, n))[:, :, None, None]
    if not (rotation or shear or width or scale or elastic):
        out = _shifted(x, coords[1], coords[2])                 # whole pixels: no resampling
    else:
        out = _resample(x, coords)
    return np.clip(out, 0.0, x.max()).astype(np.float32).reshape(shape)


def _shifted(x: np.ndarray, src_r: np.ndarray, src_c: np.ndarray) -> np.ndarray:
    """Copy pixels from integer source coordinates; outside the frame is paper (0)."""
    n, h, w = x.shape
    rr, cc = np.rint(src_r).astype(int), np.rint(src_c).astype(int)
    inside = (rr >= 0) & (rr < h) & (cc >= 0) & (cc < w)
    out = x[np.arange(n)[:, None, None], np.clip(rr, 0, h - 1), np.clip(cc, 0, w - 1)]
    return np.where(inside, out, 0.0)


def shear_images(images, shear) -> np.ndarray:
    """Each image sheared horizontally by its own ``shear[i]``, about its centre of ink.

    Row ``r`` slides ``-shear[i] * (r - r_ink)`` pixels sideways, so the tangent of the slant that
    :func:`helpers.error_analysis.slant` measures grows by exactly ``shear[i]`` (before the
    resampling's rounding) and the ink's height and centre stay where they were: give each image
    the shear ``tan(target) - tan(slant)`` to move its slant to ``target``.
    """
    x, shape = _read(images)
    n, h, w = x.shape
    shear = validate.array(shear, "shear", shape=(n,))
    mass = x.sum(axis=(1, 2))
    if np.any(mass == 0):
        raise ValueError("an image is blank (no ink): it has no slant to change; remove it.")
    r_ink = (x.sum(axis=2) * np.arange(h)).sum(axis=1) / mass
    rows = np.broadcast_to(np.arange(h, dtype=float)[None, :, None], (n, h, w))
    coords = np.empty((3, n, h, w))
    coords[0] = np.arange(n)[:, None, None]
    coords[1] = rows
    # output column c of row r reads column c + k (r - r_ink): the top (r < r_ink) moves right
    coords[2] = np.arange(w)[None, None, :] + shear[:, None, None] * (rows - r_ink[:, None, None])
    out = _resample(x, coords)
    return np.clip(out, 0.0, x.max()).astype(np.float32).reshape(shape)


def variants(images, k: int, *, seed: int, **transforms) -> np.ndarray:
    """``k`` augmented copies of every image: an array ``(k, n, ...)`` (each copy drawn afresh).

    ``transforms`` are :func:`augment`'s amounts (``shear=0.2, width=0.1, elastic=0.4``...).
    """
    x, shape = _read(images)
    k = validate.integer(k, "k", minimum=1)
    seed = validate.seed(seed)
    stacked = np.broadcast_to(x, (k,) + x.shape).reshape((k * len(x),) + x.shape[1:])
    out = augment(stacked, seed=seed, **transforms)
    return out.reshape((k,) + tuple(shape))
