"""Test-wide set-up: offline guard (here and in every notebook kernel), TF settings, nbval tweaks."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

from tools.offline import block_network, guard_children

# Test order: longest notebook first over the xdist workers, and a one-line summary of how long
# each worker idled (tools/balance.py).
pytest_plugins = ["tools.balance"]

# The same numerical environment the committed outputs were made with (see Makefile).
for _key, _value in {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0",
                     "TF_NUM_INTRAOP_THREADS": "2", "TF_NUM_INTEROP_THREADS": "2",
                     "PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1"}.items():
    os.environ.setdefault(_key, _value)

# Every child Python (nbval's kernels, subprocess and multiprocessing children) inherits a
# sitecustomize that installs the offline guard; this process gets it directly.
_guard_dir = tempfile.mkdtemp(prefix="companion-offline-")
atexit.register(shutil.rmtree, _guard_dir, ignore_errors=True)
guard_children(_guard_dir)
block_network()


def pytest_collectstart(collector):
    # ipykernel under pytest does not forward TensorFlow's C-level stderr, but a notebook saved from
    # Jupyter may hold some: never compare stderr (the hasattr guard: only nbval's collectors have it).
    if hasattr(collector, "skip_compare"):
        collector.skip_compare += ("stderr",)


# ---------------------------------------------------------------- exercises, in the lesson's kernel
# After nbval has run a lesson, its kernel still holds the lesson's state. Two more test items per
# lesson use it, at the cost of the exercise cells alone:
# - wrong answers: each plausible wrong answer of tests/wrong_answers/lessonNN.py runs in the
#   answer's place, then the exercise's check cell; the check must say ✗ and name the mistake;
# - learner copy: the exercise section runs again as `make exercises` writes it (answers replaced
#   by `None` stubs), and every check must say "… not yet" instead of crashing.

import runpy  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

WRONG_ANSWERS = Path(__file__).resolve().parent / "tests" / "wrong_answers"


def wrong_answers(lesson: str) -> dict:
    """``{exercise id: [Wrong, ...]}`` for a lesson (``"05"``), from tests/wrong_answers/."""
    path = WRONG_ANSWERS / f"lesson{lesson}.py"
    if not path.exists():
        return {}
    sys.path.insert(0, str(WRONG_ANSWERS))
    try:
        return runpy.run_path(str(path))["WRONG"]
    finally:
        sys.path.remove(str(WRONG_ANSWERS))


class _KernelItem(pytest.Item):
    """Runs code in the kernel nbval used for the lesson."""

    def _run(self, source: str) -> tuple[str, str | None]:
        kernel = self.parent.kernel
        msg_id = kernel.execute_cell_input(source, allow_stdin=False)
        kernel.await_reply(msg_id, timeout=300)
        text, error = [], None
        while True:
            msg = self.parent.get_kernel_message(timeout=60)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            content = msg["content"]
            if msg["msg_type"] == "status" and content["execution_state"] == "idle":
                return "".join(text), error
            if msg["msg_type"] == "stream":
                text.append(content["text"])
            elif msg["msg_type"] == "error":
                error = f"{content['ename']}: {content['evalue']}"

    def _kernel_alive(self):
        if self.parent.kernel is None or not self.parent.kernel.is_alive():
            pytest.fail("the lesson's kernel is not running: an earlier cell failed")


class WrongAnswersItem(_KernelItem):
    """Every wrong answer of a lesson gets a ✗ that points at the mistake."""

    def __init__(self, *, cases, **kwargs):
        super().__init__(**kwargs)
        self.cases = cases  # [(exercise id, answer cell source, check source, solution source, [Wrong])]

    def runtest(self):
        from tools.learner_copies import replace_solution

        self._kernel_alive()
        problems = []
        for exercise_id, answer_source, check_source, wrongs in self.cases:
            for wrong in wrongs:
                _, error = self._run(replace_solution(answer_source, wrong.answer))
                text, check_error = self._run(check_source)
                verdict = text.strip().splitlines()[-1] if text.strip() else ""
                if error and not verdict:
                    problems.append(f"{exercise_id} ({wrong.why}): the wrong answer itself raised "
                                    f"{error}, so nothing was checked")
                elif check_error:
                    problems.append(f"{exercise_id} ({wrong.why}): the check crashed: {check_error}")
                elif not verdict.startswith("✗"):
                    problems.append(f"{exercise_id} ({wrong.why}): accepted: {text.strip()!r}")
                elif wrong.says.lower() not in text.lower():
                    problems.append(f"{exercise_id} ({wrong.why}): ✗, but the verdict does not say "
                                    f"{wrong.says!r}: {text.strip()!r}")
            _, error = self._run(answer_source)  # the solution again, for what comes after
            assert error is None, f"restoring the solution of {exercise_id} failed: {error}"
        assert not problems, "wrong answers not caught:\n" + "\n".join(problems)

    def reportinfo(self):
        return self.path, 0, f"{self.path.name}::wrong answers"


class BrokenExercisesItem(pytest.Item):
    """Stands for a lesson whose exercise cells cannot be read (so the others still run)."""

    def __init__(self, *, problem, **kwargs):
        super().__init__(**kwargs)
        self.problem = problem

    def runtest(self):
        pytest.fail(f"the lesson's exercises cannot be read: {self.problem}")

    def reportinfo(self):
        return self.path, 0, f"{self.path.name}::exercises"


class LearnerCopyItem(_KernelItem):
    """Re-runs a lesson's exercise cells, blanked, in the kernel nbval used for the lesson."""

    def __init__(self, *, sources, **kwargs):
        super().__init__(**kwargs)
        self.sources = sources  # [(is_check_cell, blanked source)]

    def runtest(self):
        self._kernel_alive()
        for index, (is_check, source) in enumerate(self.sources):
            text, error = self._run(source)
            assert error is None, f"exercise cell {index} of the learner copy crashed: {error}"
            if is_check:
                assert text.startswith("… not yet"), \
                    f"a check in the learner copy did not say 'not yet':\n{source}\n-> {text!r}"

    def reportinfo(self):
        return self.path, 0, f"{self.path.name}::learner copy"


def _learner_copy_sources(nb):
    from tools.learner_copies import BEGIN, blank_source

    code = [c for c in nb.cells if c.cell_type == "code"]
    first = next((i for i, c in enumerate(code) if any(ln.strip() == BEGIN
                                                       for ln in c.source.splitlines())), None)
    if first is None:
        return []
    answers = {i for i, c in enumerate(code) if BEGIN in c.source}
    return [(i - 1 in answers, blank_source(c.source)[0])
            for i, c in enumerate(code[first:], start=first)]


def _wrong_answer_cases(nb, lesson: str):
    from tools.learner_copies import exercise_cells

    wrong = wrong_answers(lesson)
    return [(ex.id, nb.cells[ex.answer_index].source, nb.cells[ex.check_index].source,
             wrong.get(ex.id, [])) for ex in exercise_cells(nb) if wrong.get(ex.id)]


def pytest_collection_modifyitems(session, config, items):
    from nbval.plugin import IPyNbFile

    extra = []
    for position, item in enumerate(items):
        parent = item.parent
        is_last = position + 1 == len(items) or items[position + 1].parent is not parent
        if isinstance(parent, IPyNbFile) and is_last:
            new = []
            try:
                cases = _wrong_answer_cases(parent.nb, Path(str(parent.path)).name[:2])
            except ValueError as err:  # a malformed exercise (MarkerError): fail that lesson only
                new.append(BrokenExercisesItem.from_parent(
                    parent, name="wrong answers: every one gets a cross", problem=str(err)))
                cases = []
            if cases:
                new.append(WrongAnswersItem.from_parent(
                    parent, name="wrong answers: every one gets a cross", cases=cases))
            sources = _learner_copy_sources(parent.nb)
            if sources:
                new.append(LearnerCopyItem.from_parent(
                    parent, name="learner copy: every check says not yet", sources=sources))
            extra.append((position + 1, new))
    for position, new in reversed(extra):
        items[position:position] = new
