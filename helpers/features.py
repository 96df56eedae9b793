"""Hand-made image features: a small HOG-like extractor (histograms of oriented gradients).

Before deep learning, images were classified in two stages: a person designed a *feature extractor*
(SIFT, SURF, HOG, ...) that turns an image into a vector, then a classifier (an SVM, k nearest
neighbours) learned from those vectors. Lesson 01 builds this pipeline on the 8x8 digits and
compares it with a network that learns its own features from raw pixels.

The extractor here follows HOG's recipe on a tiny scale:

1. image gradients ``gx, gy`` by central differences (:func:`image_gradients`);
2. each pixel votes for the orientation of its gradient, weighted by the gradient's magnitude;
3. votes are summed in a histogram of ``n_bins`` orientations per ``cell_size x cell_size`` cell;
4. the histograms are concatenated and the vector is scaled to unit length (so brightness and
   contrast do not matter).

Real HOG also normalises over overlapping blocks of cells; on an 8x8 image with a handful of cells
one normalisation over the whole image plays that role.
"""

from __future__ import annotations

import numpy as np

from helpers import validate
from helpers.images import as_images

__all__ = ["image_gradients", "hog_features"]

_EPS = 1e-12


def image_gradients(images):
    """Horizontal and vertical intensity gradients ``(gx, gy)`` of a stack of images.

    ``gx[i, r, c] ~ (I[r, c+1] - I[r, c-1]) / 2`` (central differences inside the image, one-sided
    differences on its border, as ``np.gradient`` computes them); ``gy`` likewise down the rows.
    ``images`` is ``(m, h*w)`` (flat square images, as ``helpers.data.digits_split`` gives),
    ``(m, h, w)``, ``(m, h, w, 1)`` or one image ``(h, w)`` (read as ``m = 1``), read by
    :func:`helpers.images.as_images`. Both outputs have shape ``(m, h, w)``.
    """
    imgs = as_images(images, min_side=2)
    gy, gx = np.gradient(imgs, axis=(1, 2))
    return gx, gy


def hog_features(images, cell_size: int = 4, n_bins: int = 9, *, signed: bool = False,
                 interpolate: bool = True, normalize: bool = True):
    """HOG-like features: a magnitude-weighted histogram of gradient orientations per cell.

    Parameters
    ----------
    images : array, ``(m, h, w)``, ``(m, h, w, 1)``, ``(m, h*w)`` (flat square images) or ONE
        image ``(h, w)``, which gives one row of features, read by
        :func:`helpers.images.as_images` (a 2-D array that could be either, such as
        ``(16, 16)``, is refused with the two ways to say which). Pass ``image[None]`` to mean
        one image of any shape.
    cell_size : side of the square cells, in pixels; must divide ``h`` and ``w``
    n_bins : number of orientation bins covering 0-180 degrees (0-360 if ``signed``)
    signed : if False (classic HOG), a gradient and its opposite count as the same orientation,
        so a dark-to-light edge and a light-to-dark edge look alike
    interpolate : if True, each pixel splits its vote between the two nearest bin centres
        (linear interpolation, wrapping around); if False, it votes for the one bin it falls in
        (bin ``b`` covers angles ``[b, b + 1) * period / n_bins``)
    normalize : if True, each image's feature vector is scaled to unit L2 norm (an all-blank
        image stays all zeros)

    Returns
    -------
    ``(m, (h // cell_size) * (w // cell_size) * n_bins)`` float64 array; reshape it to
    ``(m, h // cell_size, w // cell_size, n_bins)`` to get the histogram of each cell (row-major
    cells, bins last).
    """
    imgs = as_images(images, min_side=2)
    cell_size = validate.integer(cell_size, "cell_size", minimum=1)
    n_bins = validate.integer(n_bins, "n_bins", minimum=1)
    signed = validate.boolean(signed, "signed")
    interpolate = validate.boolean(interpolate, "interpolate")
    normalize = validate.boolean(normalize, "normalize")
    m, h, w = imgs.shape
    if h % cell_size or w % cell_size:
        raise ValueError(f"cell_size={cell_size} must divide the image size {h}x{w} "
                         f"(try one of {[d for d in range(1, min(h, w) + 1) if h % d == 0 and w % d == 0]}).")

    gy, gx = np.gradient(imgs, axis=(1, 2))
    magnitude = np.hypot(gx, gy)
    period = 2 * np.pi if signed else np.pi
    angle = np.mod(np.arctan2(gy, gx), period)
    position = angle / period * n_bins  # in [0, n_bins]

    if interpolate:
        # bin b is centred at b + 0.5; split the vote between the two centres around `position`
        low = np.floor(position - 0.5)
        frac = position - 0.5 - low
        votes = [(low.astype(int) % n_bins, magnitude * (1 - frac)),
                 ((low.astype(int) + 1) % n_bins, magnitude * frac)]
    else:
        votes = [(np.minimum(position.astype(int), n_bins - 1), magnitude)]

    ny, nx = h // cell_size, w // cell_size
    # cell index of every pixel, so one bincount builds every histogram of every image at once
    cell_of_pixel = (np.arange(h)[:, None] // cell_size) * nx + (np.arange(w)[None, :] // cell_size)
    image_offset = np.arange(m)[:, None, None] * (ny * nx * n_bins)
    hist = np.zeros(m * ny * nx * n_bins)
    for bins, weight in votes:
        index = image_offset + cell_of_pixel[None] * n_bins + bins
        hist += np.bincount(index.ravel(), weights=weight.ravel(), minlength=hist.size)
    features = hist.reshape(m, ny * nx * n_bins)
    if normalize:
        norms = np.sqrt(np.sum(features**2, axis=1, keepdims=True))
        features = features / np.maximum(norms, _EPS)
    return features
