"""The environment is the one the lock describes, and set-up fails clearly on a wrong Python."""

import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
# Installed by the venv itself or by `make venv` outside the lock: pip (bootstrap), the project.
OUTSIDE_LOCK = {"pip", "nn-companion-helpers"}


def locked() -> dict[str, str]:
    """Package -> version for every lock line whose marker applies to this interpreter."""
    env = default_environment()
    pins = {}
    for line in LOCK.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        req = Requirement(line)
        if req.marker is None or req.marker.evaluate(env):
            (spec,) = req.specifier
            assert spec.operator == "==", f"lock line not pinned exactly: {line}"
            pins[canonicalize_name(req.name)] = spec.version
    return pins


def installed() -> dict[str, str]:
    return {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()}


def test_lock_pins_every_top_level_requirement():
    pins = locked()
    env = default_environment()
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            req = Requirement(line)
            if req.marker is None or req.marker.evaluate(env):
                assert pins.get(canonicalize_name(req.name)) == next(iter(req.specifier)).version, \
                    f"{req.name}: requirements.txt and requirements.lock disagree; run `make lock`"


@pytest.mark.skipif(not sys.prefix.endswith(".venv"), reason="only the project's .venv is locked")
def test_venv_equals_the_lock():
    pins, have = locked(), installed()
    wrong = {n: (have.get(n), v) for n, v in pins.items() if have.get(n) != v}
    extra = sorted(set(have) - set(pins) - OUTSIDE_LOCK)
    assert not wrong, f"installed vs locked versions differ (installed, locked): {wrong}; run `make venv`"
    assert not extra, f"installed but not in requirements.lock: {extra}; run `make venv`"


def test_makefile_refuses_another_python_with_a_clear_message(tmp_path):
    fake = tmp_path / "python3.9"
    fake.write_text("#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'Python 3.9.18'; exit 0; fi\n"
                    "exit 1\n")
    fake.chmod(0o755)
    result = subprocess.run(["make", "-s", "-C", str(ROOT), "-n", "venv"], capture_output=True,
                            text=True)
    assert result.returncode == 0  # dry run parses
    result = subprocess.run(["make", "-s", "-C", str(ROOT), "-B", "-f", "Makefile",
                             f"PYTHON={fake}", f"VENV={tmp_path / 'venv'}", "venv"],
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "needs Python 3.11" in result.stdout + result.stderr
    assert "Python 3.9.18" in result.stdout + result.stderr


def test_crlf_checkout_of_a_data_file_is_named_as_such(tmp_path):
    import shutil

    from helpers import data

    for path in data.DATA_DIR.iterdir():
        if path.is_file():
            shutil.copy(path, tmp_path / path.name)
    csv = tmp_path / "coffee_roasting.csv"
    csv.write_bytes(csv.read_bytes().replace(b"\n", b"\r\n"))
    with pytest.raises(ValueError, match="CRLF"):
        data.load_data_file("coffee_roasting.csv", data_dir=tmp_path)
    csv.write_bytes(csv.read_bytes().replace(b"\r\n", b"\n").replace(b"1", b"2", 1))
    with pytest.raises(ValueError, match="altered"):
        data.load_data_file("coffee_roasting.csv", data_dir=tmp_path)


def test_gitattributes_keep_data_files_byte_for_byte():
    text = (ROOT / ".gitattributes").read_text()
    assert "data/** -text" in text
