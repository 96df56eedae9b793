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


def test_load_digits_has_no_duplicate_images():
    from sklearn.datasets import load_digits

    x = load_digits().data
    assert len({r.tobytes() for r in x}) == len(x) == 1797


@pytest.mark.parametrize("seed", [0, 7])
def test_digits_split_parts_are_disjoint(seed):
    s = data.digits_split(seed=seed)
    parts = {name: {r.tobytes() for r in x}
             for name, x in (("train", s.x_train), ("cv", s.x_cv), ("test", s.x_test))}
    # load_digits has no duplicate image, so any shared row would be a leak between parts
    assert not parts["train"] & parts["cv"]
    assert not parts["train"] & parts["test"]
    assert not parts["cv"] & parts["test"]
    assert sum(len(p) for p in parts.values()) == 1797


def test_digits_images_shape():
    s = data.digits_split(seed=0, images=True)
    assert s.x_train.shape[1:] == (8, 8, 1)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"seed": -1}, ValueError, r"seed must be between 0 and 2\*\*32 - 1"),
    ({"seed": 2**40}, ValueError, r"seed must be between 0 and 2\*\*32 - 1.*scikit-learn"),
    ({"seed": 1.5}, TypeError, "seed must be an integer"),
    ({"seed": "42"}, TypeError, "seed must be an integer.*without quotes"),
    ({"cv_fraction": 0}, ValueError, "strictly between 0 and 1"),
    ({"cv_fraction": "0.2"}, TypeError, "cv_fraction must be a number"),
    ({"test_fraction": None}, TypeError, "test_fraction must be a number"),
    ({"cv_fraction": 0.6, "test_fraction": 0.5}, ValueError, "leave data"),
    ({"images": "yes"}, TypeError, "images must be True or False"),
])
def test_digits_split_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        data.digits_split(**kwargs)


def test_digits_split_accepts_numpy_scalars():
    a = data.digits_split(seed=np.int64(3), cv_fraction=np.float32(0.2), images=np.bool_(False))
    np.testing.assert_array_equal(a.x_train, data.digits_split(seed=3).x_train)


@pytest.mark.parametrize("call, error, match", [
    (lambda: data.make_coffee_roasting(n="200"), TypeError, "n must be an integer"),
    (lambda: data.make_coffee_roasting(n=0), ValueError, "n must be at least 1"),
    (lambda: data.make_coffee_roasting(seed=2**70), ValueError, "seed must be between"),
    (lambda: data.rare_disease(separation="1.5"), TypeError, "separation must be a number"),
    (lambda: data.rare_disease(separation=float("nan")), ValueError, "separation must be a finite"),
    (lambda: data.rare_disease(n=2000.0), TypeError, "Use 2000 instead of 2000.0"),
    (lambda: data.rare_disease(prevalence=1.5), ValueError, "prevalence must be a fraction"),
    (lambda: data.rare_disease(seed=-1), ValueError, "seed must be between"),
    (lambda: data.load_data_file(None), TypeError, "name must be a file name"),
])
def test_generators_bad_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize("line", ["deadbeef", "not-a-digest  coffee_roasting.csv", "a" * 64])
def test_malformed_manifest_line_is_named(tmp_path, line):
    shutil.copytree(data.DATA_DIR, tmp_path / "d")
    manifest = tmp_path / "d" / data.MANIFEST
    text = manifest.read_text()
    manifest.write_text(text + line + "\n")
    bad_line = len(text.splitlines()) + 1
    with pytest.raises(ValueError, match=rf"MANIFEST\.sha256 line {bad_line} is malformed.*make data"):
        data.load_data_file("coffee_roasting.csv", tmp_path / "d")


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
    names = data.verify_data_files()
    assert "coffee_roasting.csv" in names
    assert names == sorted(data._read_manifest(data.DATA_DIR))


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


def test_per_class_subset_is_balanced_nested_and_deterministic():
    y = np.repeat(np.arange(4), 10)
    small = data.per_class_subset(y, 2, seed=5)
    large = data.per_class_subset(y, 5, seed=5)
    assert np.bincount(y[small]).tolist() == [2, 2, 2, 2]
    assert set(small) <= set(large)
    np.testing.assert_array_equal(small, data.per_class_subset(y, 2, seed=5))
    assert not np.array_equal(small, data.per_class_subset(y, 2, seed=6))


# --------------------------------------------------------------------------- the bad-inputs review


def test_three_way_split_is_the_two_stratified_calls():
    from sklearn.model_selection import train_test_split

    X, y = data.rare_disease(n=2000, prevalence=0.05, seed=3)
    split = data.three_way_split(X, y, cv_fraction=0.2, test_fraction=0.2, seed=3)
    x_rest, x_test, y_rest, y_test = train_test_split(X, y, test_size=0.2, stratify=y,
                                                      random_state=3)
    x_train, x_cv, y_train, y_cv = train_test_split(x_rest, y_rest, test_size=0.25,
                                                    stratify=y_rest, random_state=3)
    for ours, theirs in zip(split, (x_train, y_train, x_cv, y_cv, x_test, y_test), strict=True):
        np.testing.assert_array_equal(ours, theirs)
    assert split.x_train.dtype == X.dtype and split.sizes() == {"train": 1200, "cv": 400,
                                                                "test": 400}


@pytest.mark.parametrize("kwargs, error, match", [
    ({"cv_fraction": 0.001}, ValueError, "the cv split would get 2 of 1797.*10 classes"),
    ({"test_fraction": 0.001}, ValueError, "the test split would get 2"),
    ({"cv_fraction": 0.5, "test_fraction": 0.5}, ValueError, "leave data to train on"),
    ({"cv_fraction": "0.2"}, TypeError, "cv_fraction must be a number"),
])
def test_digits_split_refuses_splits_that_cannot_be_stratified(kwargs, error, match):
    with pytest.raises(error, match=match):
        data.digits_split(**kwargs)


def test_three_way_split_refuses_bad_inputs():
    with pytest.raises(ValueError, match="3 of each class"):
        data.three_way_split(np.zeros((40, 1)), [0] * 38 + [1, 1], cv_fraction=0.2,
                             test_fraction=0.2, seed=0)
    with pytest.raises(ValueError, match="labels but there are"):
        data.three_way_split(np.zeros((10, 1)), [0, 1] * 4, cv_fraction=0.2, test_fraction=0.2,
                             seed=0)


def test_paths_are_checked():
    with pytest.raises(TypeError, match="data_dir must be a path"):
        data.load_data_file("coffee_roasting.csv", data_dir=5)
    with pytest.raises(ValueError, match="data_dir must be an existing folder"):
        data.load_data_file("coffee_roasting.csv", data_dir="/nonexistent")
