"""Running experiments: timing, a fresh folder per run under ``build/``, and the runs' CSV logs.

- :func:`best_time`: the least noisy time of a function on a shared machine;
- :data:`BUILD_DIR`, :func:`fresh_run_dir`: the git-ignored folder every lesson writes into, and a
  new, empty folder in it for each run (a keras-tuner search, a set of logged runs);
- :func:`load_csv_logs`: every ``keras.callbacks.CSVLogger`` file under a folder, as one DataFrame.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from helpers import validate

__all__ = ["best_time", "BUILD_DIR", "fresh_run_dir", "load_csv_logs"]

#: The git-ignored folder every lesson writes into (never the tracked tree).
BUILD_DIR = Path(__file__).resolve().parent.parent / "build"


def best_time(fn: Callable, *args, repeat: int = 5, number: int = 1,
              clock: Callable[[], float] = time.perf_counter, **kwargs) -> float:
    """Best time in seconds of ``number`` calls of ``fn(*args, **kwargs)`` over ``repeat`` tries.

    The minimum is the least noisy estimate on a shared machine (other processes only add time).
    ``clock`` is wall time by default; pass ``time.process_time`` for this process's CPU time,
    which other processes on a busy machine do not inflate. ``repeat`` and ``number`` are
    positive integers (NumPy ints welcome).
    """
    validate.function(fn, "fn", hint="best_time times calls of it")
    repeat = validate.integer(repeat, "repeat", minimum=1)
    number = validate.integer(number, "number", minimum=1)
    validate.function(clock, "clock", hint="it returns seconds, as time.perf_counter or "
                      "time.process_time do")
    best = float("inf")
    for _ in range(repeat):
        start = clock()
        for _ in range(number):
            fn(*args, **kwargs)
        best = min(best, (clock() - start) / number)
    return best


def fresh_run_dir(name: str, root: Path | str | None = None) -> Path:
    """A new, empty folder ``root/name/run-<time>-<random>`` (root: the git-ignored ``build/``).

    Give each tuner run its own folder (and ``overwrite=True``): a keras-tuner tuner pointed at an
    old folder resumes the old search instead of starting a new one.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a folder name such as '15_tuning', got "
                        f"{validate.describe(name)}.")
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise ValueError(f"name must be a plain folder name such as '15_tuning', got {name!r}.")
    root = BUILD_DIR if root is None else validate.path(root, "root")
    parent = root / name
    parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=time.strftime("run-%Y%m%d-%H%M%S-"), dir=parent))


def load_csv_logs(folder, pattern: str = "**/*.csv"):
    """Every CSV log under ``folder`` (as ``keras.callbacks.CSVLogger`` writes them) in one DataFrame.

    A ``run`` column holds each file's folder relative to ``folder`` (e.g. ``depth2_width64``).
    """
    import pandas as pd

    folder = validate.path(folder, "folder", kind="dir")
    if not isinstance(pattern, str) or not pattern:
        raise TypeError(f"pattern must be a glob pattern such as '**/*.csv', got "
                        f"{validate.describe(pattern)}.")
    files = sorted(f for f in folder.glob(pattern) if f.is_file())
    if not files:
        raise ValueError(f"no CSV files matching {pattern!r} under the folder {folder.name!r}: did "
                         f"the runs use keras.callbacks.CSVLogger with a path inside it?")
    frames = []
    for f in files:
        try:
            df = pd.read_csv(f)
        except pd.errors.EmptyDataError:
            raise ValueError(f"the log {f.relative_to(folder)} is empty (a run stopped before its "
                             f"first epoch?); delete it or rerun that run.") from None
        df.insert(0, "run", f.parent.relative_to(folder).as_posix() if f.parent != folder else f.stem)
        frames.append(df)
    return pd.concat(frames, ignore_index=True)
