"""helpers.transfer: the shipped base model (checksum, load, evaluate) and the lesson's pieces."""

import json
import shutil

import numpy as np
import pytest

from helpers import data, transfer


@pytest.fixture(scope="module")
def base():
    return transfer.load_base()


@pytest.fixture(scope="module")
def digits():
    return data.digits_split(seed=0, images=True)


# --------------------------------------------------------------------------- the shipped model


def test_shipped_model_is_listed_small_and_noted():
    assert transfer.BASE_FILE in data.verify_data_files()
    path = data.DATA_DIR / transfer.BASE_FILE
    assert path.stat().st_size < 2_000_000
    note = (data.DATA_DIR / transfer.BASE_NOTE).read_text()
    report = json.loads(note.split("```json")[1].split("```")[0])
    assert report["file"] == transfer.BASE_FILE and report["bytes"] == path.stat().st_size
    assert report["classes"] == transfer.LETTERS
    assert report["heldout_accuracy"] > 0.7


def test_shipped_model_loads_safely_and_recognises_fresh_letters(base):
    # the checksum is verified by load_base; the model then reads letters it never saw
    assert base.output_shape == (None, len(transfer.LETTERS))
    assert base.input_shape == (None, 8, 8, 1)
    x, y = transfer.letters_dataset(20, seed=987_654)  # a seed the pretraining never used
    acc = np.mean(np.argmax(base.predict(x, verbose=0), axis=1) == y)
    report = json.loads((data.DATA_DIR / transfer.BASE_NOTE).read_text()
                        .split("```json")[1].split("```")[0])
    assert acc > 0.7 and abs(acc - report["heldout_accuracy"]) < 0.06


def test_altered_model_is_refused(tmp_path):
    shutil.copytree(data.DATA_DIR, tmp_path / "d")
    target = tmp_path / "d" / transfer.BASE_FILE
    raw = bytearray(target.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    target.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match="does not match its checksum"):
        transfer.load_base(tmp_path / "d")


def test_missing_model_names_the_command(tmp_path):
    shutil.copytree(data.DATA_DIR, tmp_path / "d")
    (tmp_path / "d" / transfer.BASE_FILE).unlink()
    with pytest.raises(FileNotFoundError, match="missing"):
        transfer.load_base(tmp_path / "d")


def test_pretrain_base_quick_run_saves_a_loadable_model(tmp_path):
    import keras

    report = transfer.pretrain_base(tmp_path / "m.keras", n_per_class=10, n_heldout_per_class=2,
                                    epochs=1, seed=3)
    model = keras.models.load_model(tmp_path / "m.keras", safe_mode=True)
    assert report["parameters"] == model.count_params() and report["train_images"] == 520
    from tools.pretrain import write_note

    write_note(report, tmp_path / "m.md")
    assert "held" in (tmp_path / "m.md").read_text()
    with pytest.raises(ValueError, match=".keras"):
        transfer.pretrain_base(tmp_path / "m.h5", epochs=1)


# --------------------------------------------------------------------------- the lesson's pieces


def test_transfer_model_copies_weights_and_freezes(base, digits):
    frozen = transfer.transfer_model(base, 10, freeze="all", seed=0)
    assert frozen.output_shape == (None, 10)
    n_head = base.get_layer(transfer.FEATURES_LAYER).output.shape[-1] * 10 + 10
    assert sum(int(np.prod(w.shape)) for w in frozen.trainable_weights) == n_head
    copied = frozen.get_layer("copied")
    for a, b in zip(copied.get_weights(), base.get_weights()[:-2], strict=True):
        np.testing.assert_array_equal(a, b)
    # frozen features equal the base's features: batch norm uses the letters' statistics
    import keras

    features = keras.Model(base.input, base.get_layer(transfer.FEATURES_LAYER).output)
    np.testing.assert_allclose(copied.predict(digits.x_test[:20], verbose=0),
                               features.predict(digits.x_test[:20], verbose=0), atol=1e-5)
    tune = transfer.transfer_model(base, 10, freeze=0, seed=0)
    assert len(tune.trainable_weights) > len(frozen.trainable_weights)
    bottom = transfer.transfer_model(base, 10, freeze=2, seed=0)
    names = {w.path.split("/")[-2] for w in bottom.trainable_weights}
    assert "conv1" not in names and "conv2" not in names and "conv3" in names


def test_scratch_model_has_fresh_weights(base):
    scratch = transfer.transfer_model(base, 10, pretrained=False, seed=0)
    copied = scratch.get_layer("copied").get_weights()
    assert copied[0].shape == base.get_weights()[0].shape
    assert not np.allclose(copied[0], base.get_weights()[0])
    assert scratch.count_params() == transfer.transfer_model(base, 10, seed=0).count_params()


def test_train_steps_learns_and_reports_a_curve(base, digits):
    model = transfer.transfer_model(base, 10, freeze="all", seed=0)
    idx = data.per_class_subset(digits.y_train, 5, seed=0)
    out = transfer.train_steps(model, digits.x_train[idx], digits.y_train[idx], steps=60,
                               learning_rate=1e-2, seed=0, x_test=digits.x_test,
                               y_test=digits.y_test, eval_every=20)
    assert out["curve_steps"].tolist() == [20, 40, 60]
    assert out["test_accuracy"] == out["curve_accuracy"][-1] > 0.5  # chance is 0.1


def test_steps_to_reach():
    assert transfer.steps_to_reach([10, 20, 30], [0.5, 0.8, 0.9], 0.8) == 20
    assert transfer.steps_to_reach([10, 20, 30], [0.5, 0.8, 0.9], 0.95) is None


def test_conv_layer_names(base):
    assert transfer.conv_layer_names(base) == ["conv1", "conv2", "conv3"]


@pytest.mark.parametrize("call, error, match", [
    (lambda b: data.per_class_subset(np.repeat(np.arange(3), 2), 3, seed=0), ValueError,
     "only 2 examples"),
    (lambda b: data.per_class_subset([0, 1, 1], 0, seed=0), ValueError, "at least 1"),
    (lambda b: data.per_class_subset([0.5, 1], 1, seed=0), ValueError, "whole class"),
    (lambda b: data.per_class_subset([0, 1], 1, seed=-2), ValueError, "seed"),
    (lambda b: transfer.transfer_model(b, 1), ValueError, "n_classes must be at least 2"),
    (lambda b: transfer.transfer_model(b, 10, freeze="some"), ValueError, "'all' or a number"),
    (lambda b: transfer.transfer_model(b, 10, freeze=7), ValueError, "at most 3"),
    (lambda b: transfer.transfer_model(b, 10, pretrained=1), TypeError, "True or False"),
    (lambda b: transfer.train_steps(b, np.zeros((4, 8, 8, 1)), [0, 1, 0, 1], steps=0,
                                    learning_rate=1e-3, seed=0), ValueError, "steps"),
    (lambda b: transfer.train_steps(b, np.zeros((4, 8, 8, 1)), [0, 1, 0, 1], steps=5,
                                    learning_rate=-1.0, seed=0), ValueError, "positive"),
    (lambda b: transfer.train_steps(b, np.zeros((4, 8, 8)), [0, 1, 0, 1], steps=5,
                                    learning_rate=1e-3, seed=0), ValueError, "2-D or 4-D"),
    (lambda b: transfer.train_steps(b, np.zeros((4, 8, 8, 1)), [0, 1, 0], steps=5,
                                    learning_rate=1e-3, seed=0), ValueError, "3 labels"),
    (lambda b: transfer.train_steps(b, np.zeros((4, 8, 8, 1)), [0, 1, 0, 1], steps=5,
                                    learning_rate=1e-3, seed=0), TypeError, "x_test"),
    (lambda b: transfer.steps_to_reach([1, 2], [0.5], 0.4), ValueError, "one row per"),
    (lambda b: transfer.build_base(10, input_size=2), ValueError, "input_size"),
    (lambda b: transfer.letters_dataset(0, seed=0), ValueError, "n_per_class"),
    (lambda b: transfer.letters_dataset(2, seed=0, chars="A"), ValueError, "two characters"),
])
def test_bad_inputs_say_what_is_wrong(base, call, error, match):
    with pytest.raises(error, match=match):
        call(base)


# --------------------------------------------------------------------------- the bad-inputs review


@pytest.mark.parametrize("call, error, match", [
    (lambda b: transfer.conv_layer_names(np.zeros(3)), TypeError, "must be a Keras model"),
    (lambda b: transfer.transfer_model(np.zeros(3)), TypeError, "base must be a Keras model"),
    (lambda b: transfer.train_steps(np.zeros(3), np.zeros((4, 8, 8, 1)), [0, 1, 0, 1], steps=5,
                                    learning_rate=1e-3, seed=0), TypeError, "Keras model"),
    (lambda b: transfer.train_steps(b, np.zeros((4, 8, 8, 1)), [0, 1, 0, 60], steps=5,
                                    learning_rate=1e-3, seed=0, x_test=np.zeros((2, 8, 8, 1)),
                                    y_test=[0, 1]), ValueError, r"y must be class indices in 0\.\.51"),
    (lambda b: transfer.train_steps(b, np.zeros((4, 8, 8, 1)), [0, 1, 0, 1], steps=5,
                                    learning_rate=1e-3, seed=0, x_test=np.zeros((2, 8, 8, 1)),
                                    y_test=[0, 99]), ValueError, r"y_test must be class indices"),
    (lambda b: transfer.train_steps(b, np.zeros((4, 6, 6, 1)), [0, 1, 0, 1], steps=5,
                                    learning_rate=1e-3, seed=0, x_test=np.zeros((2, 6, 6, 1)),
                                    y_test=[0, 1]), ValueError, r"x has shape \(4, 6, 6, 1\)"),
    (lambda b: transfer.steps_to_reach([100, 200], [0.5, 0.96], 95), ValueError,
     r"between 0 and 1.*for 95% pass 0\.95"),
    (lambda b: transfer.steps_to_reach([100, 200], [50, 96], 0.9), ValueError,
     "fractions in \\[0, 1\\]"),
    (lambda b: transfer.steps_to_reach([100, 200], [0.5, 0.9], -0.1), ValueError, "between 0"),
    (lambda b: transfer.load_base("/nonexistent"), ValueError, "data_dir must be an existing"),
    (lambda b: transfer.load_base(123), TypeError, "data_dir must be a path"),
    (lambda b: transfer.letters_dataset(2, seed=0, chars=5), TypeError, "chars must be a string"),
])
def test_review_cases_are_clear_errors(base, call, error, match):
    with pytest.raises(error, match=match):
        call(base)


def test_steps_to_reach_with_unsorted_steps_takes_the_earliest():
    assert transfer.steps_to_reach([300, 100, 200], [0.95, 0.5, 0.92], 0.9) == 200
    assert transfer.steps_to_reach([300, 100, 200], [0.95, 0.5, 0.92], 0.99) is None

