"""tools.execute: running one lesson in a kernel, cleaning, code hashes, per-cell times."""

import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest

from helpers.claims import check_claim, key_figure
from tools import execute as runner

ROOT = Path(__file__).resolve().parent.parent


def _notebook(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


def _stream(text, name="stdout"):
    return nbformat.v4.new_output("stream", name=name, text=text)


def _printed(capsys, *calls) -> str:
    for call in calls:
        try:
            call()
        except AssertionError:
            pass
    return capsys.readouterr().out


def test_clean_drops_tf_noise_and_timing_but_keeps_real_stderr():
    cell = nbformat.v4.new_code_cell("x", execution_count=1)
    cell.metadata["execution"] = {"iopub.execute_input": "2026"}
    cell.outputs = [_stream("WARNING: All log messages before absl::InitializeLog() is called\n",
                            "stderr"), _stream("UserWarning: real\n", "stderr"), _stream("hi\n")]
    nb = _notebook(cell)
    nb.metadata["papermill"] = {"duration": 3}
    runner.clean(nb)
    assert "papermill" not in nb.metadata and "execution" not in cell.metadata
    assert [o["text"] for o in cell.outputs] == ["UserWarning: real\n", "hi\n"]


def test_key_lines_are_every_claim_block_and_key_figure(capsys):
    text = _printed(capsys,
                    lambda: print("noise"),
                    lambda: check_claim(6, "relu is faster (in epochs)",
                                        faster=(67, "<=", 0.5 * 712), sanity={"same": (1, "==", 1)},
                                        budget={"epochs": 1000}),
                    lambda: key_figure("speed-up", 12.5, "x"),
                    lambda: check_claim("17a", "transfer wins", gain=(0.006, ">", 0.02)))
    # the block printed over two stream outputs of one cell, and one of another cell
    half = len(text) // 2
    first = nbformat.v4.new_code_cell("a")
    first.outputs = [_stream(text[:half]), _stream(text[half:]),
                     _stream("Claim 4 holds: in stderr\n", "stderr")]
    nb = _notebook(first, nbformat.v4.new_markdown_cell("Claim 9 holds: in markdown"))
    keys = runner.key_lines(nb)
    assert keys[0] == "Claim 6 holds: relu is faster (in epochs)"
    assert keys[1].startswith("  ✓ measured faster: 67 <= 356 (margin 0.81")
    assert "  budget: epochs=1000" in keys and "Key figure: speed-up = 12.5 x" in keys
    assert "Claim 17a FAILS: transfer wins" in keys and "noise" not in keys
    assert not any("stderr" in k or "markdown" in k for k in keys)
    run = runner.Run(Path("06_x.ipynb"), nb, 1.0, None)
    assert [c.number for c in run.claims] == ["6", "17a"]
    assert [c.name for c in run.claims[0].conditions] == ["faster", "same"]
    assert [(f.label, f.value, f.unit) for f in run.figures] == [("speed-up", "12.5", "x")]


def test_code_hashes_follow_the_code():
    a = _notebook(nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_markdown_cell("# t"))
    b = _notebook(nbformat.v4.new_code_cell("x = 2"))
    assert len(runner.code_hashes(a)) == 1
    assert runner.code_hashes(a) != runner.code_hashes(b)
    runner.stamp_saved(a)
    assert a.metadata["companion"]["code_sha256"] == runner.code_hashes(a)
    assert a.metadata["kernelspec"]["name"] == "python3"


def test_find_notebook_by_number_and_clear_error():
    assert runner.find_notebook("1").name.startswith("01_")
    with pytest.raises(SystemExit, match="names 0 lessons"):
        runner.find_notebook("99")


def test_cell_seconds_read_nbclient_timing():
    cell = nbformat.v4.new_code_cell("\n# slow one\nfit()")
    cell.metadata["execution"] = {"iopub.execute_input": "2026-12-03T10:00:00.000000Z",
                                  "shell.execute_reply": "2026-12-03T10:00:02.500000Z"}
    untimed = nbformat.v4.new_code_cell("x")
    assert runner.cell_seconds(_notebook(untimed, cell)) == [(1, 2.5, "# slow one")]


def test_execute_runs_a_notebook_with_timing_memory_and_the_error(tmp_path):
    """A real kernel (no TensorFlow): cell times recorded then cleaned, memory per process, errors."""
    cells = [nbformat.v4.new_code_cell("import subprocess, sys, time\nx = bytearray(50_000_000)"),
             nbformat.v4.new_code_cell(
                 "child = subprocess.Popen([sys.executable, '-c', "
                 "'import time; b = bytearray(80_000_000); time.sleep(1.5)'])\n"
                 "time.sleep(1.2)\nchild.wait()"),
             nbformat.v4.new_code_cell("from helpers.claims import check_claim\n"
                                       "check_claim(1, 'x', a=(1, '>', 2))")]
    path = tmp_path / "01_t.ipynb"
    nbformat.write(_notebook(*cells), path)
    guard = tempfile.mkdtemp(dir=tmp_path)
    from tools.offline import child_environment

    run = runner.execute(path, {}, 60, record_timing=True, env=child_environment(guard))
    assert run.error == "AssertionError: Claim 1 FAILS: x"
    assert run.claims[0].holds is False
    assert [i for i, _, _ in run.cell_seconds] == [0, 1, 2] and run.cell_seconds[1][1] > 1.0
    assert all("execution" not in c.metadata for c in run.nb.cells), "timings never saved"
    m = run.memory
    assert m["children"] == 1 and m["children_mb"] > 60 and m["kernel_mb"] > 40
    # each process counted once: the peak sum is not more than the kernel's and children's peaks
    assert m["total_mb"] <= m["kernel_mb"] + m["children_mb"] + 1
    assert run.peak_mb == pytest.approx(m["total_mb"], abs=0.1)


def test_the_runner_is_documented_on_the_command_line():
    out = subprocess.run([sys.executable, "scripts/run_notebooks.py", "--help"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    for option in ("--claims", "--sweep", "--scheduler", "--bench", "--base"):
        assert option in out
