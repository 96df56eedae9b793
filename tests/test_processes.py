"""helpers.processes: a child that dies with its parent, or at its own deadline."""

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from helpers import processes


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "State:\tZ" in status.read_text())


CHILD = "from helpers import processes; import sys, time; processes.die_with_parent(int(sys.argv[1]), float(sys.argv[2])); time.sleep(60)"


def test_the_child_exits_at_its_deadline():
    child = subprocess.run([sys.executable, "-c", CHILD, str(os.getpid()), "0.5"], timeout=30)
    assert child.returncode == processes.DEADLINE


def test_a_child_whose_parent_is_already_gone_exits_at_once():
    child = subprocess.run([sys.executable, "-c", CHILD, "1" if os.getppid() != 1 else "2", "30"],
                           timeout=30)
    assert child.returncode == processes.PARENT_GONE


def test_the_child_dies_when_its_parent_is_killed(tmp_path):
    pid_file = tmp_path / "child.pid"
    parent = textwrap.dedent(f"""
        import os, subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c", {CHILD!r}, str(os.getpid()), "60"])
        open({str(pid_file)!r}, "w").write(str(child.pid))
        time.sleep(60)
    """)
    proc = subprocess.Popen([sys.executable, "-c", parent])
    try:
        deadline = time.monotonic() + 30
        while not pid_file.exists() or not pid_file.read_text():
            assert time.monotonic() < deadline
            time.sleep(0.05)
        child = int(pid_file.read_text())
        time.sleep(1.0)                       # the child is up and watching
        assert _alive(child)
        proc.kill()
        proc.wait(timeout=10)
        deadline = time.monotonic() + 5
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(child), "the child outlived its killed parent"
    finally:
        if proc.poll() is None:
            proc.kill()


@pytest.mark.parametrize("args, error", [((0, 1.0), ValueError), ((1, 0), ValueError),
                                         (("1", 1.0), TypeError), ((1, 1.0, 0), ValueError)])
def test_bad_arguments(args, error):
    with pytest.raises(error):
        processes.die_with_parent(*args[:2], **({"poll": args[2]} if len(args) > 2 else {}))
