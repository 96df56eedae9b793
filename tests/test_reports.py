"""Reports (tools.reports): markdown and HTML (opened in a real browser), bench and sweep tables."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from helpers.claims import check_claim, key_figure
from tools import reports
from tools.execute import Run

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _notebook(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


def _run(text, seed=None, error=None, name="14_x.ipynb", **extra):
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
    return Run(Path(name), _notebook(cell), 2.0, error, None,
               {"seed": seed} if seed is not None else {}, **extra)


def _printed(capsys, *calls) -> str:
    for call in calls:
        try:
            call()
        except AssertionError:
            pass
    return capsys.readouterr().out


def _saved_runs():
    return [Run(path, nbformat.read(path, as_version=4), 1.0, None, 500.0, {})
            for path in NOTEBOOKS]


def test_markdown_report_lists_every_lesson_and_every_claim_block(capsys):
    text = _printed(capsys, lambda: check_claim(18, "always no is accurate",
                                                accurate=(0.995, ">=", 0.99),
                                                sanity={"recall_zero": (0, "==", 0)},
                                                budget={"examples": 2000}),
                    lambda: key_figure("miss rate (of positives)", 0.5))
    runs = _saved_runs() + [_run(text)]
    md = reports.run_markdown(runs, "now", "here", {})
    for run in runs:
        assert f"| {run.name} | ok |" in md
    assert "- Claim 18 holds: always no is accurate" in md
    assert "  - ✓ measured accurate: 0.995 >= 0.99 (margin 0.005)" in md
    assert "  - budget: examples=2000" in md
    assert "- Key figure: miss rate (of positives) = 0.5" in md


def test_sweep_table_counts_claims_and_conditions_and_reads_figures_with_parentheses(capsys):
    def at(seed, margin_left, recall):
        return _printed(capsys, lambda: check_claim(
            19, "a higher threshold (0.9) trades recall for precision",
            precision_up=(margin_left, ">", 0.5), sanity={"same_data": (1, "==", 1)}),
            lambda: key_figure("recall at 0.9 (miss", recall))

    runs = [_run(at(1, 0.9, 0.5), 1), _run(at(2, 0.7, 0.4), 2),
            _run(at(3, 0.4, 0.3), 3, error="AssertionError: Claim 19 FAILS: a higher"),
            _run("", 4, error="ValueError: boom")]
    table = reports.sweep_table(runs)
    claim = table["stats"].claims["19"]
    assert claim.statement == "a higher threshold (0.9) trades recall for precision"
    assert (claim.held, claim.reached) == (2, 3)
    cond = claim.conditions["precision_up"]
    assert cond.held == 2 and cond.smallest == pytest.approx(-0.2) and cond.thin(4)
    assert table["stats"].figures["recall at 0.9 (miss"] == [0.5, 0.4, 0.3]
    text = reports.sweep_markdown("14_x.ipynb", runs, table, "now", "here", {"seed": 1})
    assert "Ran to the end at 2/4 seeds." in text
    assert "| 19: a higher threshold (0.9) trades recall for precision | claim | 2/4 |" in text
    assert "| &nbsp;&nbsp;precision_up (>) | measured | 2/4 | -0.2 | 0.29 | thin |" in text
    assert "| recall at 0.9 (miss | 0.4 | 0.3 | 0.5 | 3 |" in text
    assert "seed 4: `ValueError: boom`" in text
    page = reports.sweep_html("14_x.ipynb", runs, table, "now", "here", {})
    assert "precision_up (&gt;)" in page


def test_read_times_reads_the_bench_table(tmp_path):
    table = tmp_path / "t.md"
    table.write_text("# x\n\n| notebook | status | seconds | ref units |\n|---|---|---:|---:|\n"
                     "| 01_a.ipynb | ok | 12.5 | 2.1 |\n| **total** | | 12.5 | |\n")
    assert reports.read_times(table) == {"01_a.ipynb": 12.5}
    assert reports.read_times(tmp_path / "none.md") == {}
    assert len(reports.read_times()) >= len(NOTEBOOKS) - 2  # the committed table


def test_bench_table_has_reference_units_memory_per_process_and_slowest_cells():
    run = _run("", memory={"total_mb": 1500.0, "kernel_mb": 700.0, "children": 2,
                           "children_mb": 800.0, "largest_child_mb": 420.0},
               cell_seconds=[(0, 4.0, "import keras"), (5, 9.5, "model.fit(x | y)"),
                             (7, 1.0, "plot")])
    big = _run("", name="18_y.ipynb", memory={"total_mb": 2100.0, "kernel_mb": 900.0,
                                               "children": 2, "children_mb": 1200.0})
    text = reports.bench_markdown([run, big], "now", "here", [1.9, 2.1])
    assert "1 ref unit = 2.00 s" in text
    assert ("| 14_x.ipynb | ok | 2.0 | 1.00 | 1500 | 700 | 2 (800) | [5] 9.5 s `model.fit(x \\| y)`;"
            " [0] 4.0 s `import keras`; [7] 1.0 s `plot` |") in text
    assert "Over the 2 GB budget: 18_y.ipynb." in text
    assert reports.read_times_from_text(text) == {"14_x.ipynb": 2.0, "18_y.ipynb": 2.0}


def test_side_by_side_prints_ratios_and_units():
    base, new = _run("", name="08_a.ipynb"), _run("", name="08_a.ipynb")
    new.seconds = 1.0
    text = reports.compare_markdown([("08_a.ipynb", base, new), ("19_new.ipynb", None, new)],
                                    "now", "here", "abc123", "working tree", [2.0, 2.0])
    assert "| 08_a.ipynb | 2.0 | 1.00 | 1.0 | 0.50 | 0.50 |" in text
    assert "| 19_new.ipynb | — | — | 1.0 | 0.50 | n/a |" in text
    assert "| **total (lessons in both)** | 2.0 | 1.00 | 1.0 | 0.50 | 0.50 |" in text


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
