"""helpers.plots: what each plot draws, and the inputs it refuses."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import plots
from helpers.plots import plot_confusion_matrix


def test_plot_curves_draws_one_line_per_series():
    import matplotlib.pyplot as plt

    ax = plots.plot_curves({"train": [3, 2, 1], "cv": [3, 2.5, 2]}, logy=True)
    assert [line.get_label() for line in ax.lines] == ["train", "cv"]
    np.testing.assert_array_equal(ax.lines[1].get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), [3, 2.5, 2])
    assert ax.get_yscale() == "log"

    class History:  # what keras's fit returns, as far as plot_curves reads it
        history = {"loss": [1.0, 0.5], "val_loss": [1.2, 0.9]}

    ax = plots.plot_curves({"run": History()})
    assert [line.get_label() for line in ax.lines] == ["run loss", "run val_loss"]
    plt.close("all")


def test_plot_decision_boundary_draws_every_point_and_the_boundary():
    import matplotlib.pyplot as plt

    X = np.random.default_rng(0).normal(size=(20, 2))
    y = (X[:, 0] > 0).astype(int)
    ax = plots.plot_decision_boundary(lambda P: P[:, 0] > 0, X, y, resolution=20,
                                      labels=["neg", "pos"])
    points = {c.get_label(): len(c.get_offsets()) for c in ax.collections
              if c.get_label() in ("neg", "pos")}
    assert points == {"neg": int(np.sum(y == 0)), "pos": int(np.sum(y == 1))}
    assert sum(points.values()) == len(X)  # no point left out
    assert len(ax.collections) > 2  # the shaded regions and the boundary line were drawn too
    # boolean labels and an (m, 1) label column are the same labels
    ax = plots.plot_decision_boundary(lambda P: P[:, 0] > 0, X, y.astype(bool)[:, None],
                                      resolution=20)
    assert sum(len(c.get_offsets()) for c in ax.collections if c.get_label() in ("0", "1")) == 20
    plt.close("all")


def test_show_images_draws_each_image_with_its_title():
    import matplotlib.pyplot as plt

    axes = plots.show_images(np.arange(3 * 64).reshape(3, 64), titles=["a", "b", "c"], ncols=2)
    assert axes.shape == (2, 2)
    drawn = [ax for ax in axes.flat if ax.images]
    assert len(drawn) == 3 and [ax.get_title() for ax in drawn] == ["a", "b", "c"]
    np.testing.assert_array_equal(drawn[2].images[0].get_array(), np.arange(128, 192).reshape(8, 8))
    assert not axes.flat[3].images  # the spare cell stays empty
    plt.close("all")


XY = np.random.default_rng(0).normal(size=(20, 2))
Y01 = (XY[:, 0] > 0).astype(int)


@pytest.mark.parametrize("call, error, match", [
    (lambda: plots.plot_decision_boundary(lambda P: P, np.zeros((3, 3)), [0, 1, 0]), ValueError,
     r"\(m, 2\)"),
    (lambda: plots.plot_decision_boundary(lambda P: P[:, 0], XY, Y01 + 1), ValueError,
     r"labels 0 and 1.*got the values 1, 2"),
    (lambda: plots.plot_decision_boundary(lambda P: P[:, 0], XY, 2 * Y01 - 1), ValueError,
     r"got the values -1, 1; map them first"),
    (lambda: plots.plot_decision_boundary(lambda P: P[:, 0], np.vstack([XY, [np.nan, 0]]),
                                          np.r_[Y01, 0]), ValueError, "X holds 1 NaN"),
    (lambda: plots.plot_decision_boundary(lambda P: np.full(len(P), np.nan), XY, Y01,
                                          resolution=10), ValueError, "predict returned 100 NaN"),
    (lambda: plots.plot_decision_boundary(lambda P: P[:, 0], XY, Y01[:5]), ValueError,
     "20 rows but y has 5"),
    (lambda: plots.plot_decision_boundary(lambda P: P[:, 0], XY, Y01, resolution="10"), TypeError,
     "resolution must be an integer"),
    (lambda: plots.plot_decision_boundary(lambda P: P[:, 0], XY, Y01, threshold=None), TypeError,
     "threshold must be a number"),
    (lambda: plots.plot_decision_boundary(None, XY, Y01), TypeError, "predict must be a function"),
    (lambda: plots.plot_decision_boundary(lambda P: P[:, 0], XY, Y01, labels="ab"), TypeError,
     "labels must be a pair"),
    (lambda: plots.show_images(np.zeros((3, 8, 8)), titles=["a"]), ValueError, "3 images but 1"),
    (lambda: plots.show_images(np.zeros((3, 8, 8)), titles="abc"), TypeError, "titles must be a list"),
    (lambda: plots.show_images(np.zeros((3, 8, 8)), ncols="3"), TypeError, "ncols must be an integer"),
    (lambda: plots.show_images(np.zeros((3, 8, 8)), ncols=0), ValueError, "ncols must be at least 1"),
    (lambda: plots.show_images(np.zeros((3, 8, 8)), size="1"), TypeError, "size must be a number"),
    (lambda: plots.show_images(["a", "b"]), TypeError, "images must be an array of numbers"),
    (lambda: plots.show_images(np.full((2, 8, 8), np.nan)), ValueError, "images holds 128 NaN"),
    (lambda: plots.plot_curves({}), ValueError, "non-empty"),
    (lambda: plots.plot_curves([1, 2, 3]), TypeError, "needs a dict"),
    (lambda: plots.plot_curves({"train": "abc"}), TypeError, "curve 'train' must be an array"),
    (lambda: plots.plot_curves({"train": []}), ValueError, "curve 'train' is empty"),
    (lambda: plots.plot_curves({"train": [[1, 2]]}), ValueError, "curve 'train' must be 1-D"),
    (lambda: plots.plot_curves({"train": [1, 2]}, logy="yes"), TypeError, "logy must be True"),
])
def test_plots_refuse_bad_inputs(call, error, match):
    import matplotlib.pyplot as plt

    with pytest.raises(error, match=match):
        call()
    plt.close("all")


# --------------------------------------------------------------------------- confusion matrix



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


# --------------------------------------------------------------------------- error curves


def test_plot_errors_draws_curves_bands_and_baseline():
    ax = plots.plot_errors([10, 20, 40], [0.1, 0.2, 0.25], [0.5, 0.35, 0.3], baseline=0.09,
                        train_spread=[0.01, 0.01, 0.01], cv_spread=[0.1, 0.05, 0.02], logx=True)
    assert len(ax.lines) == 3 and len(ax.collections) == 2
    assert ax.get_xscale() == "log"
    assert ax.lines[2].get_ydata()[0] == 0.09
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.mark.parametrize("kwargs, error", [
    ({"j_cv": [0.1, 0.2]}, ValueError),
    ({"x": [[1, 2, 3]]}, ValueError),
    ({"baseline": "0.1"}, TypeError),
    ({"cv_spread": [0.1]}, ValueError),
    ({"logx": 1}, TypeError),
    ({"labels": "J"}, TypeError),
    ({"j_train": [0.1, np.nan, 0.2]}, ValueError),
])
def test_plot_errors_rejects_bad_inputs(kwargs, error):
    args = {"x": [1, 2, 3], "j_train": [0.1, 0.2, 0.3], "j_cv": [0.3, 0.3, 0.3]}
    args.update(kwargs)
    with pytest.raises(error):
        plots.plot_errors(args.pop("x"), args.pop("j_train"), args.pop("j_cv"), **args)


# --------------------------------------------------------------------------- the bad-inputs review


@pytest.mark.parametrize("call, error, match", [
    (lambda: plots.plot_curves({"train": [1.0, 0.5, 0.0]}, logy=True), ValueError,
     r"holds 1 value\(s\) <= 0.*log y axis"),
    (lambda: plots.show_images(np.zeros((64, 64))), ValueError, "ONE 64x64 image or 64 flat 8x8"),
    (lambda: plots.show_images(np.zeros((3, 8, 8)), cmap="grey_rr"), ValueError, "colormap"),
    (lambda: plots.show_images(np.zeros((3, 8, 8)), titles={"a": 1}), TypeError, "titles"),
    (lambda: plots.plot_confusion_matrix([[1, 2], [3, 4]], cell_names=5), TypeError,
     "cell_names must be an 2 x 2 list of lists"),
    (lambda: plots.plot_confusion_matrix([[1, 2], [3, 4]], labels="ab"), TypeError,
     "labels must be a list of 2 class names"),
    (lambda: plots.plot_confusion_matrix([[1, 2], [3, 4]], ax="left"), TypeError,
     "ax must be a matplotlib Axes"),
    (lambda: plots.show_image_rows([np.zeros((2, 8, 8))]), TypeError, "dict of row name"),
    (lambda: plots.show_image_rows({"a": np.zeros((2, 8, 8))}, titles=["x", "y"]), TypeError,
     "titles must be a dict"),
    (lambda: plots.show_image_rows({"a": np.zeros((2, 8, 8))}, titles={"a": None}), TypeError,
     r"titles\['a'\] must be a list"),
    (lambda: plots.plot_errors([100, 10, 50], [0.1, 0.2, 0.3], [0.3, 0.3, 0.3]), ValueError,
     "x must increase.*np.argsort"),
    (lambda: plots.plot_errors([0, 1, 10], [0.1, 0.2, 0.3], [0.3, 0.3, 0.3], logx=True),
     ValueError, r"x holds 1 value\(s\) <= 0.*log x axis"),
    (lambda: plots.plot_errors([1, 2], [0.0, 0.2], [0.3, 0.3], logy=True), ValueError,
     "j_train holds 1 value"),
    (lambda: plots.plot_errors([1, 2], [0.1, 0.2], [0.3, 0.3], logy=True, baseline=0.0),
     ValueError, "baseline=0.0 cannot be drawn"),
    (lambda: plots.plot_errors([1, 2], [0.1, 0.2], [0.3, 0.3], labels=("a", "b", "c")),
     ValueError, "exactly two names"),
    (lambda: plots.plot_decision_boundary(None, np.zeros((4, 2)), [0, 1, 0, 1]), TypeError,
     "predict must be a function"),
])
def test_review_cases_are_clear_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
    plt.close("all")


def test_decision_boundary_of_identical_rows_still_shades_a_window():
    X = np.ones((6, 2))
    ax = plots.plot_decision_boundary(lambda g: g[:, 0] - 1.0, X, [0, 1, 0, 1, 0, 1])
    lo, hi = ax.get_xlim()
    assert lo < 1.0 < hi and hi - lo >= 0.5              # a window around the one point
    assert len(ax.collections) >= 3                     # shading, the boundary, the points
    plt.close("all")


def test_one_image_is_shown_as_one_image_and_nan_curves_may_gap_on_a_log_axis():
    axes = plots.show_images(np.zeros((8, 8)))
    assert axes.shape == (1, 1)
    ax = plots.plot_curves({"diverged": [1.0, 0.5, np.nan]}, logy=True)
    assert ax.get_yscale() == "log"
    plt.close("all")


@pytest.mark.parametrize("call", [
    lambda: plots.plot_curves({"a": [1.0]}, xlabel=None),
    lambda: plots.plot_errors([1, 2], [0.1, 0.2], [0.3, 0.3], ylabel=3),
    lambda: plots.plot_confusion_matrix([[1, 2], [3, 4]], title=["t"]),
])
def test_axis_texts_must_be_strings(call):
    with pytest.raises(TypeError, match="must be a string"):
        call()
