"""Every dataset a lesson uses: offline, small, deterministic given a seed.

- :func:`three_way_split`: any ``(X, y)`` split train/cv/test, stratified by class;
- :func:`digits_split`: scikit-learn's bundled 8x8 digits (1 797 images), split train/cv/test;
- :func:`coffee_roasting`: the course's coffee-roasting task (temperature, duration -> good roast),
  shipped as ``data/coffee_roasting.csv`` and verified against ``data/MANIFEST.sha256``;
- :func:`make_coffee_roasting`: the generator behind that file, for more or other samples;
- :func:`rare_disease`: a screening task with a rare positive class (default 0.5%);
- :func:`per_class_subset` and :func:`few_labels`: a few labelled examples per class, the rest a pool.

Files in ``data/`` are regenerated with ``make data`` (``python -m tools.manifest``); this module only
reads and verifies them.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from helpers import validate

__all__ = [
    "DATA_DIR", "Split", "three_way_split", "digits_split", "make_coffee_roasting",
    "coffee_roasting", "rare_disease", "per_class_subset", "few_labels", "load_data_file",
    "verify_data_files", "coffee_roasting_csv", "COFFEE_FILE",
]

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
MANIFEST = "MANIFEST.sha256"
REGENERATE = "make data   (or: python -m tools.manifest)"
#: shipped trained models and the command that rebuilds each. A model cannot be remade byte for
#: byte, so `make data` keeps its recorded checksum and only `make pretrained` records a new one.
MODELS = {"letters_cnn.keras": "make pretrained   (or: python -m tools.pretrain)"}


def _remedy(name: str) -> str:
    """How to get a correct copy of a shipped file back."""
    if name in MODELS:
        return (f"restore it with `git checkout -- data/{name}`, or rebuild it with: "
                f"{MODELS[name]}")
    return f"regenerate it with: {REGENERATE}"


# --------------------------------------------------------------------------- digits


@dataclass(frozen=True)
class Split:
    """Train / cross-validation / test arrays: ``x_*`` as given (float32 for the digits), ``y_*``
    int64 class indices."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_cv: np.ndarray
    y_cv: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray

    def sizes(self) -> dict:
        return {"train": len(self.y_train), "cv": len(self.y_cv), "test": len(self.y_test)}

    def __iter__(self):
        """Unpacks as ``x_train, y_train, x_cv, y_cv, x_test, y_test``."""
        return iter((self.x_train, self.y_train, self.x_cv, self.y_cv, self.x_test, self.y_test))


def three_way_split(X, y, *, cv_fraction: float, test_fraction: float, seed: int) -> Split:
    """Split ``(X, y)`` into train / cross-validation / test, stratified by class.

    Two calls of scikit-learn's ``train_test_split`` (``stratify`` keeps each class's share in
    every part): first ``test_fraction`` of all rows become the test split, then ``cv_fraction``
    of all rows (``cv_fraction / (1 - test_fraction)`` of the rest) the cross-validation split.
    ``y`` holds class indices. Returns a :class:`Split` with ``X``'s and ``y``'s dtypes kept.
    """
    from sklearn.model_selection import train_test_split

    X = validate.array(X, "X", min_ndim=1, dtype=None)
    y = validate.labels(y, "y", length=len(X))
    seed = validate.seed(seed)
    cv_fraction = validate.fraction(cv_fraction, "cv_fraction")
    test_fraction = validate.fraction(test_fraction, "test_fraction")
    if cv_fraction + test_fraction >= 1:
        raise ValueError(f"cv_fraction + test_fraction must leave data to train on, got "
                         f"{cv_fraction} + {test_fraction}.")
    counts = np.bincount(y)
    n, n_classes = len(y), int((counts > 0).sum())
    n_test = math.ceil(test_fraction * n)                       # as train_test_split counts
    n_cv = math.ceil(cv_fraction / (1 - test_fraction) * (n - n_test))
    for part, size in (("test", n_test), ("cv", n_cv), ("training", n - n_test - n_cv)):
        if size < n_classes:
            raise ValueError(f"the {part} split would get {size} of {n} examples, fewer than the "
                             f"{n_classes} classes a stratified split needs (one of each); change "
                             f"cv_fraction={cv_fraction} or test_fraction={test_fraction}.")
    if counts[counts > 0].min() < 3:
        raise ValueError(f"a class has only {int(counts[counts > 0].min())} example(s): a "
                         f"stratified three-way split needs at least 3 of each class.")
    x_rest, x_test, y_rest, y_test = train_test_split(
        X, y, test_size=test_fraction, stratify=y, random_state=seed)
    x_train, x_cv, y_train, y_cv = train_test_split(
        x_rest, y_rest, test_size=cv_fraction / (1 - test_fraction), stratify=y_rest,
        random_state=seed)
    return Split(x_train, y_train, x_cv, y_cv, x_test, y_test)


def digits_split(seed: int = 42, cv_fraction: float = 0.2, test_fraction: float = 0.2,
                 images: bool = False) -> Split:
    """scikit-learn's 8x8 handwritten digits, split into train / cv / test, stratified by class.

    Pixels are scaled from 0..16 to 0..1. ``images=False`` gives flat vectors ``(m, 64)``;
    ``images=True`` gives ``(m, 8, 8, 1)`` for convolutional layers. The split depends only on
    ``seed``, so every lesson that asks for the same seed sees the same examples.
    """
    from sklearn.datasets import load_digits

    images = validate.boolean(images, "images")
    digits = load_digits()  # bundled with scikit-learn: no download
    x = (digits.data / 16.0).astype(np.float32)
    split = three_way_split(x, digits.target.astype(np.int64), cv_fraction=cv_fraction,
                            test_fraction=test_fraction, seed=seed)
    if images:
        split = Split(*(a.reshape(-1, 8, 8, 1) if a.ndim == 2 else a for a in split))
    return split


# --------------------------------------------------------------------------- coffee roasting

COFFEE_FILE = "coffee_roasting.csv"


def make_coffee_roasting(n: int = 200, seed: int = 2):
    """Generate the coffee-roasting task: ``X[:, 0]`` temperature (deg C), ``X[:, 1]`` duration (min).

    A roast is good (``y = 1``) when the temperature is in (175, 260), the duration in (12, 15),
    and the two together are not too much (duration <= 21 - 3/85 * temperature: hotter roasts
    must be shorter). That region is a triangle-like patch a single neuron cannot carve out,
    but a small network can.
    """
    seed = validate.seed(seed)
    n = validate.integer(n, "n", minimum=1)
    rng = np.random.default_rng(seed)
    temperature = rng.uniform(150.0, 285.0, n)
    duration = rng.uniform(11.5, 15.5, n)
    good = ((temperature > 175) & (temperature < 260) & (duration > 12) & (duration < 15)
            & (duration <= -3 / (260 - 175) * temperature + 21))
    X = np.column_stack([temperature, duration]).round(2)
    return X, good.astype(np.int64)


def coffee_roasting():
    """The shipped coffee-roasting data set: ``X`` of shape (200, 2) and labels ``y`` of shape (200,).

    Read from ``data/coffee_roasting.csv`` after checking its SHA-256 against the manifest.
    """
    text = load_data_file(COFFEE_FILE).decode("utf-8")
    table = np.loadtxt(io.StringIO(text), delimiter=",", skiprows=1)
    return table[:, :2], table[:, 2].astype(np.int64)


def _coffee_csv() -> bytes:
    X, y = make_coffee_roasting()
    lines = ["temperature_c,duration_min,good_roast"]
    lines += [f"{t:.2f},{d:.2f},{label}" for (t, d), label in zip(X, y, strict=True)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def coffee_roasting_csv() -> bytes:
    """The bytes of ``data/coffee_roasting.csv``, made again from :func:`make_coffee_roasting`."""
    return _coffee_csv()


# --------------------------------------------------------------------------- rare disease


def rare_disease(n: int = 20_000, prevalence: float = 0.005, separation: float = 1.5,
                 seed: int = 42):
    """A screening task with a rare positive class.

    Exactly ``round(n * prevalence)`` patients are ill (``y = 1``), so "always healthy" scores an
    accuracy of exactly ``1 - prevalence``. Each patient has 5 features: 3 lab values whose mean
    shifts by ``separation`` standard deviations for ill patients (informative, but overlapping),
    and 2 that carry no signal. Rows are shuffled. Returns ``X`` (n, 5) float32 and ``y`` (n,) int64.
    """
    seed = validate.seed(seed)
    prevalence = validate.fraction(prevalence, "prevalence")
    n = validate.integer(n, "n", minimum=2)
    separation = validate.number(separation, "separation")
    n_pos = int(round(n * prevalence))
    if n_pos < 1:
        raise ValueError(f"n * prevalence = {n * prevalence:.3g} rounds to no ill patients; "
                         "raise n or prevalence.")
    rng = np.random.default_rng(seed)
    y = np.zeros(n, dtype=np.int64)
    y[:n_pos] = 1
    X = rng.normal(size=(n, 5))
    X[:, :3] += separation * y[:, None]
    order = rng.permutation(n)
    return X[order].astype(np.float32), y[order]


# --------------------------------------------------------------------------- shipped files


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_manifest(data_dir: Path) -> dict[str, str]:
    path = data_dir / MANIFEST
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing; regenerate it with: {REGENERATE}")
    entries = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if line.strip() and not line.startswith("#"):
            parts = line.split(maxsplit=1)
            if len(parts) != 2 or not re.fullmatch(r"[0-9a-f]{64}", parts[0]):
                raise ValueError(f"{path.name} line {number} is malformed: {line.strip()!r}; each "
                                 f"line must be '<64 hex digits of SHA-256>  <file name>'. "
                                 f"Regenerate it with: {REGENERATE}")
            entries[parts[1].strip()] = parts[0]
    return entries


def load_data_file(name: str, data_dir: Path | None = None) -> bytes:
    """Read a file shipped in ``data/`` and verify its checksum against the manifest.

    Raises ``FileNotFoundError`` or ``ValueError`` naming the file and the command that
    regenerates it when the file is missing, unlisted or altered.
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a file name in data/ such as 'coffee_roasting.csv', got "
                        f"{validate.describe(name)}.")
    data_dir = DATA_DIR if data_dir is None else validate.path(data_dir, "data_dir", kind="dir")
    manifest = _read_manifest(data_dir)
    if name not in manifest:
        raise ValueError(f"data/{name} is not listed in data/{MANIFEST}; shipped files must be. "
                         f"Known files: {sorted(manifest)}.")
    path = data_dir / name
    if not path.exists():
        raise FileNotFoundError(f"data/{name} is missing; {_remedy(name)}")
    data = path.read_bytes()
    if _sha256(data) != manifest[name]:
        if b"\r\n" in data and _sha256(data.replace(b"\r\n", b"\n")) == manifest[name]:
            raise ValueError(
                f"data/{name} has Windows (CRLF) line endings, so it does not match its checksum; "
                f"the content is otherwise intact. Git converted it on checkout: the repository's "
                f".gitattributes keeps data/ files LF, so run `git add --renormalize data` (or "
                f"`git config core.autocrlf false` and check the file out again).")
        raise ValueError(f"data/{name} does not match its checksum in data/{MANIFEST} (the file was "
                         f"altered or is stale); {_remedy(name)}")
    return data


def verify_data_files(data_dir: Path | None = None) -> list[str]:
    """Check every file of the manifest, and that every file in ``data/`` is listed. Returns names."""
    data_dir = DATA_DIR if data_dir is None else validate.path(data_dir, "data_dir", kind="dir")
    manifest = _read_manifest(data_dir)
    on_disk = {p.name for p in data_dir.iterdir() if p.is_file() and p.name != MANIFEST
               and not p.name.startswith(".") and p.suffix != ".md"}
    unlisted = on_disk - set(manifest)
    if unlisted:
        raise ValueError(f"files in data/ not listed in data/{MANIFEST}: {sorted(unlisted)}")
    for name in manifest:
        load_data_file(name, data_dir)
    return sorted(manifest)


# --------------------------------------------------------------------------- few labels


def per_class_subset(y, n_per_class: int, *, seed: int) -> np.ndarray:
    """Sorted int64 indices of ``n_per_class`` examples of every class of ``y``, without replacement.

    The draw for a larger ``n_per_class`` contains the draw for a smaller one with the same seed
    (nested subsets), so accuracy against n compares like with like (lessons 12 and 13).
    """
    y = validate.labels(y, "y")
    n_per_class = validate.integer(n_per_class, "n_per_class", minimum=1)
    rng = np.random.default_rng(validate.seed(seed))
    picked = []
    for c in np.unique(y):
        members = np.flatnonzero(y == c)
        if len(members) < n_per_class:
            raise ValueError(f"class {c} has only {len(members)} examples, fewer than "
                             f"n_per_class={n_per_class}; lower n_per_class.")
        picked.append(rng.permutation(members)[:n_per_class])
    return np.sort(np.concatenate(picked)).astype(np.int64)


def few_labels(y, n_per_class: int, *, seed: int):
    """Split example indices into ``n_per_class`` labelled ones per class and an unlabelled pool.

    Returns ``(labelled, pool)``: two sorted int64 index arrays into ``y`` that do not overlap and
    together cover every example. The draw is fixed by ``seed``; with the same seed a larger
    ``n_per_class`` keeps the smaller draw's examples (nested subsets). The pool is what a lesson
    may "pay to label" later (targeted data), using its labels only for the examples it picks.
    """
    y = validate.labels(y, "y")
    n_per_class = validate.integer(n_per_class, "n_per_class", minimum=1)
    for c, count in zip(*np.unique(y, return_counts=True), strict=True):
        if count <= n_per_class:
            raise ValueError(f"class {c} has only {count} examples, not more than "
                             f"n_per_class={n_per_class}; lower n_per_class so a pool is left.")
    labelled = per_class_subset(y, n_per_class, seed=seed)
    pool = np.setdiff1d(np.arange(len(y)), labelled).astype(np.int64)
    return labelled, pool
