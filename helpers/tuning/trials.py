"""keras-tuner searches read as data: every epoch a search trains, every trial as a table.

:func:`epoch_recorder` (a callback that survives keras-tuner's copying and counts every epoch),
:func:`trials_frame` (``tuner.oracle.trials`` as a DataFrame) and :func:`best_so_far` (the best
score against the epochs spent). TensorFlow and keras-tuner are imported only when needed.
"""

from __future__ import annotations

import numpy as np

from helpers import validate

__all__ = ["epoch_recorder", "trials_frame", "best_so_far"]


_RECORDER = None


def epoch_recorder():
    """A Keras callback that records every epoch any trial of a keras-tuner search trains.

    keras-tuner deep-copies the callbacks it is given for each trial; this one returns itself from
    ``copy.deepcopy``, so one object sees the whole search. Its ``records`` is a list of dicts: the
    running count of epochs ``spent``, the trial's own ``epoch``, and the epoch's logs
    (``val_accuracy``...).
    """
    global _RECORDER
    if _RECORDER is None:
        import keras

        class EpochRecorder(keras.callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.records = []

            def __deepcopy__(self, memo):
                return self

            def on_epoch_end(self, epoch, logs=None):
                self.records.append({"spent": len(self.records) + 1, "epoch": epoch + 1,
                                     **{k: float(v) for k, v in (logs or {}).items()}})

        _RECORDER = EpochRecorder
    return _RECORDER()


def trials_frame(tuner):
    """Every trial of a keras-tuner search (``tuner.oracle.trials``) as a pandas DataFrame.

    One row per trial, in trial order: ``trial_id``, ``status``, ``score``, each hyper-parameter
    value (Hyperband's own bookkeeping as ``tuner/epochs``, ``tuner/initial_epoch``...), and
    ``epochs_trained`` (``tuner/epochs - tuner/initial_epoch`` for Hyperband, else ``NaN``).
    """
    import pandas as pd

    oracle = getattr(tuner, "oracle", None)
    trials = getattr(oracle, "trials", None)
    if not isinstance(trials, dict):
        raise TypeError(f"trials_frame needs a keras-tuner tuner (with .oracle.trials), got "
                        f"{validate.describe(tuner)}.")
    rows = []
    for trial_id, trial in trials.items():
        values = dict(trial.hyperparameters.values)
        row = {"trial_id": trial_id, "status": str(trial.status), "score": trial.score, **values}
        if "tuner/epochs" in values:
            row["epochs_trained"] = values["tuner/epochs"] - values.get("tuner/initial_epoch", 0)
        rows.append(row)
    frame = pd.DataFrame(rows)
    if "epochs_trained" not in frame:
        frame["epochs_trained"] = np.nan
    return frame


def _mode(metric: str, mode: str) -> str:
    mode = validate.choice(mode, "mode", ["auto", "max", "min"])
    if mode != "auto":
        return mode
    name = metric.lower()
    if "loss" in name or "error" in name:
        return "min"
    if any(word in name for word in ("acc", "auc", "precision", "recall", "f1")):
        return "max"
    raise ValueError(f"cannot tell whether a higher or a lower {metric!r} is better; pass "
                     f"mode='max' or mode='min'.")


def best_so_far(records, metric: str = "val_accuracy", *, mode: str = "auto"):
    """From :func:`epoch_recorder` records: epochs spent and the best ``metric`` seen so far.

    ``mode="auto"`` takes the largest value for an accuracy-like metric (``acc``, ``auc``,
    ``precision``, ``recall``, ``f1`` in its name) and the smallest for a loss or an error; other
    names need ``mode="max"`` or ``"min"``. An epoch whose value is NaN (a diverged trial) is not
    a best; the running best skips it.
    """
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise TypeError(f"records must be a list of dicts (epoch_recorder().records after a "
                        f"search), got {validate.describe(records)}.")
    if not records:
        raise ValueError("records is empty: the search trained no epoch.")
    if not isinstance(metric, str):
        raise TypeError(f"metric must be the name of a logged metric such as 'val_accuracy', got "
                        f"{validate.describe(metric)}.")
    for i, r in enumerate(records):
        if metric not in r or "spent" not in r:
            raise ValueError(f"record {i} has no {metric!r} (or no 'spent'); the records hold "
                             f"{sorted(k for k in r if k not in ('spent', 'epoch'))}.")
    better = np.fmax if _mode(metric, mode) == "max" else np.fmin
    spent = validate.array([r["spent"] for r in records], "spent", dtype=None)
    values = validate.array([r[metric] for r in records], metric, finite=False)
    return spent, better.accumulate(values)
