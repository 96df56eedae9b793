"""Characters rendered from the fonts that ship inside matplotlib, made to look like the 8x8 digits.

scikit-learn's digits (UCI "optdigits") were made by scanning handwriting into 32x32 black-and-white
bitmaps, normalising each character's height, and counting the ink in each 4x4 block, which gives
an 8x8 image of values 0..16. :func:`render_glyphs` does the same to typeset characters::

    from helpers.glyphs import render_glyphs
    x, y = render_glyphs("0123456789", 1000, seed=0)     # x: (1000, 8, 8) float32 in [0, 16]
    letters, labels = render_glyphs("ABCxyz", 600, seed=1, size=16, max_value=1.0)

Each glyph gets a random font, stroke width, rotation, shear, scale and aspect ratio, blur and
pixel noise, all drawn from ``np.random.default_rng(seed)``: the same arguments give the same
arrays. Every (font, character, stroke width) is typeset once at high resolution and cached; the
random distortion is a single affine warp of that bitmap, so thousands of glyphs take about a second.
No file is downloaded: the fonts are the DejaVu, STIX and Computer Modern TTF files in
``matplotlib/mpl-data/fonts/ttf``.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

import numpy as np

from helpers import validate

__all__ = ["available_fonts", "render_glyphs"]

# Text faces that draw every ASCII letter and digit in the usual shapes. Left out on purpose:
# the "Display" faces and STIX size/non-Unicode variants (no ASCII glyphs), LastResort (one box for
# everything), cmmi10 (old-style figures), cmsy10/cmex10 (math symbols at the ASCII code points).
_TEXT_FACES = (
    "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf",
    "DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf", "DejaVuSansMono-Oblique.ttf",
    "DejaVuSansMono-BoldOblique.ttf", "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf",
    "DejaVuSerif-Italic.ttf", "DejaVuSerif-BoldItalic.ttf", "STIXGeneral.ttf", "STIXGeneralBol.ttf",
    "STIXGeneralItalic.ttf", "STIXGeneralBolIta.ttf", "cmr10.ttf", "cmb10.ttf", "cmss10.ttf",
    "cmti10.ttf", "cmtt10.ttf",
)

#: glyphs are typeset at this font size (pixels) before being warped down to ``4 * size``
_BASE_PX = 96
#: one stroke-width step, in pixels of the base rendering (about one pixel of the 32x32 bitmap)
_STROKE_PX = 3
#: the fraction of the bitmap's height a glyph fills is drawn from [1 - _SCALE_JITTER, 1]
_SCALE_JITTER = 0.2
#: the glyph's width is stretched by a factor drawn from [1 - _ASPECT_JITTER, 1 + _ASPECT_JITTER]
_ASPECT_JITTER = 0.15
#: pooling factor: the glyph is drawn on a (4 size) x (4 size) bitmap, then 4x4 blocks are averaged
_POOL = 4


def _font_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def available_fonts() -> list[str]:
    """The paths of the text fonts inside matplotlib that :func:`render_glyphs` uses, sorted.

    The list is the same on every machine with the same matplotlib: a fixed set of DejaVu, STIX
    and Computer Modern faces, keeping those present in this installation.
    """
    folder = _font_dir()
    paths = sorted(str(folder / name) for name in _TEXT_FACES if (folder / name).is_file())
    if not paths:
        raise FileNotFoundError(f"no TrueType fonts found in {folder}; is matplotlib installed "
                                "completely (its mpl-data folder)?")
    return paths


@functools.lru_cache(maxsize=4096)
def _base_glyph(font_path: str, char: str, stroke: int):
    """The glyph typeset large, cropped to its ink: a PIL 'L' image (0 = paper, 255 = ink)."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(font_path, _BASE_PX)
    px = stroke * _STROKE_PX
    left, top, right, bottom = font.getbbox(char, stroke_width=px)
    pad = 4
    image = Image.new("L", (right - left + 2 * pad, bottom - top + 2 * pad), 0)
    ImageDraw.Draw(image).text((pad - left, pad - top), char, font=font, fill=255,
                               stroke_width=px, stroke_fill=255)
    box = image.getbbox()
    if box is None:
        raise ValueError(f"the font {Path(font_path).name} has no visible glyph for {char!r}; "
                         "pick other characters or fonts (see available_fonts()).")
    return image.crop(box)


def _warp(base, angle_deg: float, shear: float, aspect: float, fill: float, blur: float,
          out_px: int):
    """Rotate, shear and stretch ``base``, fit its height to ``fill * out_px``, centre it, blur it."""
    from PIL import Image, ImageFilter

    w, h = base.size
    t = math.radians(angle_deg)
    # forward map (x, y) -> A @ (x - cx, y - cy): stretch x, shear, then rotate
    rot = np.array([[math.cos(t), -math.sin(t)], [math.sin(t), math.cos(t)]])
    A = rot @ np.array([[1.0, shear], [0.0, 1.0]]) @ np.array([[aspect, 0.0], [0.0, 1.0]])
    corners = np.array([[0, 0], [w, 0], [0, h], [w, h]], dtype=float) - [w / 2, h / 2]
    mapped = corners @ A.T
    lo, hi = mapped.min(axis=0), mapped.max(axis=0)
    size = np.ceil(hi - lo).astype(int) + 2
    # PIL wants the inverse map: output pixel -> input pixel
    inv = np.linalg.inv(A)
    offset = -lo + 1  # output = A @ (p - c) + offset
    shift = np.array([w / 2, h / 2]) - inv @ offset
    coeffs = (inv[0, 0], inv[0, 1], shift[0], inv[1, 0], inv[1, 1], shift[1])
    warped = base.transform((int(size[0]), int(size[1])), Image.AFFINE, coeffs,
                            resample=Image.BILINEAR)
    box = warped.getbbox()
    if box is not None:
        warped = warped.crop(box)
    ww, hh = warped.size
    scale = fill * out_px / hh
    if ww * scale > out_px:  # a wide glyph fits the width instead
        scale = out_px / ww
    new_w, new_h = max(1, round(ww * scale)), max(1, round(hh * scale))
    small = warped.resize((new_w, new_h), Image.BILINEAR, reducing_gap=2.0)
    canvas = Image.new("L", (out_px, out_px), 0)
    canvas.paste(small, ((out_px - new_w) // 2, (out_px - new_h) // 2))
    if blur > 0:
        canvas = canvas.filter(ImageFilter.GaussianBlur(float(blur)))
    return np.asarray(canvas, dtype=np.float32) / 255.0


def _check_chars(chars) -> list[str]:
    if isinstance(chars, str):
        chars = list(chars)
    elif isinstance(chars, list | tuple):
        chars = list(chars)
    else:
        raise TypeError(f"chars must be a string such as '0123456789' or a list of one-character "
                        f"strings, got {validate.describe(chars)}.")
    if not chars:
        raise ValueError("chars is empty; pass the characters to render, e.g. 'ABC'.")
    for c in chars:
        if not isinstance(c, str) or len(c) != 1:
            raise TypeError(f"each entry of chars must be a single character, got "
                            f"{validate.describe(c)}.")
        if c.isspace():
            raise ValueError("chars holds a whitespace character, which has no ink to render; "
                             "remove it.")
    if len(set(chars)) != len(chars):
        dup = sorted({c for c in chars if chars.count(c) > 1})
        raise ValueError(f"chars must not repeat a character (each is one class), got {dup} "
                         "more than once.")
    return chars


def _check_strokes(stroke_width) -> list[int]:
    values = stroke_width if isinstance(stroke_width, list | tuple) else [stroke_width]
    if not values:
        raise ValueError("stroke_width is an empty list; pass at least one width, e.g. [0, 1, 2].")
    return [validate.integer(v, "stroke_width", minimum=0, maximum=6) for v in values]


def _check_fonts(fonts) -> list[str]:
    if fonts is None:
        return available_fonts()
    if isinstance(fonts, str | Path):
        raise TypeError("fonts must be a list of font paths (or None for all), got a single "
                        f"{validate.describe(fonts)}; wrap it in a list.")
    if not isinstance(fonts, list | tuple) or not fonts:
        raise TypeError(f"fonts must be a non-empty list of .ttf paths or None, got "
                        f"{validate.describe(fonts)}.")
    out = []
    for f in fonts:
        if not isinstance(f, str | Path):
            raise TypeError(f"each font must be a path, got {validate.describe(f)}.")
        if not Path(f).is_file():
            raise ValueError(f"font file {f} does not exist; see available_fonts() for the "
                             "fonts inside matplotlib.")
        _font_charmap(str(f))  # refuses a file that is no font
        out.append(str(f))
    return out


@functools.lru_cache(maxsize=64)
def _font_charmap(font_path: str):
    """The font's character map (FreeType's, through matplotlib); a file that is no font raises."""
    from matplotlib.ft2font import FT2Font

    try:
        return FT2Font(font_path)
    except (RuntimeError, OSError) as err:
        raise ValueError(f"{font_path} is not a font file FreeType can read ({err}); pass .ttf "
                         f"files such as those of available_fonts().") from None


def _check_coverage(chars: list[str], fonts: list[str]) -> None:
    """Every font must draw every character: a missing one renders as the same empty box."""
    for font in fonts:
        missing = [c for c in chars if _font_charmap(font).get_char_index(ord(c)) == 0]
        if missing:
            raise ValueError(f"the font {Path(font).name} has no glyph for {missing}: every such "
                             f"character would be the same missing-glyph box, one class looking "
                             f"like another. Pick characters or fonts that cover them.")


def render_glyphs(chars: str | list[str], n: int, *, seed: int, size: int = 8,
                  max_value: float = 16.0, rotation: float = 15.0, shear: float = 0.2,
                  stroke_width: list[int] | int = [0, 1, 2], blur: float = 0.5,  # noqa: B006
                  noise: float = 0.5, fonts: list[str] | None = None,
                  scale: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Render ``n`` distorted glyphs of ``chars`` that look like scikit-learn's 8x8 digits.

    Each glyph is drawn on a ``4 size x 4 size`` bitmap with a random font (from ``fonts``, by
    default :func:`available_fonts`), stroke width (from ``stroke_width``, in pixels of that
    bitmap), rotation (uniform in ``[-rotation, rotation]`` degrees), horizontal shear (uniform in
    ``[-shear, shear]``), height fill (80-100 % of the bitmap) and aspect ratio (±15 %) when
    ``scale``, and Gaussian blur (radius uniform in ``[0, blur]`` pixels of the final image); its
    height is normalised like the digits', then 4x4 blocks are averaged into a ``size x size``
    image scaled to ``[0, max_value]``, and Gaussian noise of standard deviation
    ``noise * max_value / 16`` is added and clipped (so ``noise`` is in units of the digits' 0..16).

    Returns ``images`` of shape ``(n, size, size)``, float32 in ``[0, max_value]``, and ``labels``,
    int64 indices into ``chars``. The classes are balanced (their counts differ by at most one)
    and the order is shuffled; everything is fixed by ``seed``.
    """
    chars = _check_chars(chars)
    n = validate.integer(n, "n", minimum=len(chars))
    seed = validate.seed(seed)
    size = validate.integer(size, "size", minimum=4, maximum=64)
    max_value = validate.number(max_value, "max_value", positive=True)
    rotation = validate.number(rotation, "rotation", non_negative=True, maximum=180.0)
    shear = validate.number(shear, "shear", non_negative=True, maximum=1.0)
    strokes = _check_strokes(stroke_width)
    blur = validate.number(blur, "blur", non_negative=True, maximum=4.0)
    noise = validate.number(noise, "noise", non_negative=True, maximum=16.0)
    fonts = _check_fonts(fonts)
    _check_coverage(chars, fonts)
    scale = validate.boolean(scale, "scale")

    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(n) % len(chars)).astype(np.int64)
    font_i = rng.integers(len(fonts), size=n)
    stroke_i = rng.integers(len(strokes), size=n)
    angles = rng.uniform(-rotation, rotation, size=n)
    shears = rng.uniform(-shear, shear, size=n)
    fills = rng.uniform(1 - _SCALE_JITTER, 1.0, size=n) if scale else np.ones(n)
    aspects = (rng.uniform(1 - _ASPECT_JITTER, 1 + _ASPECT_JITTER, size=n) if scale
               else np.ones(n))
    blurs = rng.uniform(0, blur, size=n) * _POOL
    out_px = _POOL * size

    bitmaps = np.empty((n, out_px, out_px), dtype=np.float32)
    for i in range(n):
        base = _base_glyph(fonts[font_i[i]], chars[labels[i]], strokes[stroke_i[i]])
        bitmaps[i] = _warp(base, angles[i], shears[i], aspects[i], fills[i], blurs[i], out_px)
    images = bitmaps.reshape(n, size, _POOL, size, _POOL).mean(axis=(2, 4)) * max_value
    if noise > 0:
        images += rng.normal(0.0, noise * max_value / 16.0, size=images.shape)
    np.clip(images, 0.0, max_value, out=images)
    return images.astype(np.float32), labels
