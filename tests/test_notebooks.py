"""Notebook hygiene: every lesson has the agreed shape, is saved executed, and asserts its claims.

nbval (run by `make test` over notebooks/) re-executes them; these tests check what nbval cannot:
structure, saved state, parameters for papermill, and that each syllabus claim is still asserted.
"""

import ast
import json
import re
from pathlib import Path

import pytest

from helpers.claims import SYLLABUS_CLAIMS
from tools.execute import code_hashes
from tools.learner_copies import BEGIN, learner_copy

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
NAME = re.compile(r"^(\d\d)_[a-z0-9_]+\.ipynb$")

# The syllabus's numbered claims and the lessons that must assert each (helpers.claims).
CLAIMS: dict[str, list[str]] = {}
for _number, (_lessons, _) in SYLLABUS_CLAIMS.items():
    for _lesson in _lessons:
        CLAIMS.setdefault(_lesson, []).append(str(_number))
#: A code cell may hold about 20 lines; this is where the test draws the line.
MAX_CELL_LINES = 20


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

    from tools.execute import inject_parameters

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


def asserted_claims(code: str) -> set[str]:
    """Claim numbers passed to a real ``check_claim(...)`` call (comments and strings don't count)."""
    found = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) \
                == "check_claim" and node.args and isinstance(node.args[0], ast.Constant):
            match = re.match(r"(\d+)", str(node.args[0].value))
            if match:
                found.add(match.group(1))
    return found


def notebook_code(nb) -> str:
    """The code cells as one Python module (IPython's ``!``/``%`` lines blanked)."""
    lines = []
    for cell in code_cells(nb):
        lines += ["" if ln.lstrip().startswith(("!", "%")) else ln
                  for ln in source(cell).splitlines()]
    return "\n".join(lines)


def test_claim_detection_ignores_comments():
    assert asserted_claims("check_claim(3, 'x', True)\ncheck_claim('9b', 'y', True)") == {"3", "9"}
    assert asserted_claims("# check_claim(3, 'x', True)\ns = 'check_claim(4, ...)'") == set()


@pytest.mark.parametrize("number, claims", sorted(CLAIMS.items()))
def test_syllabus_claims_are_asserted_and_hold_in_saved_outputs(number, claims):
    matches = [p for p in NOTEBOOKS if p.name.startswith(number + "_")]
    if not matches:
        pytest.skip(f"lesson {number} is not written yet")
    nb = load(matches[0])
    asserted = asserted_claims(notebook_code(nb))
    outputs = "\n".join("".join(o.get("text", "")) for c in code_cells(nb) for o in c.get("outputs", []))
    for claim in claims:
        assert claim in asserted, f"lesson {number} must assert claim {claim} with check_claim"
        assert re.search(rf"^Claim {claim}[a-z]? holds", outputs, re.M), \
            f"the saved outputs of lesson {number} do not show claim {claim} holding"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_saved_outputs_are_not_stale(path):
    """The outputs were saved by `make notebooks` from exactly the code that is there now."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    saved = nb.metadata.get("companion", {}).get("code_sha256")
    assert saved, f"{path.name} was not saved by `make notebooks` (no code hashes in its metadata)"
    now = code_hashes(nb)
    cells = [c for c in nb.cells if c.cell_type == "code"]
    for index, (old, new) in enumerate(zip(saved, now, strict=False)):
        assert old == new, (f"{path.name}: code cell {index} (source starts "
                            f"{cells[index].source[:60]!r}) changed after its outputs were saved; "
                            f"re-execute: make notebooks NB=notebooks/{path.name}")
    assert len(saved) == len(now), (f"{path.name}: {len(now)} code cells now, {len(saved)} when "
                                    f"saved; re-execute: make notebooks NB=notebooks/{path.name}")


def test_stale_check_catches_an_edit(tmp_path):
    import nbformat

    path = NOTEBOOKS[0]
    nb = nbformat.read(path, as_version=4)
    nb.metadata["companion"] = {"code_sha256": code_hashes(nb)}  # as `make notebooks` saves it
    first = next(c for c in nb.cells if c.cell_type == "code")
    first.source = first.source.replace("42", "43")
    edited = tmp_path / path.name
    nbformat.write(nb, edited)
    with pytest.raises(AssertionError, match="changed after its outputs were saved"):
        test_saved_outputs_are_not_stale(edited)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_code_cells_are_short_and_portable(path):
    for index, cell in enumerate(code_cells(load(path))):
        text = source(cell)
        lines = [ln for ln in text.splitlines() if ln.strip()]
        assert len(lines) <= MAX_CELL_LINES, (f"code cell {index} has {len(lines)} lines; keep "
                                              f"cells short and move plumbing into helpers/")
        assert not re.search(r"['\"](/(work|root|home|Users|tmp)/|[A-Z]:\\\\)", text), \
            f"code cell {index} uses an absolute path; use paths relative to the lesson"
        assert ".numpy()" not in text, f"code cell {index}: use keras.ops.convert_to_numpy(x)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_parameters_are_annotated_for_papermill_help(path):
    """`papermill NB --help-notebook` lists every knob with its type and its comment."""
    import nbformat
    from papermill.inspection import _infer_parameters

    nb = nbformat.read(path, as_version=4)
    for c in nb.cells:  # papermill's reader expects tags on every cell, as its own loader adds
        c.metadata.setdefault("tags", [])
    cell = next(c for c in nb.cells if "parameters" in c.metadata["tags"])
    names = {t.id for node in ast.parse(cell.source).body
             for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
             if isinstance(t, ast.Name)}
    inferred = {p.name: p for p in _infer_parameters(nb)}
    assert set(inferred) == names, (f"papermill sees {sorted(inferred)} of {sorted(names)}: a "
                                    f"comment with an apostrophe hides a parameter from it")
    for p in inferred.values():
        assert p.inferred_type_name != "None", f"annotate {p.name} with its type: {p.name}: int = ..."
        assert p.help, f"give {p.name} a comment that says what it does"


LESSONS_WITH_EXERCISES = [p for p in NOTEBOOKS if p.name[:2] != "00"]


@pytest.mark.parametrize("path", LESSONS_WITH_EXERCISES, ids=ids)
def test_exercises_are_checked_and_blank_cleanly(path):
    import nbformat

    from tools.learner_copies import exercise_cells

    nb = nbformat.read(path, as_version=4)
    found = exercise_cells(nb)
    assert len(found) >= 2, f"{path.name} needs at least two checked exercises ({len(found)})"
    for ex in found:
        shown = "".join(o.get("text", "") for o in nb.cells[ex.check_index].outputs)
        assert shown.startswith("✓"), f"the saved check of exercise {ex.id} is not ✓: {shown!r}"
    copy, blanked = learner_copy(nb)
    assert blanked == len(found)
    assert not any(ln.strip() == BEGIN for c in copy.cells for ln in c.source.splitlines())


def check_call_problems(source: str, lesson: str) -> list[str]:
    """Why a check cell could give its answer away (empty if it cannot).

    A check cell is ``# NBVAL_CHECK_OUTPUT`` and one call ``check("NN.k", name, key=name, ...)``:
    the exercise's id and names of the lesson's variables, no literal, no expression, no formula.
    """
    lines = [ln for ln in source.splitlines() if ln.strip()]
    if not lines or lines[0].strip() != "# NBVAL_CHECK_OUTPUT":
        return ["a check cell starts with # NBVAL_CHECK_OUTPUT"]
    tree = ast.parse(source)
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr) \
            or not isinstance(tree.body[0].value, ast.Call):
        return ["a check cell holds one call, check(\"NN.k\", answer), and nothing else"]
    call = tree.body[0].value
    problems = []
    if getattr(call.func, "id", None) != "check":
        problems.append("the call is check(...) from helpers.exercises")
    if not call.args or not isinstance(call.args[0], ast.Constant) \
            or not re.fullmatch(rf"{lesson}\.\d+", str(call.args[0].value)):
        problems.append(f"the first argument is the exercise id, \"{lesson}.k\"")
    for arg in call.args[1:] + [k.value for k in call.keywords]:
        if not isinstance(arg, ast.Name):
            problems.append(f"argument {ast.unparse(arg)!r} is not a plain name: a literal or a "
                            f"formula in the check cell shows the answer")
    return problems


def test_check_call_problems_catches_answers_on_the_page():
    assert check_call_problems('# NBVAL_CHECK_OUTPUT\ncheck("16.3", my_choice)\n', "16") == []
    assert check_call_problems('# NBVAL_CHECK_OUTPUT\ncheck("16.3", my, data=x_cv)', "16") == []
    for bad in ['# NBVAL_CHECK_OUTPUT\ncheck("16.3", my_choice, "layer")',
                '# NBVAL_CHECK_OUTPUT\ncheck("16.3", my_steps, expected=299)',
                '# NBVAL_CHECK_OUTPUT\ncheck("16.3", my, n=x.shape[1] * 26)',
                '# NBVAL_CHECK_OUTPUT\ncheck_value(my, 0.4)',
                'check("16.3", my)', '# NBVAL_CHECK_OUTPUT\ncheck("15.3", my)',
                '# NBVAL_CHECK_OUTPUT\nprint(1)\ncheck("16.3", my)']:
        assert check_call_problems(bad, "16"), bad


@pytest.mark.parametrize("path", LESSONS_WITH_EXERCISES, ids=ids)
def test_check_cells_name_the_exercise_and_show_no_answer(path):
    import nbformat

    from helpers.exercises import registered
    from tools.learner_copies import exercise_cells

    nb = nbformat.read(path, as_version=4)
    lesson = path.name[:2]
    found = exercise_cells(nb)
    for ex in found:
        problems = check_call_problems(nb.cells[ex.check_index].source, lesson)
        assert not problems, f"{path.name}, check of {ex.id}: " + "; ".join(problems)
    ids_in_lesson = [ex.id for ex in found]
    assert len(ids_in_lesson) == len(set(ids_in_lesson)), f"an exercise id repeats: {ids_in_lesson}"
    assert sorted(ids_in_lesson) == sorted(registered(lesson)), \
        (f"{path.name} checks {sorted(ids_in_lesson)}, helpers/exercises/lesson{lesson}.py "
         f"registers {sorted(registered(lesson))}")


@pytest.mark.parametrize("path", LESSONS_WITH_EXERCISES, ids=ids)
def test_every_exercise_has_two_wrong_answers_in_the_tests(path):
    import nbformat

    from conftest import wrong_answers
    from tools.learner_copies import exercise_cells

    lesson = path.name[:2]
    wrong = wrong_answers(lesson)
    for ex in exercise_cells(nbformat.read(path, as_version=4)):
        assert len(wrong.get(ex.id, [])) >= 2, \
            f"exercise {ex.id} needs two plausible wrong answers in tests/wrong_answers/lesson{lesson}.py"
        for w in wrong[ex.id]:
            assert w.why and w.answer.strip() and w.says, f"{ex.id}: a wrong answer lacks why/answer/says"


def test_readme_links_every_lesson_and_every_link_resolves():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        assert f"(notebooks/{path.name})" in readme, f"README's lesson table lacks {path.name}"
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", readme):
        if not re.match(r"[a-z]+:", target):
            assert (ROOT / target).exists(), f"README links to {target}, which does not exist"
