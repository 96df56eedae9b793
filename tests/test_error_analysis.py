"""Tests for helpers.error_analysis: image properties, error categories, sampling (bad inputs too)."""

import numpy as np
import pandas as pd
import pytest

from helpers.error_analysis import (
    categorise_errors,
    confusion_pairs,
    image_properties,
    ink,
    largest_category,
    property_categories,
    sample_errors,
    slant,
)


def _bar(shift_per_row: float, size: int = 8) -> np.ndarray:
    """A one-pixel-wide stroke that moves ``shift_per_row`` columns right per row going up."""
    img = np.zeros((size, size))
    for r in range(size):
        c = int(round(size / 2 + shift_per_row * (size / 2 - r)))
        if 0 <= c < size:
            img[r, c] = 1.0
    return img


# ----------------------------------------------------------------------------- properties


def test_ink_is_the_mean_pixel_value():
    x = np.zeros((2, 4, 4))
    x[0, :2] = 1.0      # half the frame inked
    assert np.allclose(ink(x), [0.5, 0.0])


def test_slant_sign_and_size():
    upright, right, left = _bar(0.0), _bar(0.5), _bar(-0.5)
    s = slant(np.stack([upright, right, left]))
    assert abs(s[0]) < 1e-9
    assert s[1] > 15 and s[2] < -15           # atan(0.5) = 26.6 degrees, rounded pixels
    assert np.isclose(s[1], -s[2])


def test_slant_of_blank_and_flat_images_is_zero():
    blank = np.zeros((8, 8))
    flat_line = np.zeros((8, 8))
    flat_line[4, :] = 1.0                      # no vertical extent: variance of rows is 0
    assert np.allclose(slant(np.stack([blank, flat_line])), 0.0)


def test_image_properties_columns():
    props = image_properties(np.stack([_bar(0.0), _bar(0.5)]))
    assert list(props.columns) == ["ink", "slant"] and len(props) == 2


def test_property_categories_cut_at_reference_quantiles():
    ref = pd.DataFrame({"ink": np.linspace(0, 1, 101), "slant": np.linspace(-50, 50, 101)})
    props = pd.DataFrame({"ink": [0.05, 0.5, 0.95], "slant": [0.0, 45.0, -45.0]})
    masks = property_categories(props, reference=ref, fraction=0.2)
    assert masks["thin"].tolist() == [True, False, False]
    assert masks["thick"].tolist() == [False, False, True]
    assert masks["tilted"].tolist() == [False, True, True]


def test_property_categories_default_reference_is_itself():
    rng = np.random.default_rng(1)
    props = pd.DataFrame({"ink": rng.random(1000), "slant": rng.normal(0, 10, 1000)})
    masks = property_categories(props, fraction=0.1)
    for m in masks.values():
        assert 0.08 < m.mean() < 0.12


# ----------------------------------------------------------------------------- categories


def test_confusion_pairs_counts_and_order():
    y_true = [3, 3, 3, 8, 1, 1, 2]
    y_pred = [8, 8, 3, 3, 7, 7, 2]
    pairs = confusion_pairs(y_true, y_pred)
    assert pairs.index.tolist() == ["1 read as 7", "3 read as 8", "8 read as 3"]
    assert pairs.tolist() == [2, 2, 1]


def test_confusion_pairs_without_errors_is_empty():
    assert len(confusion_pairs([1, 2], [1, 2])) == 0


def test_categorise_errors_table():
    y_true = np.array([3, 3, 3, 8, 1, 1, 2, 2])
    y_pred = np.array([8, 8, 3, 3, 7, 1, 2, 2])
    thick = np.array([1, 0, 0, 1, 0, 0, 1, 1], dtype=bool)
    table = categorise_errors(y_true, y_pred, {"thick": thick}, top_pairs=1)
    assert table.index.tolist() == ["3 read as 8", "thick"] or \
        table.index.tolist() == ["thick", "3 read as 8"]
    assert table.loc["thick", "errors"] == 2 and table.loc["3 read as 8", "errors"] == 2
    assert np.isclose(table.loc["thick", "share_of_errors"], 2 / 4)
    assert np.isclose(table.loc["thick", "share_of_all"], 4 / 8)
    assert np.isclose(table.loc["thick", "error_rate"], 2 / 4)
    assert table["errors"].is_monotonic_decreasing


def test_largest_category_and_kinds():
    table = pd.DataFrame({"errors": [5, 3, 1]}, index=["3 read as 8", "tilted", "thin"])
    assert largest_category(table) == "3 read as 8"
    assert largest_category(table, kinds=["thin", "tilted"]) == "tilted"


def test_sample_errors_is_seeded_and_only_errors():
    y_true = np.arange(100) % 10
    y_pred = y_true.copy()
    y_pred[::3] = (y_pred[::3] + 1) % 10            # 34 errors
    a = sample_errors(y_true, y_pred, 10, seed=0)
    b = sample_errors(y_true, y_pred, 10, seed=0)
    assert np.array_equal(a, b) and len(a) == 10 and np.all(y_true[a] != y_pred[a])
    assert len(sample_errors(y_true, y_pred, 50, seed=0)) == 34


# ----------------------------------------------------------------------------- bad inputs


@pytest.mark.parametrize("images, error, match", [
    (np.zeros((3, 8, 8, 3)), ValueError, "channels"),
    (np.zeros((16, 16)), ValueError, "ONE 16x16 image or 16 flat 4x4"),
    (-np.ones((2, 8, 8)), ValueError, ">= 0"),
    (np.full((2, 8, 8), np.nan), ValueError, "NaN"),
    ("images", TypeError, "numbers"),
    (np.zeros(8), ValueError, r"must have shape \(n, h, w\)"),
])
def test_bad_images(images, error, match):
    with pytest.raises(error, match=match):
        ink(images)


def test_one_image_is_read_as_one_image():
    one = np.zeros((16, 16))
    one[:8] = 1.0
    assert ink(one[None]).tolist() == [0.5]          # said explicitly: one image
    assert ink(np.zeros((3, 10))).shape == (1,)      # 10 pixels a row is no square: one image
    assert ink(one.reshape(1, 256)).tolist() == [0.5]


def test_bad_property_tables():
    good = image_properties(np.random.default_rng(0).random((4, 8, 8)))
    with pytest.raises(TypeError, match="DataFrame"):
        property_categories(good.to_numpy())
    with pytest.raises(ValueError, match="lacks"):
        property_categories(good[["ink"]])
    with pytest.raises(ValueError, match="below 0.5"):
        property_categories(good, fraction=0.6)
    with pytest.raises(ValueError, match="fraction"):
        property_categories(good, fraction=0)


def test_bad_labels_and_masks():
    with pytest.raises(ValueError, match="labels"):
        confusion_pairs([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="whole class indices"):
        confusion_pairs([0.5, 1], [1, 1])
    with pytest.raises(ValueError, match="no errors"):
        categorise_errors([1, 2], [1, 2], {})
    with pytest.raises(ValueError, match="boolean mask"):
        categorise_errors([1, 2], [2, 2], {"thick": np.array([1, 0])})
    with pytest.raises(TypeError, match="dict"):
        categorise_errors([1, 2], [2, 2], [np.array([True, False])])
    with pytest.raises(ValueError, match="at least 1"):
        sample_errors([1, 2], [2, 2], 0, seed=0)
    with pytest.raises(TypeError, match="seed"):
        sample_errors([1, 2], [2, 2], 1, seed="0")
    with pytest.raises(ValueError, match="which the table does not have"):
        largest_category(pd.DataFrame({"errors": [1]}, index=["thin"]), kinds=["tilted"])
    with pytest.raises(TypeError, match="categorise_errors"):
        largest_category({"thin": 1})


# ----------------------------------------------------------------------------- per-class cut-offs


def test_property_categories_per_class():
    # class 0 has much more ink than class 1: without labels, "thin" would be all the 1s
    ref = pd.DataFrame({"ink": np.r_[np.linspace(0.5, 0.7, 50), np.linspace(0.1, 0.2, 50)],
                        "slant": np.zeros(100)})
    ref_y = np.r_[np.zeros(50, int), np.ones(50, int)]
    props = pd.DataFrame({"ink": [0.51, 0.69, 0.11, 0.19], "slant": [0.0] * 4})
    plain = property_categories(props, reference=ref)
    per_class = property_categories(props, reference=ref, labels=[0, 0, 1, 1],
                                    reference_labels=ref_y)
    assert plain["thin"].tolist() == [False, False, True, False]   # only a 1 is "thin"
    assert per_class["thin"].tolist() == [True, False, True, False]
    assert per_class["thick"].tolist() == [False, True, False, True]


def test_property_categories_labels_must_come_in_pairs():
    props = pd.DataFrame({"ink": [0.1, 0.2], "slant": [0.0, 1.0]})
    with pytest.raises(ValueError, match="together"):
        property_categories(props, reference=props.copy(), labels=[0, 1])
    with pytest.raises(ValueError, match="together"):
        property_categories(props, reference_labels=[0, 1])
    with pytest.raises(ValueError, match="no example of the class"):
        property_categories(props, reference=props.copy(), labels=[0, 2], reference_labels=[0, 1])


# ----------------------------------------------------------------------------- appended helpers


def test_few_labels_split_is_balanced_disjoint_and_nested():
    from helpers.data import few_labels

    y = np.arange(200) % 10
    labelled, pool = few_labels(y, 4, seed=3)
    assert np.bincount(y[labelled]).tolist() == [4] * 10
    assert len(np.intersect1d(labelled, pool)) == 0 and len(labelled) + len(pool) == 200
    bigger, _ = few_labels(y, 6, seed=3)
    assert set(labelled) <= set(bigger)
    assert np.array_equal(few_labels(y, 4, seed=3)[0], labelled)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"n_per_class": 20}, ValueError, "pool is left"),
    ({"n_per_class": 0}, ValueError, "at least 1"),
    ({"n_per_class": 2.0}, TypeError, "integer"),
    ({"n_per_class": 2, "seed": -1}, ValueError, "seed"),
])
def test_few_labels_bad_inputs(kwargs, error, match):
    from helpers.data import few_labels

    kwargs = {"seed": 0, **kwargs}
    with pytest.raises(error, match=match):
        few_labels(np.arange(200) % 10, **kwargs)


def test_show_image_rows_draws_one_row_per_entry():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from helpers.plots import show_image_rows

    rng = np.random.default_rng(0)
    axes = show_image_rows({"real": rng.random((4, 8, 8, 1)), "flat": rng.random((3, 64))},
                           ncols=4, titles={"real": list("abcd")})
    assert axes.shape == (2, 4)
    assert axes[0, 0].get_ylabel() == "real" and axes[0, 1].get_title() == "b"
    assert len(axes[1, 3].images) == 0          # the 3-image row leaves its last cell empty
    plt.close("all")
    with pytest.raises(ValueError, match="non-empty"):
        show_image_rows({})
    with pytest.raises(ValueError, match="3 channels"):
        show_image_rows({"bad": rng.random((2, 8, 8, 3))})
    with pytest.raises(ValueError, match="does not have"):
        show_image_rows({"real": rng.random((2, 8, 8))}, titles={"other": [1, 2]})
    with pytest.raises(ValueError, match="NaN"):
        show_image_rows({"real": np.full((2, 8, 8), np.nan)})


# --------------------------------------------------------------------------- the bad-inputs review


def test_review_cases():
    import pandas as pd

    one = np.zeros((16, 16))
    with pytest.raises(ValueError, match="ONE 16x16 image or 16 flat 4x4"):
        ink(one)
    props = pd.DataFrame({"ink": [0.1, np.nan, 0.3, 0.2], "slant": [0.0, 1.0, 2.0, 3.0]})
    with pytest.raises(ValueError, match=r"props\['ink'\] holds 1 NaN"):
        property_categories(props)
    with pytest.raises(ValueError, match="n_classes must be at least 1"):
        confusion_pairs([0, 1], [1, 0], n_classes=0)
    with pytest.raises(TypeError, match="n_classes must be an integer"):
        confusion_pairs([0, 1], [1, 0], n_classes="10")
    table = pd.DataFrame({"errors": [3, 5]}, index=["thick", "thin"])
    with pytest.raises(TypeError, match=r"kinds must be a list.*\['thick'\]"):
        largest_category(table, kinds="thick")
    with pytest.raises(ValueError, match=r"\['tilted'\], which the table does not have"):
        largest_category(table, kinds=["tilted"])
    with pytest.raises(ValueError, match="kinds is empty"):
        largest_category(table, kinds=[])
    assert largest_category(table, kinds=["thick"]) == "thick"
