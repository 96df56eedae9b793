"""helpers.images: the one reading of image arrays, and the arrays it refuses to guess about."""

import numpy as np
import pytest

from helpers.images import as_images


def test_the_accepted_layouts():
    x = np.random.default_rng(0).random((5, 8, 8))
    assert as_images(x).shape == (5, 8, 8)
    assert np.array_equal(as_images(x[..., None]), x)            # Keras's channel axis
    assert np.array_equal(as_images(x.reshape(5, 64)), x)        # flat rows of 8x8 images
    assert np.array_equal(as_images(x[0]), x[:1])                # one 8x8 image (8 is no square)
    assert as_images(np.zeros((20, 30))).shape == (1, 20, 30)    # one image, 30 is no square
    assert as_images(np.zeros((1, 64))).shape == (1, 8, 8)
    assert as_images(x.astype(np.float32)).dtype == np.float64
    assert as_images([[0, 1], [2, 3]]).shape == (1, 2, 2)         # 2 is no square: one image


@pytest.mark.parametrize("images, error, match", [
    (np.zeros((16, 16)), ValueError, r"ONE 16x16 image or 16 flat 4x4 images.*\[None\]"),
    (np.zeros((64, 64)), ValueError, r"ONE 64x64 image or 64 flat 8x8.*reshape\(-1, 8, 8\)"),
    (np.zeros((4, 4)), ValueError, "ONE 4x4 image or 4 flat 2x2"),
    (np.zeros((8, 8, 3)), ValueError, r"\(h, w, n\) stack.*np\.moveaxis"),
    (np.zeros((8, 8, 1)), ValueError, r"ONE image with a channel axis.*\[None\]"),
    (np.zeros((2, 8, 8, 3)), ValueError, "3 channels"),
    (np.zeros((2, 2, 2, 2, 1)), ValueError, "must have shape"),
    (np.zeros(64), ValueError, "must have shape"),
    (np.zeros((0, 8, 8)), ValueError, "0 images"),
    (np.zeros((3, 8, 8), bool), TypeError, "dtype bool"),
    (np.full((2, 8, 8), np.nan), ValueError, "NaN"),
    ("images", TypeError, "array of numbers"),
    (None, TypeError, "got None"),
    ([["1", "2"]], TypeError, "strings"),
    (np.zeros((2, 8, 8), complex), TypeError, "complex"),
])
def test_refused_with_what_to_pass(images, error, match):
    with pytest.raises(error, match=match):
        as_images(images)


def test_min_side_and_finite_options():
    with pytest.raises(ValueError, match="at least 2x2"):
        as_images(np.zeros((3, 1, 5)), min_side=2)
    assert np.isnan(as_images(np.full((1, 3, 3), np.nan), finite=False)).all()
