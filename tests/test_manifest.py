"""tools.manifest: `make data` regenerates data/ byte for byte and keeps every shipped file listed."""

import filecmp
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import data
from tools import manifest

ROOT = Path(__file__).resolve().parent.parent


def test_make_data_on_a_copy_changes_nothing(tmp_path):
    # run it the way the Makefile does (a separate Python, `-m tools.manifest`), on a copy of data/
    copy = tmp_path / "data"
    shutil.copytree(data.DATA_DIR, copy)
    done = subprocess.run([sys.executable, "-m", "tools.manifest", "--data-dir", str(copy)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    compared = filecmp.dircmp(data.DATA_DIR, copy)
    assert not compared.diff_files and not compared.left_only and not compared.right_only
    for path in data.DATA_DIR.iterdir():
        assert path.read_bytes() == (copy / path.name).read_bytes(), path.name
    listed = data.verify_data_files(copy)
    assert "letters_cnn.keras" in listed and "coffee_roasting.csv" in listed


def test_the_makefile_runs_tools_manifest():
    makefile = (ROOT / "Makefile").read_text()
    assert "-m tools.manifest" in makefile


def test_a_missing_model_is_named_with_its_command(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(data.DATA_DIR, copy)
    (copy / "letters_cnn.keras").unlink()
    with pytest.raises(FileNotFoundError, match="letters_cnn.keras is missing.*make pretrained"):
        manifest.write_manifest(copy)


def test_make_data_never_approves_a_damaged_model(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(data.DATA_DIR, copy)
    model = copy / "letters_cnn.keras"
    damaged = bytearray(model.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    model.write_bytes(bytes(damaged))
    before = (copy / data.MANIFEST).read_text()
    with pytest.raises(ValueError, match="altered.*git checkout.*make pretrained"):
        manifest.write_manifest(copy)
    assert (copy / data.MANIFEST).read_text() == before  # nothing re-listed
    with pytest.raises(ValueError, match="letters_cnn.keras does not match.*make pretrained"):
        data.load_data_file("letters_cnn.keras", copy)  # and the lessons say how to get it back


def test_record_model_lists_a_rebuilt_model(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(data.DATA_DIR, copy)
    (copy / "letters_cnn.keras").write_bytes(b"a rebuilt model")
    manifest.record_model("letters_cnn.keras", copy)
    assert data.load_data_file("letters_cnn.keras", copy) == b"a rebuilt model"
    assert data.load_data_file("coffee_roasting.csv", copy)
    with pytest.raises(ValueError, match="not a shipped model"):
        manifest.record_model("coffee_roasting.csv", copy)


def test_every_shipped_file_has_a_maker():
    on_disk = {p.name for p in data.DATA_DIR.iterdir()
               if p.suffix != ".md" and p.name != data.MANIFEST}
    assert on_disk == set(manifest.GENERATORS) | set(data.MODELS)
