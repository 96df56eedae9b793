"""helpers.data: deterministic, offline, checksum-verified."""

import shutil

import numpy as np
import pytest

from helpers import data


def test_digits_split_is_deterministic_and_disjoint():
    a, b = data.digits_split(seed=3), data.digits_split(seed=3)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    assert a.sizes() == {"train": 1077, "cv": 360, "test": 360}
    assert a.x_train.dtype == np.float32 and a.y_train.dtype == np.int64
    assert 0.0 <= a.x_train.min() and a.x_train.max() <= 1.0
    # stratified: every class in every part
    for y in (a.y_train, a.y_cv, a.y_test):
        assert set(np.unique(y)) == set(range(10))
    c = data.digits_split(seed=4)
    assert not np.array_equal(a.x_train, c.x_train)


def test_digits_split_parts_are_disjoint():
    s = data.digits_split(seed=0)
    total = len(s.y_train) + len(s.y_cv) + len(s.y_test)
    assert total == 1797
    allx = np.concatenate([s.x_train, s.x_cv, s.x_test])
    # load_digits has a few duplicate images; an overlap beyond those would mean a leaky split
    assert len({r.tobytes() for r in allx}) >= 1797 - 20


def test_digits_images_shape():
    s = data.digits_split(seed=0, images=True)
    assert s.x_train.shape[1:] == (8, 8, 1)


@pytest.mark.parametrize("kwargs, match", [
    ({"seed": -1}, "non-negative"), ({"seed": 1.5}, "integer"),
    ({"cv_fraction": 0}, "between 0 and 1"), ({"cv_fraction": 0.6, "test_fraction": 0.5}, "leave data"),
])
def test_digits_split_bad_arguments(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        data.digits_split(**kwargs)


def test_coffee_file_equals_its_generator():
    X, y = data.coffee_roasting()
    Xg, yg = data.make_coffee_roasting()
    np.testing.assert_allclose(X, Xg)
    np.testing.assert_array_equal(y, yg)
    assert X.shape == (200, 2) and 0.1 < y.mean() < 0.5  # both classes present


def test_rare_disease_has_exact_prevalence():
    X, y = data.rare_disease(n=20_000, prevalence=0.005, seed=1)
    assert X.shape == (20_000, 5) and y.sum() == 100
    X2, y2 = data.rare_disease(n=20_000, prevalence=0.005, seed=1)
    np.testing.assert_array_equal(X, X2)
    # informative features are shifted for the ill, noise features are not
    assert X[y == 1, 0].mean() - X[y == 0, 0].mean() > 1.0
    assert abs(X[y == 1, 4].mean() - X[y == 0, 4].mean()) < 0.5
    with pytest.raises(ValueError, match="rounds to no ill"):
        data.rare_disease(n=10, prevalence=0.01)


def test_manifest_verifies_every_shipped_file():
    assert data.verify_data_files() == ["coffee_roasting.csv"]


def test_manifest_matches_the_generators(tmp_path):
    # `make data` must reproduce the committed files byte for byte
    data.write_manifest(tmp_path)
    assert (tmp_path / data.MANIFEST).read_text() == (data.DATA_DIR / data.MANIFEST).read_text()


def test_altered_file_is_caught_with_the_fix(tmp_path):
    shutil.copytree(data.DATA_DIR, tmp_path / "d")
    target = tmp_path / "d" / "coffee_roasting.csv"
    target.write_text(target.read_text().replace("0\n", "1\n", 1))
    with pytest.raises(ValueError, match=r"coffee_roasting.csv does not match.*make data"):
        data.load_data_file("coffee_roasting.csv", tmp_path / "d")


def test_missing_and_unlisted_files_are_caught(tmp_path):
    shutil.copytree(data.DATA_DIR, tmp_path / "d")
    (tmp_path / "d" / "stray.csv").write_text("x\n")
    with pytest.raises(ValueError, match="not listed"):
        data.verify_data_files(tmp_path / "d")
    (tmp_path / "d" / "stray.csv").unlink()
    (tmp_path / "d" / "coffee_roasting.csv").unlink()
    with pytest.raises(FileNotFoundError, match="missing.*make data"):
        data.verify_data_files(tmp_path / "d")
