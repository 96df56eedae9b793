"""helpers.tuning.trials: keras-tuner trials as tables."""

import copy

import numpy as np
import pytest

from helpers import tuning


@pytest.fixture(scope="module")
def small_data():
    rng = np.random.default_rng(0)
    x = rng.random((120, 64))
    y = (x[:, :10].argmax(axis=1)).astype(int)      # a learnable 10-class rule
    return x[:90], y[:90], x[90:], y[90:]


def test_epoch_recorder_survives_deepcopy_and_counts():
    pytest.importorskip("keras")
    rec = tuning.epoch_recorder()
    assert copy.deepcopy([rec])[0] is rec
    rec.on_epoch_end(0, {"val_accuracy": 0.5})
    rec.on_epoch_end(1, {"val_accuracy": 0.4})
    rec.on_epoch_end(0, {"val_accuracy": 0.7})
    spent, best = tuning.best_so_far(rec.records)
    assert spent.tolist() == [1, 2, 3] and best.tolist() == [0.5, 0.5, 0.7]


def test_best_so_far_bad_inputs():
    with pytest.raises(ValueError, match="records is empty"):
        tuning.best_so_far([])
    with pytest.raises(ValueError, match="record 0 has no 'val_loss'"):
        tuning.best_so_far([{"spent": 1, "epoch": 1, "val_accuracy": 0.3}], "val_loss")
    with pytest.raises(TypeError, match="records must be a list of dicts"):
        tuning.best_so_far([1, 2])
    with pytest.raises(TypeError, match="records must be a list of dicts"):
        tuning.best_so_far({"spent": 1})
    with pytest.raises(ValueError, match="record 1 has no 'val_accuracy'"):
        tuning.best_so_far([{"spent": 1, "val_accuracy": 0.3}, {"spent": 2, "loss": 0.1}])
    with pytest.raises(ValueError, match="mode='max' or mode='min'"):
        tuning.best_so_far([{"spent": 1, "speed": 3.0}], "speed")
    with pytest.raises(ValueError, match="mode must be one of"):
        tuning.best_so_far([{"spent": 1, "val_accuracy": 0.3}], mode="up")


def test_best_so_far_skips_nan_and_knows_a_loss_is_minimised():
    records = [{"spent": k + 1, "val_accuracy": a, "val_loss": l_}
               for k, (a, l_) in enumerate([(0.5, 2.0), (float("nan"), float("nan")),
                                            (0.7, 1.0), (0.6, 1.5)])]
    _, best = tuning.best_so_far(records)
    assert best.tolist() == [0.5, 0.5, 0.7, 0.7]
    _, lowest = tuning.best_so_far(records, "val_loss")
    assert lowest.tolist() == [2.0, 2.0, 1.0, 1.0]
    _, forced = tuning.best_so_far(records, "val_loss", mode="max")
    assert forced.tolist() == [2.0, 2.0, 2.0, 2.0]


def test_trials_frame_reads_oracle_trials():
    class HP:
        def __init__(self, values):
            self.values = values

    class Trial:
        def __init__(self, values, score):
            self.hyperparameters, self.score, self.status = HP(values), score, "COMPLETED"

    class Tuner:
        class oracle:
            trials = {"0": Trial({"lr": 0.1, "tuner/epochs": 3, "tuner/initial_epoch": 1}, 0.9),
                      "1": Trial({"lr": 0.01, "tuner/epochs": 1, "tuner/initial_epoch": 0}, 0.5)}

    frame = tuning.trials_frame(Tuner())
    assert frame["trial_id"].tolist() == ["0", "1"] and frame["epochs_trained"].tolist() == [2, 1]
    assert frame["score"].tolist() == [0.9, 0.5]
    with pytest.raises(TypeError, match="keras-tuner tuner"):
        tuning.trials_frame(object())
