"""Regenerate the files shipped in ``data/`` and rewrite ``data/MANIFEST.sha256`` (``make data``).

Each shipped file is either made again from its generator in ``helpers`` (byte for byte), or is a
trained model that cannot be remade byte for byte (Keras writes a zip with fresh metadata, and
training moves the last digits): those are kept as they are and re-listed with their checksum;
``make pretrained`` (``tools.pretrain``) is what rebuilds them. Every file in ``data/`` but the
manifest and the ``.md`` notes is listed, so ``make data`` on a clean checkout changes nothing.

    python -m tools.manifest            # regenerate and rewrite the manifest
    python -m tools.manifest --check    # only verify, as the lessons do when they load a file
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from helpers.data import COFFEE_FILE, DATA_DIR, MANIFEST, coffee_roasting_csv, verify_data_files

#: files made again from a generator, byte for byte
GENERATORS = {COFFEE_FILE: coffee_roasting_csv}
#: shipped models and the command that makes each (kept as they are by ``make data``)
MODELS = {"letters_cnn.keras": "make pretrained   (or: python -m tools.pretrain)"}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def shipped_bytes(data_dir: Path) -> dict[str, bytes]:
    """Every shipped file's bytes: generated files made again, models read as they are."""
    files = {name: make() for name, make in GENERATORS.items()}
    for name, command in MODELS.items():
        path = data_dir / name
        if not path.exists():
            raise FileNotFoundError(f"data/{name} is missing; rebuild it with: {command}")
        files[name] = path.read_bytes()
    return files


def write_manifest(data_dir: Path | None = None) -> list[str]:
    """Regenerate every generated file in ``data_dir`` and rewrite the manifest; return the names."""
    data_dir = Path(data_dir) if data_dir is not None else DATA_DIR
    data_dir.mkdir(exist_ok=True)
    files = shipped_bytes(data_dir)
    lines = ["# sha256  file    (regenerate: make data)"]
    for name in sorted(files):
        if name in GENERATORS:
            (data_dir / name).write_bytes(files[name])
        lines.append(f"{_sha256(files[name])}  {name}")
    (data_dir / MANIFEST).write_text("\n".join(lines) + "\n")
    return sorted(files)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify only; write nothing")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    if not args.check:
        names = write_manifest(args.data_dir)
        print(f"wrote {MANIFEST} in {args.data_dir} listing {names}")
    print(f"verified: {verify_data_files(args.data_dir)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
