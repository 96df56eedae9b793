"""helpers.features: the HOG-like feature extractor of lesson 01."""

import numpy as np
import pytest

from helpers.features import hog_features, image_gradients


def _edge(kind: str, size: int = 8) -> np.ndarray:
    """One image with a single straight edge: 'vertical' (dark left, light right) or 'horizontal'."""
    img = np.zeros((size, size))
    if kind == "vertical":
        img[:, size // 2:] = 1.0
    else:
        img[size // 2:, :] = 1.0
    return img


def test_gradients_of_a_ramp_are_constant():
    ramp = np.tile(np.arange(8.0), (8, 1))  # intensity grows by 1 per column
    gx, gy = image_gradients(ramp[None])
    np.testing.assert_allclose(gx, 1.0)
    np.testing.assert_allclose(gy, 0.0)
    gx, gy = image_gradients(ramp.T[None])
    np.testing.assert_allclose(gx, 0.0)
    np.testing.assert_allclose(gy, 1.0)


def test_shapes_and_input_layouts_agree():
    x = np.random.default_rng(0).random((5, 8, 8))
    f3 = hog_features(x)
    assert f3.shape == (5, 2 * 2 * 9)
    np.testing.assert_array_equal(f3, hog_features(x.reshape(5, 64)))
    np.testing.assert_array_equal(f3, hog_features(x[..., None]))
    np.testing.assert_allclose(hog_features(x.astype(np.float32)), f3, atol=1e-6)  # float32 is fine
    np.testing.assert_array_equal(hog_features((x * 16).astype(int)), hog_features(np.floor(x * 16)))
    assert hog_features(x, cell_size=2, n_bins=6).shape == (5, 4 * 4 * 6)
    assert hog_features(x, cell_size=8, n_bins=4).shape == (5, 4)


def test_edges_vote_for_the_right_orientation():
    # unsigned, 4 bins of 45 degrees: a vertical edge has a horizontal gradient (angle 0) -> bin 0,
    # a horizontal edge has a vertical gradient (angle 90 degrees) -> bin 2
    for kind, expected_bin in (("vertical", 0), ("horizontal", 2)):
        f = hog_features(_edge(kind)[None], cell_size=8, n_bins=4, interpolate=False,
                         normalize=False)[0]
        assert np.argmax(f) == expected_bin
        assert np.count_nonzero(f) == 1


def test_signed_tells_opposite_edges_apart_unsigned_does_not():
    img = _edge("vertical")
    flipped = img[:, ::-1]  # light left, dark right: the gradient points the other way
    kw = dict(cell_size=8, n_bins=4, interpolate=False)
    np.testing.assert_allclose(hog_features(img[None], **kw), hog_features(flipped[None], **kw))
    assert not np.allclose(hog_features(img[None], signed=True, **kw),
                           hog_features(flipped[None], signed=True, **kw))


def test_interpolation_splits_votes_between_neighbouring_bins():
    # angle 0 lies on the border of bins 0 and n_bins-1 (centres at +-half a bin): an even split
    f = hog_features(_edge("vertical")[None], cell_size=8, n_bins=4, normalize=False)[0]
    assert f[0] == pytest.approx(f[3])
    assert f[1] == f[2] == 0


def test_votes_sum_to_the_total_gradient_magnitude():
    x = np.random.default_rng(1).random((3, 8, 8))
    gx, gy = image_gradients(x)
    total = np.hypot(gx, gy).sum(axis=(1, 2))
    for interpolate in (True, False):
        f = hog_features(x, cell_size=4, n_bins=9, interpolate=interpolate, normalize=False)
        np.testing.assert_allclose(f.sum(axis=1), total)


def test_normalised_features_ignore_contrast_and_blank_images_stay_zero():
    x = np.random.default_rng(2).random((4, 8, 8))
    f = hog_features(x)
    np.testing.assert_allclose(np.linalg.norm(f, axis=1), 1.0)
    np.testing.assert_allclose(hog_features(3.0 * x + 0.5), f)
    blank = hog_features(np.zeros((2, 8, 8)))
    assert np.all(blank == 0) and np.all(np.isfinite(blank))


def test_features_separate_digits_better_than_chance():
    from sklearn.neighbors import KNeighborsClassifier

    from helpers.data import digits_split

    s = digits_split(0)
    clf = KNeighborsClassifier(1).fit(hog_features(s.x_train), s.y_train)
    assert clf.score(hog_features(s.x_test), s.y_test) > 0.7


@pytest.mark.parametrize("images, error, match", [
    (np.array([["a", "b"], ["c", "d"]]), TypeError, "images must be an array of numbers"),
    (np.ones((2, 8, 8), dtype=bool), TypeError, "numeric array of intensities, got dtype bool"),
    (np.ones((2, 8, 8)) * 1j, TypeError, "real numbers, got complex"),
    (None, TypeError, "images must be an array of numbers, got None"),
    (np.ones((8, 8, 50)), ValueError, r"\(h, w, n\) stack.*np\.moveaxis\(images, -1, 0\)"),
    (np.ones((16, 16, 3)), ValueError, r"colour image.*mean\(axis=-1\)"),
    (np.ones((2, 8, 8, 3)), ValueError, "3 channels"),
    (np.ones(64), ValueError, "shape"),
    (np.ones((0, 8, 8)), ValueError, "empty"),
    (np.ones((2, 1, 8)), ValueError, "2x2"),
    (np.full((2, 8, 8), np.nan), ValueError, "NaN"),
])
def test_bad_images_are_explained(images, error, match):
    with pytest.raises(error, match=match):
        hog_features(images)
    with pytest.raises(error, match=match):
        image_gradients(images)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(cell_size=3), ValueError, "must divide"),
    (dict(cell_size=0), ValueError, "cell_size must be at least 1"),
    (dict(cell_size="4"), TypeError, "cell_size must be an integer.*without quotes"),
    (dict(cell_size=2.0), TypeError, "cell_size must be an integer"),
    (dict(cell_size=True), TypeError, "cell_size must be an integer"),
    (dict(n_bins=0), ValueError, "n_bins must be at least 1"),
    (dict(n_bins=None), TypeError, "n_bins must be an integer"),
    (dict(signed="yes"), TypeError, "signed must be True or False"),
    (dict(interpolate=1), TypeError, "interpolate must be True or False"),
    (dict(normalize=None), TypeError, "normalize must be True or False"),
])
def test_bad_options_are_explained(kwargs, error, match):
    with pytest.raises(error, match=match):
        hog_features(np.ones((2, 8, 8)), **kwargs)


def test_one_2d_image_is_one_image():
    rng = np.random.default_rng(4)
    img = rng.random((8, 8))
    f = hog_features(img)
    assert f.shape == (1, 2 * 2 * 9)
    np.testing.assert_array_equal(f, hog_features(img[None]))
    rect = rng.random((8, 12))  # 12 pixels per row is not a square number: one 8x12 image
    assert hog_features(rect).shape == (1, 2 * 3 * 9)
    gx, gy = image_gradients(img)
    assert gx.shape == gy.shape == (1, 8, 8)


def test_a_16x16_array_is_refused_as_ambiguous_and_each_reading_can_be_asked_for():
    img = np.random.default_rng(5).random((16, 16))
    with pytest.raises(ValueError, match=r"ONE 16x16 image or 16 flat 4x4.*\[None\].*reshape\(-1, 4, 4\)"):
        hog_features(img)
    assert hog_features(img[None]).shape == (1, 4 * 4 * 9)
    assert hog_features(img.reshape(-1, 4, 4), cell_size=2).shape == (16, 2 * 2 * 9)


def test_flat_batches_and_the_explicit_layouts_still_work():
    x = np.random.default_rng(6).random((3, 8, 8))
    np.testing.assert_array_equal(hog_features(x.reshape(3, 64)), hog_features(x))
    # three images whose first two axes are equal: the 4-D form says "images first"
    y = np.random.default_rng(7).random((8, 8, 12))
    assert hog_features(y[..., None]).shape == (8, 2 * 3 * 9)


def test_numpy_integer_options_are_accepted():
    x = np.random.default_rng(8).random((2, 8, 8))
    np.testing.assert_array_equal(hog_features(x, cell_size=np.int64(4), n_bins=np.int32(9),
                                               signed=np.bool_(False)), hog_features(x))
