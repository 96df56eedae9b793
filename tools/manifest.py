"""Regenerate the files shipped in ``data/`` and rewrite ``data/MANIFEST.sha256`` (``make data``).

Each shipped file is either made again from its generator in ``helpers`` (byte for byte), or is a
trained model that cannot be remade byte for byte (Keras writes a zip with fresh metadata, and
training moves the last digits). A model keeps the checksum recorded when ``make pretrained``
(``tools.pretrain``) made it: ``make data`` checks the file against it and refuses to go on when it
differs, so a damaged model is never re-listed as good. Every file in ``data/`` but the manifest and
the ``.md`` notes is listed, so ``make data`` on a clean checkout changes nothing.

    python -m tools.manifest            # regenerate and rewrite the manifest
    python -m tools.manifest --check    # only verify, as the lessons do when they load a file
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from helpers.data import (
    COFFEE_FILE,
    DATA_DIR,
    MANIFEST,
    MODELS,
    _read_manifest,
    coffee_roasting_csv,
    verify_data_files,
)

#: files made again from a generator, byte for byte
GENERATORS = {COFFEE_FILE: coffee_roasting_csv}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _checksums(data_dir: Path, models: dict[str, str]) -> dict[str, str]:
    """Every shipped file's checksum: generated files made again (and written), models as recorded.

    ``models`` maps a model's name to the checksum to record for it.
    """
    sums = {}
    for name, make in GENERATORS.items():
        data = make()
        (data_dir / name).write_bytes(data)
        sums[name] = _sha256(data)
    return {**sums, **models}


def _write(data_dir: Path, sums: dict[str, str]) -> list[str]:
    lines = ["# sha256  file    (regenerate: make data; models: make pretrained)"]
    lines += [f"{sums[name]}  {name}" for name in sorted(sums)]
    (data_dir / MANIFEST).write_text("\n".join(lines) + "\n")
    return sorted(sums)


def write_manifest(data_dir: Path | None = None) -> list[str]:
    """Regenerate every generated file in ``data_dir`` and rewrite the manifest; return the names.

    Models keep the checksum already recorded; a model that is missing, unrecorded or differs from
    it raises (the manifest is left as it was).
    """
    data_dir = Path(data_dir) if data_dir is not None else DATA_DIR
    data_dir.mkdir(exist_ok=True)
    recorded = _read_manifest(data_dir) if (data_dir / MANIFEST).exists() else {}
    models = {}
    for name, command in MODELS.items():
        path = data_dir / name
        if not path.exists():
            raise FileNotFoundError(f"data/{name} is missing; restore it with `git checkout -- "
                                    f"data/{name}` or rebuild it with: {command}")
        if name not in recorded:
            raise ValueError(f"data/{name} has no recorded checksum in data/{MANIFEST}; rebuild "
                             f"it with: {command} (which records one).")
        if _sha256(path.read_bytes()) != recorded[name]:
            raise ValueError(f"data/{name} does not match the checksum recorded when it was made: "
                             f"it was altered. `make data` does not re-list a model; restore it "
                             f"with `git checkout -- data/{name}` or rebuild it with: {command}")
        models[name] = recorded[name]
    return _write(data_dir, _checksums(data_dir, models))


def record_model(name: str, data_dir: Path | None = None) -> list[str]:
    """After ``make pretrained`` rebuilt model ``name``: record its new checksum (and regenerate the rest)."""
    data_dir = Path(data_dir) if data_dir is not None else DATA_DIR
    if name not in MODELS:
        raise ValueError(f"{name!r} is not a shipped model; known: {sorted(MODELS)}.")
    recorded = _read_manifest(data_dir) if (data_dir / MANIFEST).exists() else {}
    models = {m: recorded[m] for m in MODELS if m in recorded and m != name}
    models[name] = _sha256((data_dir / name).read_bytes())
    return _write(data_dir, _checksums(data_dir, models))


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
