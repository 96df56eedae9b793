"""The lessons' plots: curves, decision boundaries, images, confusion matrices, error curves.

Each returns the matplotlib Axes it drew on.

Inputs are checked with :mod:`helpers.validate` before anything is drawn: a plot that silently
drops points or draws NaN as nothing would mislead, so such inputs raise instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from helpers import validate
from helpers.images import as_images

__all__ = ["plot_curves", "plot_decision_boundary", "show_images", "show_image_rows",
           "plot_confusion_matrix", "plot_errors"]


def _axes(ax):
    import matplotlib.pyplot as plt
    from matplotlib.axes import Axes

    if ax is None:
        return plt.subplots()[1]
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes (e.g. from plt.subplots()), got "
                        f"{validate.describe(ax)}.")
    return ax


def _pair(value, name: str) -> tuple:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise TypeError(f"{name} must be a pair of two names, e.g. ('0', '1'), got "
                        f"{validate.describe(value)}.")
    if len(value) != 2:
        raise ValueError(f"{name} must hold exactly two names, got {len(value)}: {list(value)}.")
    return tuple(str(v) for v in value)


def _cmap(cmap) -> str:
    import matplotlib

    if not isinstance(cmap, str):
        raise TypeError(f"cmap must be the name of a matplotlib colormap such as 'gray_r', got "
                        f"{validate.describe(cmap)}.")
    if cmap not in matplotlib.colormaps:
        raise ValueError(f"cmap={cmap!r} is not a matplotlib colormap; try 'gray_r', 'Blues' or "
                         f"'viridis'.")
    return cmap


def _texts(xlabel, ylabel, title) -> None:
    for name, value in (("xlabel", xlabel), ("ylabel", ylabel), ("title", title)):
        if not (isinstance(value, str) or (name == "title" and value is None)):
            raise TypeError(f"{name} must be a string, got {validate.describe(value)}.")


def _finish(ax, xlabel, ylabel, title, *, logx: bool = False, logy: bool = False):
    """Scales, axis labels, title and legend: the last lines of every line plot."""
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


def _log_axis_values(values, name: str, axis: str) -> None:
    """A log axis cannot show 0 or negative values: raise instead of dropping them silently."""
    finite = values[np.isfinite(values)]
    if finite.size and finite.min() <= 0:
        raise ValueError(f"{name} holds {int(np.sum(finite <= 0))} value(s) <= 0 (the smallest is "
                         f"{finite.min():.3g}), which a log {axis} axis cannot show; use "
                         f"log{axis}=False, or plot those points separately.")


def plot_curves(curves: Mapping[str, object], *, ax=None, xlabel: str = "epoch",
                ylabel: str = "loss", logy: bool = False, title: str | None = None):
    """Plot named 1-D series (e.g. ``{"train": history.history["loss"], ...}``) against their index.

    A Keras ``History`` object is accepted as a value too: each of its metrics becomes a line.
    Each series must be a non-empty 1-D sequence of numbers; NaN or infinite values (a diverged
    run) are allowed and show as a gap, as matplotlib draws them. With ``logy``, a value <= 0
    raises (a log axis would leave it out).
    """
    if not isinstance(curves, Mapping):
        raise TypeError(f"plot_curves needs a dict of name -> sequence of values, got "
                        f"{validate.describe(curves)}; e.g. {{'train': history.history['loss']}}.")
    if not curves:
        raise ValueError("plot_curves needs a non-empty dict of name -> sequence of values.")
    logy = validate.boolean(logy, "logy")
    _texts(xlabel, ylabel, title)
    series_list = []
    for name, values in curves.items():
        if hasattr(values, "history"):  # a keras History
            for metric, series in values.history.items():
                arr = validate.array(series, f"curve {name!r} {metric}", ndim=1, finite=False)
                series_list.append((f"{name} {metric}", arr))
            continue
        arr = validate.array(values, f"curve {name!r}", ndim=1, finite=False)
        series_list.append((str(name), arr))
    if logy:
        for label, arr in series_list:
            _log_axis_values(arr, f"curve {label!r}", "y")
    ax = _axes(ax)
    for label, arr in series_list:
        ax.plot(np.arange(1, len(arr) + 1), arr, label=label)
    return _finish(ax, xlabel, ylabel, title, logy=logy)


def plot_decision_boundary(predict: Callable, X, y, *, ax=None, threshold: float = 0.5,
                           resolution: int = 200, labels=("0", "1"), feature_names=("x1", "x2")):
    """Shade where ``predict(points) >= threshold`` over the range of 2-D data ``X``; scatter ``X`` by ``y``.

    ``predict`` takes an array of shape (k, 2) and returns k finite scores (any shape that flattens
    to k). ``X`` is ``(m, 2)`` without NaN; ``y`` holds the labels 0 and 1 (or False/True), one per
    row: other labels (-1/1, 1/2) raise instead of being left out of the scatter.
    """
    validate.function(predict, "predict", hint="it takes a (k, 2) array of points, e.g. "
                      "lambda G: model.predict(G, verbose=0)")
    X = validate.array(X, "X")
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"plot_decision_boundary draws 2-D inputs: X must be (m, 2), got {X.shape}.")
    y_arr = validate.array(y, "y", dtype=None).reshape(-1)
    found = np.unique(y_arr)
    if not set(found.tolist()) <= {0, 1}:
        shown = ", ".join(f"{v:g}" for v in found[:6]) + (", ..." if found.size > 6 else "")
        raise ValueError(f"y must hold the labels 0 and 1 (or False/True), got the values {shown}; "
                         f"map them first, e.g. (y == positive_label).astype(int).")
    if len(y_arr) != len(X):
        raise ValueError(f"X has {len(X)} rows but y has {len(y_arr)} labels.")
    y = y_arr.astype(np.int64)
    threshold = validate.number(threshold, "threshold")
    resolution = validate.integer(resolution, "resolution", minimum=2, maximum=2000)
    labels = _pair(labels, "labels")
    feature_names = _pair(feature_names, "feature_names")
    span = X.max(axis=0) - X.min(axis=0)
    # 5% around the data; a feature with one value gets a window of its own size (or 1)
    pad = np.where(span > 0, 0.05 * span, np.maximum(0.5 * np.abs(X.min(axis=0)), 0.5))
    lo, hi = X.min(axis=0) - pad, X.max(axis=0) + pad
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    grid = np.column_stack([g0.ravel(), g1.ravel()])
    p = validate.array(predict(grid), "predict(points)", finite=False).reshape(-1)
    if p.size != grid.shape[0]:
        raise ValueError(f"predict returned {p.size} values for {grid.shape[0]} points.")
    if not np.all(np.isfinite(p)):
        raise ValueError(f"predict returned {int(np.sum(~np.isfinite(p)))} NaN or infinite "
                         f"value(s) on the grid; the boundary cannot be drawn. Check the model "
                         f"(did training diverge?).")
    ax = _axes(ax)
    ax.contourf(g0, g1, p.reshape(g0.shape), levels=[-np.inf, threshold, np.inf],
                colors=["#dbe9f6", "#fde0c5"], alpha=0.8)
    ax.contour(g0, g1, p.reshape(g0.shape), levels=[threshold], colors="k", linewidths=1)
    for cls, marker, color in ((0, "o", "tab:blue"), (1, "x", "tab:red")):
        sel = y == cls
        ax.scatter(X[sel, 0], X[sel, 1], marker=marker, c=color, s=18, label=labels[cls])
    ax.set_xlabel(feature_names[0])
    ax.set_ylabel(feature_names[1])
    ax.legend(loc="best")
    return ax


def show_images(images, titles=None, *, ncols: int = 10, size: float = 1.0, cmap: str = "gray_r"):
    """Show a grid of grey images, read by :func:`helpers.images.as_images` (a stack, flat rows of
    square images, or one image).

    ``ncols`` (a positive integer) is the most images per row; ``titles`` one per image.
    Returns the 2-D array of Axes. NaN pixels raise (they would show as blank squares).
    """
    import matplotlib.pyplot as plt

    images = as_images(images)
    ncols = validate.integer(ncols, "ncols", minimum=1)
    size = validate.number(size, "size", positive=True)
    cmap = _cmap(cmap)
    n = len(images)
    if titles is not None:
        if isinstance(titles, str | Mapping) or not hasattr(titles, "__len__"):
            raise TypeError(f"titles must be a list with one title per image, got "
                            f"{validate.describe(titles)}.")
        if len(titles) != n:
            raise ValueError(f"{n} images but {len(titles)} titles.")
    ncols = min(ncols, n)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows * 1.15), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            ax.imshow(images[i], cmap=cmap)
            if titles is not None:
                ax.set_title(str(titles[i]), fontsize=8)
    fig.tight_layout()
    return axes


# --------------------------------------------------------------------------- confusion matrix


def plot_confusion_matrix(cm, labels=None, ax=None, *, cell_names=None, normalise_rows: bool = False,
                          title: str | None = None, xlabel: str = "predicted",
                          ylabel: str = "actual", cmap: str = "Blues"):
    """Draw a confusion matrix ``cm[i, j]`` = count of actual class ``i`` predicted as ``j``.

    scikit-learn's layout: rows are the actual class, columns the prediction. Every non-zero
    count is written in its cell (zero cells stay blank unless ``cell_names`` names them).
    ``labels`` names the classes (default ``0 .. n-1``); ``cell_names`` is an optional n x n list
    of strings written above each count (e.g. ``[["TN", "FP"], ["FN", "TP"]]``);
    ``normalise_rows=True`` colours each cell by its share of the actual class (rare classes stay
    visible). Returns the Axes.
    """
    cm = validate.array(cm, "cm", ndim=2, dtype=None)
    if cm.shape[0] != cm.shape[1]:
        raise ValueError(f"cm must be square (one row and one column per class), got shape "
                         f"{cm.shape}.")
    if cm.min() < 0 or not np.all(cm == np.round(cm)):
        raise ValueError("cm must hold counts (non-negative whole numbers); got "
                         f"values from {cm.min():.3g} to {cm.max():.3g}. Pass counts, e.g. from "
                         "sklearn.metrics.confusion_matrix, not rates.")
    n = cm.shape[0]
    cmap = _cmap(cmap)
    if labels is not None and (isinstance(labels, str) or not isinstance(labels, Sequence | np.ndarray)):
        raise TypeError(f"labels must be a list of {n} class names, got "
                        f"{validate.describe(labels)}.")
    labels = [str(i) for i in range(n)] if labels is None else [str(v) for v in labels]
    if len(labels) != n:
        raise ValueError(f"labels must name the {n} classes of cm, got {len(labels)} names.")
    if cell_names is not None:
        if isinstance(cell_names, str) or not isinstance(cell_names, Sequence) or any(
                isinstance(row, str) or not isinstance(row, Sequence) for row in cell_names):
            raise TypeError(f"cell_names must be an {n} x {n} list of lists of strings, e.g. "
                            f"[['TN', 'FP'], ['FN', 'TP']], got {validate.describe(cell_names)}.")
        if len(cell_names) != n or any(len(row) != n for row in cell_names):
            raise ValueError(f"cell_names must be an {n} x {n} list of strings.")
    normalise_rows = validate.boolean(normalise_rows, "normalise_rows")
    _texts(xlabel, ylabel, title)
    counts = cm.astype(int)
    shade = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1) if normalise_rows else counts
    ax = _axes(ax)
    ax.imshow(shade, cmap=cmap, vmin=0, vmax=1 if normalise_rows else max(counts.max(), 1))
    cut = 0.6 * (1 if normalise_rows else max(counts.max(), 1))
    for i in range(n):
        for j in range(n):
            if counts[i, j] == 0 and cell_names is None:
                continue
            text = f"{cell_names[i][j]}\n{counts[i, j]}" if cell_names is not None else str(counts[i, j])
            ax.text(j, i, text, ha="center", va="center", fontsize=9 if n <= 4 else 8,
                    color="white" if shade[i, j] > cut else "black")
    ax.set_xticks(range(n), labels)
    ax.set_yticks(range(n), labels)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.grid(False)
    return ax


def show_image_rows(rows: Mapping[str, object], *, ncols: int = 10, size: float = 0.9,
                    cmap: str = "gray_r", titles: Mapping[str, Sequence] | None = None):
    """A grid with one labelled row per entry of ``rows`` (name -> stack of images).

    Each stack is read by :func:`helpers.images.as_images` (``(n, h, w)``, ``(n, h, w, 1)``, flat
    rows of square images, or one image); the first
    ``ncols`` images of each are drawn, left to right, with the row's name on the left.
    ``titles`` may give, per row name, a title for each image (e.g. the label). Every row is
    scaled from its own 0 to its own maximum, so 0..1 and 0..16 images look alike. Returns the
    axes (rows x ncols).
    """
    import matplotlib.pyplot as plt

    if not isinstance(rows, Mapping):
        raise TypeError(f"show_image_rows needs a dict of row name -> images, got "
                        f"{validate.describe(rows)}.")
    if not rows:
        raise ValueError("show_image_rows needs a non-empty dict of row name -> images.")
    ncols = validate.integer(ncols, "ncols", minimum=1)
    size = validate.number(size, "size", positive=True)
    cmap = _cmap(cmap)
    if titles is not None and not isinstance(titles, Mapping):
        raise TypeError(f"titles must be a dict of row name -> list of titles, e.g. "
                        f"{{'real': labels}}, got {validate.describe(titles)}.")
    stacks = {}
    for name, images in rows.items():
        stacks[str(name)] = as_images(images, f"rows[{name!r}]")[:ncols]
    titles = dict(titles or {})
    for name, ts in titles.items():
        if str(name) not in stacks:
            raise ValueError(f"titles names the row {name!r}, which rows does not have.")
        if isinstance(ts, str) or not hasattr(ts, "__len__"):
            raise TypeError(f"titles[{name!r}] must be a list with a title per image, got "
                            f"{validate.describe(ts)}.")
        if len(ts) < len(stacks[str(name)]):
            raise ValueError(f"titles[{name!r}] has {len(ts)} titles for "
                             f"{len(stacks[str(name)])} images.")
    fig, axes = plt.subplots(len(stacks), ncols, figsize=(size * ncols + 1.2, size * len(stacks) * 1.2),
                             squeeze=False)
    for r, (name, x) in enumerate(stacks.items()):
        top = float(x.max()) if x.max() > 0 else 1.0
        for c in range(ncols):
            ax = axes[r, c]
            ax.set_xticks([])
            ax.set_yticks([])
            for side in ax.spines.values():
                side.set_visible(False)
            if c < len(x):
                ax.imshow(x[c], cmap=cmap, vmin=0, vmax=top)
                if name in titles:
                    ax.set_title(str(titles[name][c]), fontsize=7)
        axes[r, 0].set_ylabel(name, rotation=0, ha="right", va="center", fontsize=9)
    fig.tight_layout()
    return axes


# --------------------------------------------------------------------------- error curves


def plot_errors(x, j_train, j_cv, *, baseline: float | None = None, train_spread=None,
                cv_spread=None, ax=None, xlabel: str = "training set size m",
                ylabel: str = "error", logx: bool = False, logy: bool = False,
                title: str | None = None, labels: Sequence[str] = ("J_train", "J_cv")):
    """Plot J_train and J_cv against ``x`` (sizes m, degrees, lambdas) with the baseline as a line.

    ``train_spread`` / ``cv_spread`` (e.g. standard deviations over resamples) shade a band of
    plus or minus that much around each curve. ``x`` must increase; on a log axis (``logx``,
    ``logy``) a value <= 0 raises instead of being left out. Returns the matplotlib Axes.
    """
    xs = validate.array(x, "x", ndim=1)
    j_train = validate.array(j_train, "j_train", shape=(len(xs),))
    j_cv = validate.array(j_cv, "j_cv", shape=(len(xs),))
    spreads = [None if s is None else validate.array(s, name, shape=(len(xs),))
               for s, name in ((train_spread, "train_spread"), (cv_spread, "cv_spread"))]
    if baseline is not None:
        baseline = validate.number(baseline, "baseline")
    logx = validate.boolean(logx, "logx")
    logy = validate.boolean(logy, "logy")
    labels = _pair(labels, "labels")
    _texts(xlabel, ylabel, title)
    if len(xs) > 1 and np.any(np.diff(xs) <= 0):
        raise ValueError(f"x must increase from point to point (a curve is drawn through the "
                         f"points in order), got {xs.tolist()}; sort x and the errors together, "
                         f"e.g. with order = np.argsort(x).")
    if logx:
        _log_axis_values(xs, "x", "x")
    if logy:
        for values, name in ((j_train, "j_train"), (j_cv, "j_cv")):
            _log_axis_values(values, name, "y")
        if baseline is not None and baseline <= 0:
            raise ValueError(f"baseline={baseline} cannot be drawn on a log y axis; use "
                             f"logy=False or leave the baseline out.")
    ax = _axes(ax)
    for values, spread, label, color in ((j_train, spreads[0], labels[0], "tab:blue"),
                                         (j_cv, spreads[1], labels[1], "tab:orange")):
        ax.plot(xs, values, "o-", color=color, label=label)
        if spread is not None:
            ax.fill_between(xs, values - spread, values + spread, color=color, alpha=0.2)
    if baseline is not None:
        ax.axhline(baseline, color="k", ls="--", lw=1, label="baseline")
    return _finish(ax, xlabel, ylabel, title, logx=logx, logy=logy)
