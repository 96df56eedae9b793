"""helpers.augmentation: whole-pixel shifts, shear, width, elastic distortion, variants."""

import numpy as np
import pytest

from helpers import augmentation as aug
from helpers.error_analysis import slant


def _digits(n=40):
    from helpers.data import digits_split

    return digits_split(seed=0, images=True).x_train[:n]


def test_nothing_asked_is_a_copy_in_the_same_layout():
    x = _digits()
    for images in (x, x[..., 0], x.reshape(len(x), 64)):
        out = aug.augment(images, seed=0)
        assert out.shape == images.shape and out.dtype == np.float32
        np.testing.assert_array_equal(out, images.astype(np.float32))


def test_whole_pixel_shifts_copy_pixels_and_keep_the_ink_inside():
    x = _digits()[..., 0]
    out = aug.shift_images(x, 1, seed=3)
    assert np.isin(out, x).all()                       # copied values, no interpolation
    assert out.sum() <= x.sum() + 1e-9                 # ink may leave the frame, never appear
    moved = [not np.array_equal(a, b) for a, b in zip(out, x, strict=True)]
    assert 0.5 < np.mean(moved) < 1.0                  # (0, 0) has probability 1/9
    np.testing.assert_array_equal(aug.shift_images(x, 1, seed=3), out)
    assert np.isin(aug.augment(x, seed=3, shift=1), x).all()   # augment's shift copies too
    one = np.zeros((1, 8, 8))
    one[0, 3, 3] = 1.0
    shifted = aug.shift_images(np.repeat(one, 200, axis=0), 1, seed=0)
    rows, cols = np.nonzero(shifted.sum(axis=0))
    assert set(rows) == {2, 3, 4} and set(cols) == {2, 3, 4}


def test_shear_adds_its_amount_to_the_tangent_of_the_slant():
    x = _digits(200)[..., 0]
    k = np.linspace(-0.3, 0.3, 200)
    got = np.tan(np.radians(slant(aug.shear_images(x, k)))) - np.tan(np.radians(slant(x)))
    np.testing.assert_allclose(got, k, atol=0.06)      # ink pushed off the frame at the ends
    assert np.abs(got - k).mean() < 0.01
    assert np.corrcoef(got, k)[0, 1] > 0.999
    # random shears in augment stay within the amount
    d = np.tan(np.radians(slant(aug.augment(x, seed=1, shear=0.2)))) - np.tan(np.radians(slant(x)))
    assert np.abs(d).max() < 0.25 and d.std() > 0.08


def test_elastic_distortion_has_the_rms_asked_and_matches_scipy_filtering():
    from scipy import ndimage

    rng = np.random.default_rng(0)
    field = aug._elastic_field(rng, 30, 8, 8, 0.4, 1.5)
    np.testing.assert_allclose(np.sqrt((field ** 2).mean(axis=(0, 2, 3))), 0.4, rtol=1e-9)
    noise = np.random.default_rng(1).normal(size=(2, 5, 8, 8))
    smooth = aug._smoothing_matrix(8, 1.5) @ noise @ aug._smoothing_matrix(8, 1.5).T
    np.testing.assert_allclose(smooth, ndimage.gaussian_filter(noise, (0, 0, 1.5, 1.5),
                                                               mode="reflect"), atol=1e-12)
    x = _digits()[..., 0]
    out = aug.elastic_distort(x, 0.4, seed=2)
    assert out.min() >= 0 and out.max() <= x.max() + 1e-6
    assert 0.05 < np.abs(out - x).mean() < np.abs(aug.elastic_distort(x, 1.2, seed=2) - x).mean()


def test_variants_are_fresh_draws_of_each_image():
    x = _digits(5)
    v = aug.variants(x, 4, seed=0, shear=0.2, width=0.1, elastic=0.4)
    assert v.shape == (4,) + x.shape
    assert not np.allclose(v[0], v[1])
    np.testing.assert_array_equal(aug.variants(x, 4, seed=0, shear=0.2, width=0.1, elastic=0.4), v)


@pytest.mark.parametrize("kwargs, error", [
    ({"images": np.full((2, 8, 8), -1.0)}, ValueError),       # standardised images
    ({"images": "digits"}, TypeError),
    ({"shift": 8}, ValueError), ({"shift": 1.5}, TypeError), ({"rotation": -1}, ValueError),
    ({"width": 1.0}, ValueError), ({"elastic": np.nan}, ValueError), ({"smoothness": 0}, ValueError),
    ({"seed": -1}, ValueError),
])
def test_bad_arguments_are_refused(kwargs, error):
    args = {"images": np.ones((2, 8, 8)), "seed": 0} | kwargs
    with pytest.raises(error):
        aug.augment(args.pop("images"), **args)


def test_bad_shears_and_blank_images_are_refused():
    with pytest.raises(ValueError):
        aug.shear_images(np.ones((3, 8, 8)), np.zeros(2))     # one shear per image
    with pytest.raises(ValueError, match="blank"):
        aug.shear_images(np.zeros((1, 8, 8)), np.zeros(1))
    with pytest.raises(ValueError):
        aug.variants(np.ones((2, 8, 8)), 0, seed=0)
