"""Child processes that cannot outlive the lesson that started them (lessons 17 and 18).

A lesson starts helper processes (a model server, TensorFlow workers) and always stops them in a
``finally``. That is not enough when the kernel itself dies (killed, out of memory, restarted):
its ``finally`` never runs. So each child also guards itself with :func:`die_with_parent`:

- it exits at once (within ``poll`` seconds) when the process that started it is gone (its
  parent id changes when the parent dies and it is adopted by another process);
- it exits when ``max_seconds`` have passed, whatever happens, as a last resort.

Nothing here imports TensorFlow.
"""

from __future__ import annotations

import os
import threading
import time

from helpers import validate

__all__ = ["die_with_parent", "PARENT_GONE", "DEADLINE"]

#: Exit code of a child whose parent died.
PARENT_GONE = 3
#: Exit code of a child that reached its own deadline.
DEADLINE = 4


def die_with_parent(parent_pid: int, max_seconds: float, *, poll: float = 0.25) -> threading.Thread:
    """Make this process exit when ``parent_pid`` is no longer its parent, or after ``max_seconds``.

    Call it first thing in a child process, with the parent's ``os.getpid()`` passed on its command
    line. If the parent is already gone, the process exits at once. Otherwise a daemon thread checks
    every ``poll`` seconds and ends the process with ``os._exit`` (no clean-up that could hang:
    exit code :data:`PARENT_GONE` or :data:`DEADLINE`). Returns the watching thread.
    """
    parent_pid = validate.integer(parent_pid, "parent_pid", minimum=1)
    max_seconds = validate.number(max_seconds, "max_seconds", positive=True)
    poll = validate.number(poll, "poll", positive=True, maximum=5)
    if os.getppid() != parent_pid:
        os._exit(PARENT_GONE)
    deadline = time.monotonic() + max_seconds

    def watch() -> None:
        while True:
            if os.getppid() != parent_pid:
                os._exit(PARENT_GONE)
            if time.monotonic() > deadline:
                os._exit(DEADLINE)
            time.sleep(poll)

    thread = threading.Thread(target=watch, name="die-with-parent", daemon=True)
    thread.start()
    return thread
