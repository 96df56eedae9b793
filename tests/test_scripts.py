"""The runner, its reports (markdown and HTML, opened in a real browser) and the learner copies."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from tools import learner_copies as make_exercises, reports
from tools import runner as run_notebooks
from tools.runner import Run

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _notebook(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


def _stream(text, name="stdout"):
    return nbformat.v4.new_output("stream", name=name, text=text)


def test_clean_drops_tf_noise_and_timing_but_keeps_real_stderr():
    cell = nbformat.v4.new_code_cell("x", execution_count=1)
    cell.metadata["execution"] = {"iopub.execute_input": "2026"}
    cell.outputs = [_stream("WARNING: All log messages before absl::InitializeLog() is called\n",
                            "stderr"), _stream("UserWarning: real\n", "stderr"), _stream("hi\n")]
    nb = _notebook(cell)
    nb.metadata["papermill"] = {"duration": 3}
    run_notebooks.clean(nb)
    assert "papermill" not in nb.metadata and "execution" not in cell.metadata
    assert [o["text"] for o in cell.outputs] == ["UserWarning: real\n", "hi\n"]


def test_key_lines_collects_claims_and_key_figures_only():
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [_stream("noise\nClaim 3 holds: a (b=1)\nKey figure: speed = 12 x\n"),
                    _stream("Claim 4 holds: in stderr\n", "stderr")]
    assert run_notebooks.key_lines(_notebook(cell)) == ["Claim 3 holds: a (b=1)",
                                                        "Key figure: speed = 12 x"]


def test_code_hashes_follow_the_code():
    a = _notebook(nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_markdown_cell("# t"))
    b = _notebook(nbformat.v4.new_code_cell("x = 2"))
    assert len(run_notebooks.code_hashes(a)) == 1
    assert run_notebooks.code_hashes(a) != run_notebooks.code_hashes(b)
    run_notebooks.stamp_saved(a)
    assert a.metadata["companion"]["code_sha256"] == run_notebooks.code_hashes(a)
    assert a.metadata["kernelspec"]["name"] == "python3"


def test_find_notebook_by_number_and_clear_error():
    assert run_notebooks.find_notebook("1").name.startswith("01_")
    with pytest.raises(SystemExit, match="names 0 lessons"):
        run_notebooks.find_notebook("99")


def _saved_runs():
    runs = []
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        runs.append(Run(path, nb, 1.0, None, 500.0, {}))
    return runs


def test_markdown_report_lists_every_lesson_with_its_claims():
    runs = _saved_runs()
    text = reports.run_markdown(runs, "now", "here", {})
    for run in runs:
        assert f"| {run.name} | ok |" in text
    assert re.search(r"^- Claim 1 holds", text, re.M)


def test_sweep_table_counts_claims_and_summarises_figures():
    def run(seed, lines, error=None):
        cell = nbformat.v4.new_code_cell("x")
        cell.outputs = [_stream("\n".join(lines) + "\n")]
        return Run(Path("09_x.ipynb"), _notebook(cell), 1.0, error, None, {"seed": seed})

    assert reports.split_claim("x (a, b) wins (lead=0.02, n=3)") == ("x (a, b) wins", "lead=0.02, n=3")
    assert reports.split_claim("no numbers (really)") == ("no numbers (really)", "")
    runs = [run(1, ["Claim 11 holds: cnn wins (lead=0.02)", "Key figure: acc = 0.9"]),
            run(2, ["Claim 11 holds: cnn wins (lead=0.04)", "Key figure: acc = 0.8"]),
            run(3, [], error="AssertionError: Claim 11 FAILS: cnn wins (lead=-0.01)")]
    table = reports.sweep_table(runs)
    assert table["claims"]["11"]["held"] == 2 and table["claims"]["11"]["ran"] == 3
    assert table["figures"]["acc"] == [0.9, 0.8]
    assert table["figures"]["claim 11: lead"] == [0.02, 0.04]
    text = reports.sweep_markdown("09_x.ipynb", runs, table, "now", "here", {"seed": 1})
    assert "| 11 | 2/3 |" in text and "| acc | 0.85 | 0.8 | 0.9 | 2 |" in text


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    return None


@pytest.mark.skipif(_chromium() is None and os.environ.get("CI") != "true",
                    reason="no Chromium here (.ci/run installs it; CI must not skip this)")
def test_html_report_opens_in_a_real_browser_with_every_lesson_and_image(tmp_path):
    browser = _chromium()
    assert browser, "CI=true but no Chromium: .ci/run installs it with apt-get"
    runs = _saved_runs()
    page = tmp_path / "run_report.html"
    page.write_text(reports.run_html(runs, "now", "here", {}), encoding="utf-8")
    dom = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                          "--virtual-time-budget=10000", "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    for run in runs:
        assert f"id=\"{run.path.stem}\"" in dom, f"{run.name} is not on the page"
    images = re.search(r'data-images="(\d+)" data-images-loaded="(\d+)"', dom)
    assert images, "the page's load script did not run"
    total, loaded = map(int, images.groups())
    with_plots = sum(reports.main_plot(run.nb) is not None for run in runs)
    assert with_plots >= len(runs) - 2, "nearly every lesson has a main plot"
    assert total == with_plots and loaded == total, f"{loaded} of {total} images loaded"


def test_blank_source_replaces_each_answer_by_stubs():
    cell = ("import numpy as np\n# BEGIN SOLUTION\ndef my_relu(z):\n    return np.maximum(0, z)\n"
            "threshold = 0.4\n# END SOLUTION\nprint('after')")
    text, blocks = make_exercises.blank_source(cell)
    assert blocks == 1
    assert "np.maximum" not in text and "my_relu = None" in text and "threshold = None" in text
    assert text.splitlines()[0] == "import numpy as np" and text.endswith("print('after')")


@pytest.mark.parametrize("cell, match", [
    ("# BEGIN SOLUTION\nx = 1", "without"), ("x = 1\n# END SOLUTION", "without"),
    ("# BEGIN SOLUTION\nprint(1)\n# END SOLUTION", "binds no name"),
    ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n", "inside"),
    ("def f():\n    # BEGIN SOLUTION\n    return 1\n    # END SOLUTION", "top-level"),
])
def test_blank_source_refuses_broken_markers(cell, match):
    with pytest.raises(make_exercises.MarkerError, match=match):
        make_exercises.blank_source(cell)


def test_learner_copy_drops_outputs_and_solution_explanations():
    code = nbformat.v4.new_code_cell("# BEGIN SOLUTION\nx = 1\n# END SOLUTION", execution_count=3)
    code.outputs = [_stream("1\n")]
    nb = _notebook(code, nbformat.v4.new_markdown_cell("<details><summary>Solution explained"
                                                       "</summary>x is 1</details>"))
    copy, answers = make_exercises.learner_copy(nb)
    assert answers == 1 and len(copy.cells) == 1
    assert copy.cells[0].outputs == [] and copy.cells[0].execution_count is None
    assert nb.cells[0].source.startswith("# BEGIN")  # the lesson itself is untouched
