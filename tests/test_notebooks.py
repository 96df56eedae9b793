"""Notebook hygiene: every lesson has the agreed shape, is saved executed, and asserts its claims.

nbval (run by `make test` over notebooks/) re-executes them; these tests check what nbval cannot:
structure, saved state, parameters for papermill, and that each syllabus claim is still asserted.
"""

import ast
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
NAME = re.compile(r"^(\d\d)_[a-z0-9_]+\.ipynb$")

# The syllabus's numbered claims and the lesson that must assert each (SYLLABUS.md).
CLAIMS = {
    "00": ["22"], "01": ["1", "2", "3", "4"], "03": ["8"], "05": ["5", "6"], "06": ["9"], "07": ["7"],
    "08": ["10"], "09": ["11"], "14": ["18", "19", "20"],
}


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell):
    return "".join(cell.get("source", ""))


def code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code" and source(c).strip()]


def ids(path):
    return path.name


def test_there_are_lessons_and_names_are_numbered():
    assert NOTEBOOKS, "no notebooks found in notebooks/"
    numbers = []
    for path in NOTEBOOKS:
        m = NAME.match(path.name)
        assert m, f"{path.name}: lessons are named NN_topic.ipynb (lower case, underscores)"
        numbers.append(m.group(1))
    assert len(numbers) == len(set(numbers)), f"two lessons share a number: {numbers}"
    assert "00" in numbers, "00_tour.ipynb is missing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_title_cell(path):
    first = load(path)["cells"][0]
    assert first["cell_type"] == "markdown", "the first cell is the title (markdown)"
    text = source(first)
    number = path.name[:2]
    assert re.match(rf"#\s+{number}\s+·", text), f"title should start with '# {number} · '"
    assert re.search(r"\bminutes?\b", text), "the title cell says how long the lesson takes"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_one_parameters_cell_with_seed_and_only_assignments(path):
    nb = load(path)
    tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, "exactly one cell is tagged 'parameters' (papermill's convention)"
    cell = tagged[0]
    assert cell["cell_type"] == "code"
    tree = ast.parse(source(cell))
    names = set()
    for node in tree.body:
        assert isinstance(node, ast.Assign | ast.AnnAssign), \
            f"the parameters cell holds assignments only, found {type(node).__name__}"
        assert not any(isinstance(n, ast.Call) for n in ast.walk(node)), \
            "parameters are plain values (no calls) so papermill can override them"
        single_name = all(isinstance(t, ast.Name) for t in
                          (node.targets if isinstance(node, ast.Assign) else [node.target]))
        assert not (single_name and any(isinstance(n, ast.Tuple) for n in ast.walk(node.value))), \
            "use lists, not tuples, as parameter values: papermill passes a tuple as a string"
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        names |= {t.id for t in targets if isinstance(t, ast.Name)}
    assert "seed" in names, "the parameters cell sets `seed`"
    # the setup call comes right after the parameters
    following = nb["cells"][nb["cells"].index(cell) + 1:]
    next_code = next(c for c in following if c["cell_type"] == "code")
    assert re.search(r"\bsetup\(\s*seed\b", source(next_code)), \
        "the cell after the parameters calls helpers.setup(seed)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_papermill_can_inject_parameters(path):
    import nbformat

    from scripts.run_notebooks import inject_parameters

    injected = inject_parameters(nbformat.read(path, as_version=4), {"seed": 7})
    tags = [c.metadata.get("tags", []) for c in injected.cells]
    pos = next(i for i, t in enumerate(tags) if "injected-parameters" in t)
    assert "parameters" in tags[pos - 1] and "seed = 7" in injected.cells[pos].source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_saved_executed_top_to_bottom_without_errors(path):
    nb = load(path)
    cells = code_cells(nb)
    counts = [c.get("execution_count") for c in cells]
    assert None not in counts, "every code cell is saved executed (run `make notebooks`)"
    assert counts == list(range(1, len(cells) + 1)), \
        f"cells were not executed once, top to bottom, in a fresh kernel: {counts}"
    for c in cells:
        for out in c.get("outputs", []):
            assert out.get("output_type") != "error", f"a saved output is an error:\n{source(c)[:200]}"
            text = "".join(out.get("text", "")) + "".join(out.get("data", {}).get("text/plain", ""))
            assert "Traceback" not in text
            assert not re.search(r"/(work|root|home)/", text), "a saved output leaks a local path"
            if out.get("output_type") == "execute_result":
                assert "<Figure size" not in text, "end plotting lines with `;` or plt.show()"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_checked_outputs_summary_and_size(path):
    nb = load(path)
    checked = [c for c in code_cells(nb) if source(c).lstrip().startswith("# NBVAL_CHECK_OUTPUT")]
    assert checked, "mark the deterministic result cells with `# NBVAL_CHECK_OUTPUT`"
    markdown = "\n".join(source(c) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert re.search(r"^##\s+Summary", markdown, re.M), "a lesson ends with '## Summary'"
    if path.name[:2] != "00":
        assert re.search(r"^##\s+Exercises", markdown, re.M), "a lesson ends with '## Exercises'"
    size = path.stat().st_size
    assert size < 1_500_000, f"{path.name} is {size / 1e6:.1f} MB; keep figures small"


@pytest.mark.parametrize("number, claims", sorted(CLAIMS.items()))
def test_syllabus_claims_are_asserted_and_hold_in_saved_outputs(number, claims):
    matches = [p for p in NOTEBOOKS if p.name.startswith(number + "_")]
    if not matches:
        pytest.skip(f"lesson {number} is not written yet")
    nb = load(matches[0])
    code = "\n".join(source(c) for c in code_cells(nb))
    outputs = "\n".join("".join(o.get("text", "")) for c in code_cells(nb) for o in c.get("outputs", []))
    for claim in claims:
        assert re.search(rf"check_claim\(\s*['\"]?{claim}[a-z]?\b", code), \
            f"lesson {number} must assert claim {claim} with check_claim"
        assert re.search(rf"^Claim {claim}[a-z]? holds", outputs, re.M), \
            f"the saved outputs of lesson {number} do not show claim {claim} holding"


def test_readme_links_every_lesson():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        assert f"notebooks/{path.name}" in readme, f"README's lesson table lacks {path.name}"
