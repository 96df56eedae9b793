"""Pretrain lesson 13's base model and ship it: ``make pretrained``.

Renders letters A-Z, a-z with ``helpers.glyphs`` (random font, stroke, rotation, shear, scale,
blur, noise; 8x8 images like scikit-learn's digits), trains ``helpers.transfer.build_base`` on
them, saves ``data/letters_cnn.keras`` with a note ``data/letters_cnn.md`` (how it was made, its
held-out accuracy) and rewrites ``data/MANIFEST.sha256``. Takes a few minutes on two cores.

    python scripts/pretrain_base.py                 # the shipped recipe
    python scripts/pretrain_base.py --out build/base.keras --epochs 2   # a quick trial elsewhere
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from helpers import setup, transfer  # noqa: E402
from helpers.data import DATA_DIR, write_manifest  # noqa: E402


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
    transfer.write_note(report, note)
    print(f"saved {args.out} ({report['bytes']} bytes, {report['parameters']} parameters), "
          f"held-out accuracy {report['heldout_accuracy']:.3f}; note: {note}")
    if args.out.resolve() == (DATA_DIR / transfer.BASE_FILE).resolve():
        write_manifest()
        print(f"rewrote {DATA_DIR / 'MANIFEST.sha256'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
