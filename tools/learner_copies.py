"""Write learner copies of the lessons: every exercise answer replaced by a blank stub.

    python scripts/make_exercises.py --out exercises notebooks/*.ipynb     # make exercises

In a lesson, an answer sits between two top-level lines of a code cell::

    # BEGIN SOLUTION
    def my_relu(z):
        return np.maximum(0, z)
    # END SOLUTION

The copy keeps everything else and replaces the block by ``my_relu = None`` (one stub per name the
block binds) under a comment that says what to write; every check in ``helpers.checks`` reports
"… not yet" for ``None``. Outputs are cleared and the "Solution explained" cells removed, so the
copy is the lesson as a learner should meet it. The copies go to a git-ignored folder.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"


class MarkerError(ValueError):
    """A solution block that cannot be blanked (unbalanced markers, binds no name)."""


def bound_names(code: str) -> list[str]:
    """Names a block of code binds at top level (defs, classes, assignments, imports), in order."""
    names: list[str] = []

    def add(target):
        if isinstance(target, ast.Name):
            names.append(target.id)
        elif isinstance(target, ast.Tuple | ast.List):
            for elt in target.elts:
                add(elt)

    try:
        tree = ast.parse(code)
    except SyntaxError as err:
        raise MarkerError(f"the solution block is not top-level Python ({err.msg}); put the markers "
                          "on lines of their own, not indented") from None
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                add(target)
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            add(node.target)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names += [(a.asname or a.name).split(".")[0] for a in node.names]
    return list(dict.fromkeys(names))


def blank_source(source: str) -> tuple[str, int]:
    """The cell's source with each solution block replaced by stubs; and how many blocks there were."""
    lines, out, block, blocks = source.splitlines(), [], None, 0
    for number, line in enumerate(lines, 1):
        marker = line.strip()
        if marker == BEGIN:
            if block is not None:
                raise MarkerError(f"line {number}: {BEGIN} inside another solution block")
            block = []
        elif marker == END:
            if block is None:
                raise MarkerError(f"line {number}: {END} without {BEGIN}")
            names = bound_names("\n".join(block))
            if not names:
                raise MarkerError(f"line {number}: the solution block binds no name to stub")
            out.append(f"# Your answer: write {', '.join(names)} here (replace None), then run "
                       "the check below.")
            out += [f"{name} = None" for name in names]
            block, blocks = None, blocks + 1
        elif block is not None:
            block.append(line)
        else:
            out.append(line)
    if block is not None:
        raise MarkerError(f"{BEGIN} without {END}")
    return "\n".join(out), blocks


def replace_solution(source: str, answer: str) -> str:
    """The cell's source with its one solution block replaced by ``answer`` (markers dropped).

    The tests use it to try a wrong answer in the lesson's own kernel, in the answer's place.
    """
    lines, out, inside, blocks = source.splitlines(), [], False, 0
    for line in lines:
        marker = line.strip()
        if marker == BEGIN:
            if inside:
                raise MarkerError(f"{BEGIN} inside another solution block")
            inside, blocks = True, blocks + 1
            out += answer.strip("\n").splitlines()
        elif marker == END:
            if not inside:
                raise MarkerError(f"{END} without {BEGIN}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise MarkerError(f"{BEGIN} without {END}")
    if blocks != 1:
        raise MarkerError(f"expected one solution block in the cell, found {blocks}")
    return "\n".join(out)


CHECK_CALL = re.compile(r"""^\s*check\(\s*["'](\d\d\.\d+)["']""", re.M)


@dataclass(frozen=True)
class ExerciseCells:
    """One exercise of a lesson: its id, and its answer and check cells (indices among all cells)."""

    id: str
    answer_index: int
    check_index: int


def exercise_cells(nb) -> list[ExerciseCells]:
    """Every exercise of a lesson: an answer cell (with the solution markers) and the check cell
    after it, which calls ``check("NN.k", ...)``. Raises ``MarkerError`` when one is malformed."""
    found = []
    cells = nb.cells
    for i, cell in enumerate(cells):
        if cell.cell_type != "code" or not any(ln.strip() == BEGIN for ln in cell.source.splitlines()):
            continue
        j = next((k for k in range(i + 1, len(cells)) if cells[k].cell_type == "code"), None)
        match = CHECK_CALL.search(cells[j].source) if j is not None else None
        if match is None:
            raise MarkerError(f"cell {i} holds an answer, but the next code cell does not call "
                              f"check(\"NN.k\", ...)")
        found.append(ExerciseCells(match.group(1), i, j))
    return found


#: a "Solution explained" block: <details><summary>Solution ...</summary> ... </details>
SOLUTION_EXPLAINED = re.compile(r"<details>\s*<summary>[^<]*Solution[^<]*</summary>.*?</details>\s*",
                                re.S | re.I)


def without_solution_explained(text: str) -> tuple[str, int]:
    """A markdown cell's text with every "Solution explained" block cut out (and how many).

    Only the block goes: the rest of the cell (the next exercise's statement, say) stays.
    """
    cut, count = SOLUTION_EXPLAINED.subn("", text)
    return cut.strip("\n") + ("\n" if cut.strip() and text.endswith("\n") else ""), count


def learner_copy(nb):
    """A blanked copy of a lesson (a new notebook) and the number of answers removed."""
    copy = nbformat.from_dict(nb)
    cells, answers = [], 0
    for cell in copy.cells:
        if cell.cell_type == "markdown":
            cell.source, cut = without_solution_explained(cell.source)
            if cut and not cell.source.strip():
                continue  # the cell held only the explanation
        if cell.cell_type == "code":
            cell.source, blocks = blank_source(cell.source)
            answers += blocks
            cell.outputs, cell.execution_count = [], None
        cells.append(cell)
    copy.cells = cells
    copy.metadata.pop("companion", None)  # its code hashes describe the lesson, not the copy
    return copy, answers


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "exercises")
    args = parser.parse_args(argv)
    paths = [p for p in args.notebooks if p.exists()] or \
        sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    args.out.mkdir(parents=True, exist_ok=True)
    for path in paths:
        try:
            copy, answers = learner_copy(nbformat.read(path, as_version=4))
        except MarkerError as err:
            print(f"{path.name}: {err}", file=sys.stderr)
            return 1
        nbformat.write(copy, args.out / path.name)
        print(f"{args.out / path.name}: {answers} answer(s) blanked")
    return 0


if __name__ == "__main__":
    sys.exit(main())
