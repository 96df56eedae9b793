"""Pretrain lesson 13's base model and ship it: ``make pretrained`` (``python -m tools.pretrain``).

Renders letters A-Z, a-z with ``helpers.glyphs`` (random font, stroke, rotation, shear, scale,
blur, noise; 8x8 images like scikit-learn's digits), trains ``helpers.transfer.build_base`` on
them with ``helpers.transfer.pretrain_base`` (the recipe ``helpers.transfer.RECIPE``, the same one
lesson 13 can rerun), saves ``data/letters_cnn.keras`` with a note ``data/letters_cnn.md`` (how it
was made, its held-out accuracy) and rewrites ``data/MANIFEST.sha256``. A few minutes on two cores.

    python -m tools.pretrain                                  # the shipped recipe
    python -m tools.pretrain --out build/base.keras --epochs 2   # a quick trial elsewhere
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from helpers import setup, transfer
from helpers.data import DATA_DIR
from tools.manifest import record_model


def write_note(report: dict, path) -> None:
    """Write the markdown note that ships next to the model (how it was made, its accuracy)."""
    path = Path(path)
    lines = [
        f"# {report['file']}: the pretrained base of lesson 13",
        "",
        "A small CNN trained by this project to recognise the 52 letters A-Z, a-z, rendered from the",
        "fonts inside matplotlib by `helpers.glyphs.render_glyphs` (random font, stroke width,",
        "rotation, shear, scale, blur and noise; 8x8 images with values 0..1, processed like",
        "scikit-learn's digits). It plays the part of a model downloaded from a hub.",
        "",
        "Made with `make pretrained` (`python -m tools.pretrain`), which calls",
        "`helpers.transfer.pretrain_base` and rewrites `MANIFEST.sha256`. Keras does not write",
        "byte-identical files, so a rebuild gives a new checksum and slightly different weights.",
        "",
        "```json",
        json.dumps(report, indent=2),
        "```",
        "",
    ]
    path.write_text("\n".join(lines))


def main(argv=None) -> int:
    recipe = transfer.RECIPE
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DATA_DIR / transfer.BASE_FILE,
                        help="where to save the model (default: the shipped file in data/)")
    for key in ("n_per_class", "n_heldout_per_class", "epochs", "batch_size", "seed"):
        parser.add_argument("--" + key.replace("_", "-"), type=int, default=recipe[key])
    parser.add_argument("--learning-rate", type=float, default=recipe["learning_rate"])
    args = parser.parse_args(argv)

    setup(args.seed, quiet=True)
    report = transfer.pretrain_base(
        args.out, n_per_class=args.n_per_class, n_heldout_per_class=args.n_heldout_per_class,
        epochs=args.epochs, batch_size=args.batch_size, learning_rate=args.learning_rate,
        seed=args.seed, verbose=True)
    note = args.out.with_suffix(".md")
    write_note(report, note)
    print(f"saved {args.out} ({report['bytes']} bytes, {report['parameters']} parameters), "
          f"held-out accuracy {report['heldout_accuracy']:.3f}; note: {note}")
    if args.out.resolve() == (DATA_DIR / transfer.BASE_FILE).resolve():
        record_model(transfer.BASE_FILE)
        print(f"rewrote {DATA_DIR / 'MANIFEST.sha256'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
