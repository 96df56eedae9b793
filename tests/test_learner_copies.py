"""The learner copies of the lessons (make exercises): answers blanked, outputs dropped."""

import nbformat
import pytest

from tools import learner_copies as make_exercises


def _notebook(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


def _stream(text, name="stdout"):
    return nbformat.v4.new_output("stream", name=name, text=text)


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


def test_learner_copy_keeps_the_next_exercise_that_shares_a_cell_with_an_explanation():
    shared = ("<details><summary>Solution explained</summary>\n\nThe answer is 2.\n</details>\n\n"
              "### Exercise 2\n\nWhich option? Set `my_answer` to 'a' or 'b'.\n")
    nb = _notebook(nbformat.v4.new_markdown_cell(shared),
                   nbformat.v4.new_markdown_cell("<details>\n<summary>Solution explained</summary>"
                                                 "\nonly this\n</details>"),
                   nbformat.v4.new_markdown_cell("<details><summary>More</summary>kept</details>"))
    copy, _ = make_exercises.learner_copy(nb)
    texts = [c.source for c in copy.cells]
    assert len(texts) == 2, texts
    assert texts[0].startswith("### Exercise 2") and "answer is 2" not in texts[0]
    assert "Which option?" in texts[0] and texts[1] == nb.cells[2].source
