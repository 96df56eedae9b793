"""helpers.plots.plot_confusion_matrix: what it draws, and the bad inputs it refuses."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers.plots import plot_confusion_matrix


def texts(ax):
    return [t.get_text() for t in ax.texts]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_writes_every_nonzero_count_in_its_cell():
    cm = np.array([[5, 0, 1], [0, 7, 0], [2, 0, 9]])
    ax = plot_confusion_matrix(cm, labels=["a", "b", "c"], title="t")
    drawn = {(round(t.get_position()[1]), round(t.get_position()[0])): t.get_text() for t in ax.texts}
    assert drawn == {(0, 0): "5", (0, 2): "1", (1, 1): "7", (2, 0): "2", (2, 2): "9"}
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b", "c"]
    assert ax.get_xlabel() == "predicted" and ax.get_ylabel() == "actual" and ax.get_title() == "t"
    np.testing.assert_array_equal(ax.images[0].get_array(), cm)


def test_cell_names_and_row_shares():
    cm = np.array([[3980, 0], [20, 0]])
    ax = plot_confusion_matrix(cm, cell_names=[["TN", "FP"], ["FN", "TP"]], normalise_rows=True)
    assert texts(ax) == ["TN\n3980", "FP\n0", "FN\n20", "TP\n0"]
    shares = np.asarray(ax.images[0].get_array())
    np.testing.assert_allclose(shares, [[1, 0], [1, 0]])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "1"]


def test_draws_on_the_given_axes():
    fig, axes = plt.subplots(1, 2)
    out = plot_confusion_matrix([[1, 2], [3, 4]], ax=axes[1])
    assert out is axes[1] and len(axes[1].texts) == 4 and len(axes[0].texts) == 0


def test_white_text_on_dark_cells():
    ax = plot_confusion_matrix([[100, 1], [1, 100]])
    colours = [t.get_color() for t in ax.texts]
    assert colours == ["white", "black", "black", "white"]


@pytest.mark.parametrize("cm, kwargs, error, match", [
    ([[1, 2, 3], [4, 5, 6]], {}, ValueError, "square"),
    ([1, 2, 3], {}, ValueError, "2-D"),
    ([[1, -1], [0, 2]], {}, ValueError, "counts"),
    ([[0.5, 0.5], [0.1, 0.9]], {}, ValueError, "counts"),
    ([[1, np.nan], [0, 2]], {}, ValueError, "NaN"),
    ([["a", "b"], ["c", "d"]], {}, TypeError, "numbers"),
    (None, {}, TypeError, "None"),
    ([[1, 2], [3, 4]], {"labels": ["only one"]}, ValueError, "labels"),
    ([[1, 2], [3, 4]], {"cell_names": [["TN", "FP"]]}, ValueError, "cell_names"),
    ([[1, 2], [3, 4]], {"normalise_rows": "yes"}, TypeError, "normalise_rows"),
    (np.zeros((0, 0)), {}, ValueError, "empty"),
])
def test_bad_inputs_are_refused_with_a_clear_message(cm, kwargs, error, match):
    with pytest.raises(error, match=match):
        plot_confusion_matrix(cm, **kwargs)
