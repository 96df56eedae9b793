"""Test-wide set-up: offline guard (here and in every notebook kernel), TF settings, nbval tweaks."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

from tools.offline import block_network, guard_children

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


# ---------------------------------------------------------------- learner copies (make exercises)
# After nbval has run a lesson, its kernel still holds the lesson's state. One more test item per
# lesson runs the exercise section again as the learner copy has it (answers replaced by `None`
# stubs) and checks that every check says "… not yet" instead of crashing. That is what executing
# the blanked copy would show, at the cost of the exercise cells alone.

import pytest  # noqa: E402


class LearnerCopyItem(pytest.Item):
    """Re-runs a lesson's exercise cells, blanked, in the kernel nbval used for the lesson."""

    def __init__(self, *, sources, **kwargs):
        super().__init__(**kwargs)
        self.sources = sources  # [(is_check_cell, blanked source)]

    def _run(self, source: str) -> tuple[str, str | None]:
        kernel = self.parent.kernel
        msg_id = kernel.execute_cell_input(source, allow_stdin=False)
        kernel.await_reply(msg_id, timeout=120)
        text, error = [], None
        while True:
            msg = self.parent.get_kernel_message(timeout=30)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            content = msg["content"]
            if msg["msg_type"] == "status" and content["execution_state"] == "idle":
                return "".join(text), error
            if msg["msg_type"] == "stream":
                text.append(content["text"])
            elif msg["msg_type"] == "error":
                error = f"{content['ename']}: {content['evalue']}"

    def runtest(self):
        if self.parent.kernel is None or not self.parent.kernel.is_alive():
            pytest.fail("the lesson's kernel is not running: an earlier cell failed")
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
    return [(i - 1 in answers and "check_" in c.source, blank_source(c.source)[0])
            for i, c in enumerate(code[first:], start=first)]


def pytest_collection_modifyitems(session, config, items):
    from nbval.plugin import IPyNbFile

    extra = []
    for position, item in enumerate(items):
        parent = item.parent
        is_last = position + 1 == len(items) or items[position + 1].parent is not parent
        if isinstance(parent, IPyNbFile) and is_last:
            sources = _learner_copy_sources(parent.nb)
            if sources:
                extra.append((position + 1, LearnerCopyItem.from_parent(
                    parent, name="learner copy: every check says not yet", sources=sources)))
    for position, new in reversed(extra):
        items.insert(position, new)
