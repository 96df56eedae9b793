"""helpers.glyphs: deterministic glyphs from matplotlib's fonts that look like the 8x8 digits."""

from pathlib import Path

import numpy as np
import pytest

from helpers.glyphs import available_fonts, render_glyphs


def test_available_fonts_are_sorted_existing_text_faces():
    fonts = available_fonts()
    assert fonts == sorted(fonts) and len(fonts) >= 10
    assert all(Path(f).is_file() and f.endswith(".ttf") for f in fonts)
    names = {Path(f).name for f in fonts}
    assert "DejaVuSans.ttf" in names and "LastResortHE-Regular.ttf" not in names
    assert available_fonts() == fonts


def test_shapes_dtypes_range_and_balance():
    x, y = render_glyphs("0123456789", 103, seed=0)
    assert x.shape == (103, 8, 8) and x.dtype == np.float32
    assert y.shape == (103,) and y.dtype == np.int64
    assert x.min() >= 0.0 and x.max() <= 16.0 and x.max() > 12.0  # full ink reaches the top
    counts = np.bincount(y, minlength=10)
    assert counts.max() - counts.min() <= 1 and counts.sum() == 103
    assert not np.array_equal(y[:20], np.sort(y[:20]))  # shuffled, not grouped by class


def test_same_seed_same_glyphs_other_seed_other_glyphs():
    a = render_glyphs("AbZ", 30, seed=5)
    b = render_glyphs(["A", "b", "Z"], 30, seed=5)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    c = render_glyphs("AbZ", 30, seed=6)
    assert not np.array_equal(a[0], c[0])


def test_size_and_max_value():
    x, _ = render_glyphs("xy", 10, seed=1, size=16, max_value=1.0)
    assert x.shape == (10, 16, 16) and 0.0 <= x.min() and x.max() <= 1.0 and x.max() > 0.7


def test_looks_like_the_digits():
    # the digits' mean pixel is about 4.9 of 16 and their corners are almost empty
    from sklearn.datasets import load_digits

    digits = load_digits().images
    x, _ = render_glyphs("0123456789", 500, seed=2)
    assert abs(x.mean() - digits.mean()) < 1.5
    assert x[:, 0, 0].mean() < 1.5 and digits[:, 0, 0].mean() < 1.5
    # the ink fills the full height: the top and bottom rows hold ink on average
    assert x[:, 0, :].mean() > 1.0 and x[:, -1, :].mean() > 1.0


def test_no_distortion_no_noise_is_clean_and_classes_differ():
    x, y = render_glyphs("IO", 2, seed=0, rotation=0, shear=0, stroke_width=0, blur=0, noise=0,
                         fonts=[available_fonts()[0]], scale=False)
    i_img, o_img = x[y == 0][0], x[y == 1][0]
    assert i_img.sum() < o_img.sum()  # an I has less ink than an O
    assert o_img[3:5, 3:5].mean() < o_img[:, 0].mean() + o_img[:, -1].mean()  # the O is hollow


def test_thicker_strokes_more_ink():
    thin, _ = render_glyphs("ABC", 60, seed=3, stroke_width=0, noise=0)
    thick, _ = render_glyphs("ABC", 60, seed=3, stroke_width=3, noise=0)
    assert thick.mean() > 1.2 * thin.mean()


def test_noise_adds_background_ink():
    clean, _ = render_glyphs("L", 40, seed=4, noise=0)
    noisy, _ = render_glyphs("L", 40, seed=4, noise=2.0)
    assert noisy[:, 0, -1].mean() > clean[:, 0, -1].mean() + 0.3


def test_fast_enough():
    import time

    render_glyphs("0123456789", 200, seed=0)  # fill the cache
    start = time.perf_counter()
    render_glyphs("0123456789", 2000, seed=1)
    assert time.perf_counter() - start < 5.0  # about 0.3 s on a laptop core


@pytest.mark.parametrize("kwargs, error, match", [
    ({"chars": ""}, ValueError, "empty"),
    ({"chars": 5}, TypeError, "chars must be a string"),
    ({"chars": ["AB"]}, TypeError, "single character"),
    ({"chars": "A A"}, ValueError, "whitespace"),
    ({"chars": "ABA"}, ValueError, "repeat"),
    ({"n": 2}, ValueError, "n must be at least 3"),
    ({"n": 10.0}, TypeError, "n must be an integer"),
    ({"seed": -1}, ValueError, "seed"),
    ({"seed": "7"}, TypeError, "seed"),
    ({"size": 2}, ValueError, "size must be at least 4"),
    ({"max_value": 0}, ValueError, "max_value must be positive"),
    ({"rotation": -5}, ValueError, "rotation"),
    ({"shear": 3}, ValueError, "shear must be at most 1"),
    ({"stroke_width": []}, ValueError, "stroke_width is an empty list"),
    ({"stroke_width": [1, 1.5]}, TypeError, "stroke_width must be an integer"),
    ({"stroke_width": -1}, ValueError, "stroke_width must be at least 0"),
    ({"blur": float("nan")}, ValueError, "blur must be a finite"),
    ({"noise": "0.5"}, TypeError, "noise must be a number"),
    ({"fonts": []}, TypeError, "non-empty list"),
    ({"fonts": "DejaVuSans.ttf"}, TypeError, "wrap it in a list"),
    ({"fonts": ["/no/such/font.ttf"]}, ValueError, "does not exist"),
    ({"scale": 1}, TypeError, "scale must be True or False"),
])
def test_bad_arguments_say_what_is_wrong(kwargs, error, match):
    args = {"chars": "ABC", "n": 9, "seed": 0} | kwargs
    with pytest.raises(error, match=match):
        render_glyphs(**args)


def test_seed_is_keyword_only():
    with pytest.raises(TypeError):
        render_glyphs("AB", 4, 0)  # the seed must be named


# --------------------------------------------------------------------------- the bad-inputs review


def test_a_file_that_is_no_font_and_a_missing_glyph_are_refused(tmp_path):
    not_a_font = tmp_path / "hostname"
    not_a_font.write_text("a machine name\n")
    with pytest.raises(ValueError, match="not a font file FreeType can read"):
        render_glyphs("ab", 10, seed=0, fonts=[not_a_font])
    dejavu = [f for f in available_fonts() if f.endswith("DejaVuSans.ttf")]
    with pytest.raises(ValueError, match=r"DejaVuSans.ttf has no glyph for \['中', '文'\]"):
        render_glyphs("中文", 10, seed=0, fonts=dejavu)
    with pytest.raises(ValueError, match=r"no glyph for \['中'\]"):
        render_glyphs("A中", 10, seed=0, fonts=dejavu)
