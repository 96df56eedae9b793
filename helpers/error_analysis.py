"""Error analysis for image classifiers: visible properties of an image, and counts of error kinds.

Lesson 12 samples the cross-validation errors of a digits model and sorts them into categories, the
way the course does by hand for spam ("pharma", "deliberate misspellings", ...)::

    from helpers.error_analysis import image_properties, property_categories, categorise_errors

    props = image_properties(x_cv)                 # ink (stroke thickness) and slant of each image
    masks = property_categories(props, reference=image_properties(x_train))
    table = categorise_errors(y_cv, y_pred, masks)  # one row per category, errors counted

Properties are computed from the pixels alone (no labels), so the same rule that finds "tilted"
errors can pick tilted images out of an unlabelled pool to be labelled next (targeted data).
An image may fall into several categories, or none: the counts need not add up to the errors.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from helpers import validate
from helpers.images import as_images

__all__ = [
    "ink", "slant", "image_properties", "property_categories", "confusion_pairs",
    "categorise_errors", "sample_errors", "largest_category",
]


def _ink_images(images, name: str = "images") -> np.ndarray:
    """Grey images read by :func:`helpers.images.as_images`, whose values are ink (>= 0)."""
    arr = as_images(images, name)
    if arr.min() < 0:
        raise ValueError(f"{name} must hold ink values >= 0 (0 = paper), got a minimum of "
                         f"{arr.min():.3g}; undo any standardisation first.")
    return arr


def ink(images) -> np.ndarray:
    """Mean pixel value of each image: how much of the frame the pen covered.

    For digits whose height is normalised (as scikit-learn's are), a thicker pen leaves more ink,
    so this is a simple measure of stroke thickness.
    """
    x = _ink_images(images)
    return x.mean(axis=(1, 2))


def slant(images) -> np.ndarray:
    """Tilt of each image in degrees from the vertical, from its second moments of ink.

    With row ``r`` (down) and column ``c`` (right), ``slant = atan(-cov(r, c) / var(r))``: how far
    the ink moves right per row as it goes up. Positive leans right (like ``/``), negative left;
    an upright or symmetric image gives about 0. A blank image gives 0.
    """
    x = _ink_images(images)
    n, h, w = x.shape
    rows, cols = np.mgrid[0:h, 0:w].astype(float)
    mass = x.sum(axis=(1, 2))
    safe = np.where(mass > 0, mass, 1.0)
    r_mean = (x * rows).sum(axis=(1, 2)) / safe
    c_mean = (x * cols).sum(axis=(1, 2)) / safe
    dr = rows[None] - r_mean[:, None, None]
    dc = cols[None] - c_mean[:, None, None]
    var_r = (x * dr ** 2).sum(axis=(1, 2)) / safe
    cov_rc = (x * dr * dc).sum(axis=(1, 2)) / safe
    shear = np.where(var_r > 0, -cov_rc / np.where(var_r > 0, var_r, 1.0), 0.0)
    return np.degrees(np.arctan(shear))


def image_properties(images):
    """A pandas DataFrame with one row per image: ``ink`` (thickness) and ``slant`` (degrees)."""
    import pandas as pd

    x = _ink_images(images)
    return pd.DataFrame({"ink": ink(x), "slant": slant(x)})


def property_categories(props, *, reference=None, fraction: float = 0.2, labels=None,
                        reference_labels=None) -> dict[str, np.ndarray]:
    """Boolean masks ``{"thick": ..., "thin": ..., "tilted": ...}`` over the rows of ``props``.

    An image is *thick* when its ink is in the top ``fraction`` of the ``reference`` images (by
    default ``props`` itself; pass the training set's properties so the cut-offs do not depend on
    the set being analysed), *thin* in the bottom ``fraction``, and *tilted* when ``|slant|`` is
    in the top ``fraction``. So about ``fraction`` of typical images fall into each category: a
    category holding a larger share of the errors than that is where the model struggles.

    With ``labels`` (the class of each row of ``props``) and ``reference_labels``, the cut-offs
    are taken per class: a *thin* 8 is thin for an 8. Without them a thin digit is mostly a 1
    (a 1 has little ink), and the category would only repeat the class.
    """
    props = _check_props(props, "props")
    fraction = validate.fraction(fraction, "fraction")
    if fraction >= 0.5:
        raise ValueError(f"fraction must be below 0.5 so that thick and thin do not overlap, "
                         f"got {fraction}.")
    own_reference = reference is None
    reference = props if own_reference else _check_props(reference, "reference")
    if (labels is None and reference_labels is not None) or \
            (labels is not None and not own_reference and reference_labels is None):
        raise ValueError("pass labels and reference_labels together (or neither): the "
                         "per-class cut-offs need the class of every row of both tables.")
    ink_v, tilt_v = props["ink"].to_numpy(), np.abs(props["slant"].to_numpy())
    if labels is None:
        groups = [(np.ones(len(props), bool), np.ones(len(reference), bool))]
    else:
        labels = validate.labels(labels, "labels", length=len(props))
        reference_labels = labels if own_reference else validate.labels(
            reference_labels, "reference_labels", length=len(reference))
        missing = sorted(set(labels.tolist()) - set(reference_labels.tolist()))
        if missing:
            raise ValueError(f"reference_labels has no example of the class(es) {missing}, so "
                             "their cut-offs are unknown; use a reference with every class.")
        groups = [(labels == c, reference_labels == c) for c in np.unique(labels)]
    masks = {"thick": np.zeros(len(props), bool), "thin": np.zeros(len(props), bool),
             "tilted": np.zeros(len(props), bool)}
    ref_ink, ref_tilt = reference["ink"].to_numpy(), np.abs(reference["slant"].to_numpy())
    for rows, ref_rows in groups:
        lo, hi = np.quantile(ref_ink[ref_rows], [fraction, 1 - fraction])
        tilt_hi = np.quantile(ref_tilt[ref_rows], 1 - fraction)
        masks["thick"][rows] = ink_v[rows] > hi
        masks["thin"][rows] = ink_v[rows] < lo
        masks["tilted"][rows] = tilt_v[rows] > tilt_hi
    return masks


def _check_props(props, name):
    import pandas as pd

    if not isinstance(props, pd.DataFrame):
        raise TypeError(f"{name} must be the DataFrame that image_properties returns, got "
                        f"{validate.describe(props)}.")
    missing = {"ink", "slant"} - set(props.columns)
    if missing:
        raise ValueError(f"{name} lacks the column(s) {sorted(missing)}; make it with "
                         f"image_properties(images).")
    if len(props) == 0:
        raise ValueError(f"{name} is empty; pass the properties of at least one image.")
    for column in ("ink", "slant"):
        validate.array(props[column].to_numpy(), f"{name}[{column!r}]",
                       hint="an image with NaN pixels? image_properties refuses those")
    return props


def confusion_pairs(y_true, y_pred, *, n_classes: int | None = None):
    """The errors counted by kind: a pandas Series ``"3 read as 8" -> count``, largest first.

    Only misclassified examples count; ties keep the order of the true class, then the
    predicted class, so the result is the same on every machine.
    """
    import pandas as pd

    y_true = validate.labels(y_true, "y_true", n_classes=n_classes)
    y_pred = validate.labels(y_pred, "y_pred", n_classes=n_classes, length=len(y_true))
    wrong = y_true != y_pred
    if not wrong.any():
        return pd.Series(dtype=np.int64, name="errors")
    pairs, counts = np.unique(np.column_stack([y_true[wrong], y_pred[wrong]]), axis=0,
                              return_counts=True)
    order = np.argsort(-counts, kind="stable")
    index = [f"{a} read as {b}" for a, b in pairs[order]]
    return pd.Series(counts[order].astype(np.int64), index=index, name="errors")


def categorise_errors(y_true, y_pred, categories: Mapping[str, np.ndarray], *,
                      top_pairs: int = 3):
    """Count the errors in each category: a DataFrame, one row per category, largest first.

    ``categories`` maps a name to a boolean mask over the same examples (from
    :func:`property_categories`, or your own). The ``top_pairs`` most frequent confusion pairs are
    added as categories too. Columns: ``errors`` (misclassified examples in the category),
    ``share_of_errors``, ``share_of_all`` (of all examples, right or wrong, in the category) and
    ``error_rate`` (errors / examples in the category).
    """
    import pandas as pd

    y_true = validate.labels(y_true, "y_true")
    y_pred = validate.labels(y_pred, "y_pred", length=len(y_true))
    top_pairs = validate.integer(top_pairs, "top_pairs", minimum=0)
    if not isinstance(categories, Mapping):
        raise TypeError(f"categories must be a dict of name -> boolean mask, got "
                        f"{validate.describe(categories)}.")
    wrong = y_true != y_pred
    n_wrong = int(wrong.sum())
    if n_wrong == 0:
        raise ValueError("there are no errors to categorise: every prediction is right.")
    masks = {}
    for name, mask in categories.items():
        mask = np.asarray(mask)
        if mask.dtype != bool or mask.shape != y_true.shape:
            raise ValueError(f"category {name!r} must be a boolean mask of shape {y_true.shape}, "
                             f"got {validate.describe(mask)}.")
        masks[str(name)] = mask
    for pair in confusion_pairs(y_true, y_pred).index[:top_pairs]:
        a, b = (int(v) for v in pair.split(" read as "))
        masks[pair] = (y_true == a) & (y_pred == b)
    rows = []
    for name, mask in masks.items():
        errors = int((mask & wrong).sum())
        rows.append({"category": name, "errors": errors, "share_of_errors": errors / n_wrong,
                     "share_of_all": float(mask.mean()),
                     "error_rate": errors / mask.sum() if mask.any() else 0.0})
    table = pd.DataFrame(rows).set_index("category")
    return table.sort_values("errors", ascending=False, kind="stable")


def sample_errors(y_true, y_pred, n: int, *, seed: int) -> np.ndarray:
    """Indices of at most ``n`` misclassified examples drawn at random (sorted), as the course
    samples ~100 of many errors to examine by hand; all of them when there are fewer than ``n``."""
    y_true = validate.labels(y_true, "y_true")
    y_pred = validate.labels(y_pred, "y_pred", length=len(y_true))
    n = validate.integer(n, "n", minimum=1)
    seed = validate.seed(seed)
    wrong = np.flatnonzero(y_true != y_pred)
    if len(wrong) <= n:
        return wrong
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(wrong, size=n, replace=False))


def largest_category(table, *, kinds=None) -> str:
    """The name of the category with the most errors in a :func:`categorise_errors` table.

    ``kinds`` restricts the choice to some names (e.g. the property categories). Ties go to the
    row listed first.
    """
    import pandas as pd

    if not isinstance(table, pd.DataFrame) or "errors" not in table.columns:
        raise TypeError(f"table must be the DataFrame categorise_errors returns, got "
                        f"{validate.describe(table)}.")
    if kinds is not None:
        if isinstance(kinds, str) or not isinstance(kinds, list | tuple | set):
            raise TypeError(f"kinds must be a list of category names such as ['thick', 'thin'], "
                            f"got {validate.describe(kinds)}"
                            + (f"; for one name write [{kinds!r}]." if isinstance(kinds, str)
                               else "."))
        unknown = sorted(str(k) for k in kinds if k not in table.index)
        if unknown:
            raise ValueError(f"kinds names {unknown}, which the table does not have; its "
                             f"categories are {list(table.index)}.")
    rows = table if kinds is None else table.loc[[k for k in table.index if k in set(kinds)]]
    if len(rows) == 0:
        raise ValueError("kinds is empty: name at least one category.")
    return str(rows["errors"].idxmax())
