"""helpers.serving: a SavedModel served from another process in TF Serving's REST format.

The first tests need no TensorFlow (argument checks); the rest export a tiny Keras model and run
a real server process on loopback, which they always stop. They start a second TensorFlow process
(run them under tfslot -n 2).
"""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from helpers import serving

# --------------------------------------------------------------------------- no TensorFlow needed

def test_latest_version_picks_the_largest_numbered_folder(tmp_path):
    for name in ("1", "7", "10", "notes"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "saved_model.pb").write_bytes(b"")
    (tmp_path / "12").mkdir()                        # a version folder without a model
    assert serving.latest_version(tmp_path).name == "10"


def test_latest_version_says_what_layout_it_expects(tmp_path):
    with pytest.raises(ValueError, match="saved_model.pb"):
        serving.latest_version(tmp_path)
    with pytest.raises(ValueError, match="existing folder"):
        serving.latest_version(tmp_path / "missing")
    with pytest.raises(TypeError, match="path"):
        serving.latest_version(None)


@pytest.fixture
def fake_base(tmp_path):
    (tmp_path / "1").mkdir()
    (tmp_path / "1" / "saved_model.pb").write_bytes(b"")
    return tmp_path


@pytest.mark.parametrize("kwargs, error, match", [
    ({"model_name": "a/b"}, ValueError, "simple name"),
    ({"model_name": ""}, ValueError, "simple name"),
    ({"model_name": 3}, ValueError, "simple name"),
    ({"model_name": "m", "max_seconds": 0}, ValueError, "max_seconds"),
    ({"model_name": "m", "max_seconds": "60"}, TypeError, "max_seconds"),
])
def test_model_server_refuses_bad_arguments(fake_base, kwargs, error, match):
    with pytest.raises(error, match=match):
        serving.ModelServer(fake_base, **kwargs)


def test_model_server_must_be_started_before_waiting(fake_base):
    server = serving.ModelServer(fake_base, "m")
    with pytest.raises(RuntimeError, match="start"):
        server.wait_ready()
    assert server.stop() is None and not server.running()


@pytest.mark.parametrize("url, name, instances, error, match", [
    ("http://example.com:80", "m", [[1.0]], ValueError, "loopback"),
    ("http://127.0.0.1:1", "m/x", [[1.0]], ValueError, "simple name"),
    ("http://127.0.0.1:1", "m", np.ones((2, 3)), TypeError, "tolist"),
    ("http://127.0.0.1:1", "m", [], TypeError, "non-empty list"),
    ("http://127.0.0.1:1", "m", {"instances": [1]}, TypeError, "non-empty list"),
])
def test_predict_refuses_bad_requests_before_sending(url, name, instances, error, match):
    with pytest.raises(error, match=match):
        serving.predict(url, name, instances)


# --------------------------------------------------------------------------- a real server

keras = pytest.importorskip("keras")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    base = tmp_path_factory.mktemp("models") / "tiny"
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,), name="features"), keras.layers.Dense(4, activation="relu"),
                              keras.layers.Dense(2, activation="softmax")])
    model.export(str(base / "1"), format="tf_saved_model", verbose=False)
    return base, model


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    if status.exists() and "State:\tZ" in status.read_text():  # a zombie nobody reaped yet
        return False
    return True


def _wait_gone(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.1)
    return not _alive(pid)


def test_round_trip_in_tf_serving_rest_format(exported):
    base, model = exported
    x = np.random.default_rng(1).normal(size=(5, 3)).astype("float32")
    with serving.ModelServer(base, "tiny") as server:
        assert server.ready_info["keras_imported"] is False       # TensorFlow alone serves it
        assert server.ready_info["inputs"] == {"features": [None, 3]}
        status = serving.model_status(server.url, "tiny")
        assert status["model_version_status"][0]["state"] == "AVAILABLE"
        signature = serving.model_metadata(server.url, "tiny")["metadata"]["signature_def"][
            "signature_def"]["serving_default"]
        assert signature["inputs"] == {"features": {"dtype": "float32", "shape": [None, 3]}}
        assert list(signature["outputs"]) == ["output_0"]
        answer = serving.predict(server.url, "tiny", x.tolist())
        assert set(answer) == {"predictions"}
        served = np.array(answer["predictions"], dtype="float32")
        np.testing.assert_array_equal(served, keras.ops.convert_to_numpy(model(x, training=False)))
        # the versioned URL, and a raw request as any HTTP client sends it
        body = json.dumps({"signature_name": "serving_default", "instances": x[:2].tolist()})
        req = urllib.request.Request(f"{server.url}/v1/models/tiny/versions/1:predict",
                                     data=body.encode(), method="POST")
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(req, timeout=10) as resp:
            two = np.array(json.loads(resp.read())["predictions"], "float32")
        # the same batch as in this process (a batch of another size may differ in the last bit)
        np.testing.assert_array_equal(two, keras.ops.convert_to_numpy(model(x[:2], training=False)))
        pid = server.pid
    assert not server.running() and _wait_gone(pid, 5)


def test_errors_answer_like_tf_serving(exported):
    base, _ = exported
    with serving.ModelServer(base, "tiny") as server:
        with pytest.raises(RuntimeError, match="404.*Servable not found"):
            serving.predict(server.url, "other", [[0.0, 0.0, 0.0]])
        with pytest.raises(RuntimeError, match=r"400.*shape \[1, 2\].*\[None, 3\]"):
            serving.predict(server.url, "tiny", [[0.0, 0.0]])
        with pytest.raises(RuntimeError, match="400.*rectangular"):
            serving.predict(server.url, "tiny", [[0.0, 0.0, 0.0], [1.0]])
        with pytest.raises(RuntimeError, match="404.*Specific"):
            serving._request(f"{server.url}/v1/models/tiny/versions/2:predict",
                             {"instances": [[0.0, 0.0, 0.0]]}, 10)
        assert serving.predict(server.url, "tiny", [[0.0, 0.0, 0.0]])["predictions"]  # still up


def test_server_dies_with_the_process_that_started_it(exported, tmp_path):
    base, _ = exported
    pid_file = tmp_path / "server.pid"
    parent = textwrap.dedent(f"""
        import time
        from helpers import serving
        server = serving.ModelServer({str(base)!r}, "tiny").start()
        open({str(pid_file)!r}, "w").write(str(server.pid))
        server.wait_ready()
        open({str(pid_file)!r} + ".ready", "w").write("ok")
        time.sleep(600)
    """)
    proc = subprocess.Popen([sys.executable, "-c", parent])
    try:
        deadline = time.monotonic() + 90
        while not Path(str(pid_file) + ".ready").exists():
            assert proc.poll() is None and time.monotonic() < deadline, "the parent never got ready"
            time.sleep(0.1)
        server_pid = int(pid_file.read_text())
        assert _alive(server_pid)
        proc.send_signal(signal.SIGKILL)                  # the kernel dies without cleaning up
        proc.wait(timeout=10)
        assert _wait_gone(server_pid, 5), "the server outlived the process that started it"
    finally:
        if proc.poll() is None:
            proc.kill()


def test_server_stops_at_its_own_deadline(exported):
    base, _ = exported
    server = serving.ModelServer(base, "tiny", max_seconds=1).start()
    try:
        assert server._proc.wait(timeout=30) == 4, "the server ignored its max_seconds"
    finally:
        server.stop()


def test_a_dropped_server_object_is_stopped(exported):
    import gc

    base, _ = exported
    server = serving.ModelServer(base, "tiny").start()
    pid = server.pid
    del server
    gc.collect()
    assert _wait_gone(pid, 10)
