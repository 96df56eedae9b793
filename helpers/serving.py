"""Serve a SavedModel from a separate process, in TensorFlow Serving's REST format (lesson 17).

TensorFlow Serving (``tensorflow_model_server``) is a C++ program that is not on PyPI. This module
is a minimal stand-in that speaks the same REST protocol, so a lesson can deploy a model the way
a real service is called, on loopback:

- the server is a **separate Python process** (``python -m helpers.serving``) that imports
  TensorFlow but **not Keras** (importing Keras there fails), loads the newest numbered version
  under ``model_base_path`` (``<base>/1/saved_model.pb``, TF Serving's layout) and calls its
  ``serving_default`` signature, as TF Serving does;
- ``POST /v1/models/<name>:predict`` (or ``/v1/models/<name>/versions/<v>:predict``) with
  ``{"instances": [...]}`` (one entry per example) answers ``{"predictions": [...]}``;
  ``GET /v1/models/<name>`` gives the version status and ``GET /v1/models/<name>/metadata`` the
  signature; errors answer ``{"error": "..."}`` with an HTTP error code;
- :class:`ModelServer` starts it, waits until it listens, and always stops it: ``stop()`` in a
  ``finally`` (or a ``with`` block), a finaliser when the object is dropped, and in the server
  itself a deadline of its own and a watch on its parent, so it dies with a killed kernel;
- :func:`predict` is the client: the request a service's caller would send, with ``urllib``.

The server binds port 0 (the system picks a free port) and reports the port it got, so there is
no gap between choosing a port and binding it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import weakref
from pathlib import Path

import numpy as np

from helpers import validate
from helpers.processes import die_with_parent

__all__ = ["ModelServer", "predict", "model_status", "model_metadata", "LOOPBACK", "latest_version"]

#: The server listens on loopback only.
LOOPBACK = "127.0.0.1"
#: Every address the client accepts starts so: the server is on this machine, never elsewhere.
LOOPBACK_PREFIX = f"http://{LOOPBACK}:"


# ------------------------------------------------------------------------- both sides

def latest_version(model_base_path) -> Path:
    """The newest version folder under ``model_base_path`` (the largest integer name holding a
    ``saved_model.pb``), as TF Serving picks it. Raises ``ValueError`` if there is none."""
    base = validate.path(model_base_path, "model_base_path", kind="dir")
    versions = [p for p in base.iterdir() if p.is_dir() and p.name.isdigit()
                and (p / "saved_model.pb").is_file()]
    if not versions:
        raise ValueError(f"{str(base)!r} holds no version folder with a saved_model.pb; TF "
                         f"Serving's layout is <base>/<version number>/saved_model.pb (export "
                         f"the model to {str(base / '1')!r}).")
    return max(versions, key=lambda p: int(p.name))


def _model_name(value) -> str:
    if not isinstance(value, str) or not re.match(r"^[A-Za-z0-9_.-]+$", value):
        raise ValueError(f"model_name must be a simple name (letters, digits, _ . -), as in the "
                         f"URL /v1/models/<name>:predict, got {value!r}.")
    return value


# ------------------------------------------------------------------------- the client

#: No proxy: a request to the loopback server must never leave the machine.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _request(url: str, body: dict | None, timeout: float) -> dict:
    data = None if body is None else json.dumps(body).encode("utf-8")
    req = urllib.request.Request(url, data=data, method="GET" if body is None else "POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with _OPENER.open(req, timeout=timeout) as resp:
            return json.loads(resp.read().decode("utf-8"))
    except urllib.error.HTTPError as err:
        detail = err.read().decode("utf-8", errors="replace")
        raise RuntimeError(f"the server answered HTTP {err.code}: {detail}") from None


def _check_url(url) -> str:
    if not isinstance(url, str) or not url.startswith(LOOPBACK_PREFIX):
        raise ValueError(f"url must be the server's loopback address, http://{LOOPBACK}:<port>, "
                         f"got {url!r}.")
    return url.rstrip("/")


def predict(url: str, model_name: str, instances, *, timeout: float = 30.0) -> dict:
    """POST ``{"instances": instances}`` to ``<url>/v1/models/<model_name>:predict``.

    Returns the decoded JSON answer (``{"predictions": [...]}``), exactly as a client of TF Serving
    receives it. ``instances`` is a list with one entry per example (e.g. ``x.tolist()``).
    """
    url = _check_url(url)
    model_name = _model_name(model_name)
    if isinstance(instances, np.ndarray):
        raise TypeError("instances must be JSON-ready lists (one entry per example), got a numpy "
                        "array; pass x.tolist().")
    if not isinstance(instances, list) or not instances:
        raise TypeError(f"instances must be a non-empty list with one entry per example, got "
                        f"{type(instances).__name__}.")
    return _request(f"{url}/v1/models/{model_name}:predict", {"instances": instances}, timeout)


def model_status(url: str, model_name: str, *, timeout: float = 10.0) -> dict:
    """``GET <url>/v1/models/<model_name>``: the served versions and their state."""
    return _request(f"{_check_url(url)}/v1/models/{_model_name(model_name)}", None, timeout)


def model_metadata(url: str, model_name: str, *, timeout: float = 10.0) -> dict:
    """``GET <url>/v1/models/<model_name>/metadata``: the served signature's inputs and outputs."""
    return _request(f"{_check_url(url)}/v1/models/{_model_name(model_name)}/metadata", None,
                    timeout)


# ------------------------------------------------------------------------- the process

class ModelServer:
    """Start, wait for, and always stop a serving process for one SavedModel.

    ::

        server = ModelServer(base, "screener").start()   # returns at once; the process loads TF
        ...                                               # other work meanwhile
        try:
            url = server.wait_ready()
            answer = predict(url, "screener", x.tolist())
        finally:
            server.stop()

    or ``with ModelServer(base, "screener") as server: ...`` (``start`` and ``wait_ready`` on
    entry, ``stop`` on exit). ``max_seconds`` bounds the server's life on its own: it exits then
    even if nobody stops it, and it exits at once when the process that started it dies.
    """

    def __init__(self, model_base_path, model_name: str, *, max_seconds: float = 300.0):
        self.version = latest_version(model_base_path)
        self.model_base_path = self.version.parent
        self.model_name = _model_name(model_name)
        self.max_seconds = validate.number(max_seconds, "max_seconds", positive=True,
                                           maximum=24 * 3600)
        self.url: str | None = None
        self._proc: subprocess.Popen | None = None
        self._folder: tempfile.TemporaryDirectory | None = None
        self._finalizer = None

    @property
    def pid(self) -> int | None:
        return None if self._proc is None else self._proc.pid

    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> ModelServer:
        if self._proc is not None:
            raise RuntimeError("this server was already started; make a new ModelServer.")
        self._folder = tempfile.TemporaryDirectory(prefix="serving-")
        folder = Path(self._folder.name)
        env = dict(os.environ)
        self._log = open(folder / "server.log", "w+b")  # noqa: SIM115 (closed in stop)
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "helpers.serving", "--model_name", self.model_name,
             "--model_base_path", str(self.model_base_path), "--rest_api_port", "0",
             "--ready_file", str(folder / "ready.json"), "--parent_pid", str(os.getpid()),
             "--max_seconds", str(self.max_seconds)],
            env=env, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            cwd=str(folder))
        self._finalizer = weakref.finalize(self, _kill, self._proc, self._log, self._folder)
        return self

    def wait_ready(self, timeout: float = 60.0) -> str:
        """Block until the server listens (or raise with its log); return its URL."""
        if self._proc is None:
            raise RuntimeError("start() the server first.")
        if self.url:
            return self.url
        ready = Path(self._folder.name) / "ready.json"
        deadline = time.monotonic() + timeout
        while not ready.exists():
            if self._proc.poll() is not None:
                raise RuntimeError(f"the server exited with code {self._proc.returncode} before "
                                   f"it was ready:\n{self.log()}")
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError(f"the server was not ready within {timeout:g} s and was "
                                   f"stopped:\n{self.log()}")
            time.sleep(0.05)
        info = json.loads(ready.read_text(encoding="utf-8"))
        self.url = f"http://{LOOPBACK}:{info['port']}"
        self.ready_info = info
        return self.url

    def log(self, lines: int = 20) -> str:
        if self._folder is None:
            return ""
        path = Path(self._folder.name) / "server.log"
        text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> int | None:
        """Stop the process (terminate, then kill) and remove its folder; return its exit code."""
        if self._proc is None:
            return None
        code = _kill(self._proc, self._log, self._folder)
        if self._finalizer is not None:
            self._finalizer.detach()
        return code

    def __enter__(self) -> ModelServer:
        if self._proc is None:
            self.start()
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _kill(proc: subprocess.Popen, log, folder) -> int | None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
    try:
        log.close()
    finally:
        if folder is not None:
            folder.cleanup()
    return proc.returncode


# ------------------------------------------------------------------------- the server side

class _RefuseKeras:
    """A meta-path finder under which importing Keras fails: the server runs without it.

    ``import tensorflow`` tries to import Keras (for ``tf.keras``) and carries on without it when
    that raises ``ImportError``; the SavedModel then loads and runs with TensorFlow alone.
    """

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] not in ("keras", "tf_keras"):
            return None
        from importlib.machinery import PathFinder

        spec = PathFinder.find_spec(name, path)
        if spec is not None:
            spec.loader = _RefusingLoader()
        return spec


class _RefusingLoader:
    def create_module(self, spec):
        return None

    def exec_module(self, module):
        raise ImportError(f"the serving process does not import Keras ({module.__name__}): a "
                          f"SavedModel is served with TensorFlow alone.")


def _tolist(value) -> list:
    array = np.asarray(value)
    if array.dtype.kind == "f":
        return array.astype(np.float64).tolist()  # exact: every float32 is a float64
    if array.dtype.kind in "SUO":
        return [v.decode() if isinstance(v, bytes) else v for v in array.ravel()]
    return array.tolist()


def serve_main(argv=None) -> None:
    """The server process (``python -m helpers.serving``); flags named as tensorflow_model_server's."""
    parser = argparse.ArgumentParser(prog="python -m helpers.serving")
    parser.add_argument("--model_name", required=True)
    parser.add_argument("--model_base_path", required=True)
    parser.add_argument("--rest_api_port", type=int, default=0)
    parser.add_argument("--ready_file", required=True)
    parser.add_argument("--parent_pid", type=int, required=True)
    parser.add_argument("--max_seconds", type=float, default=300.0)
    args = parser.parse_args(argv)
    die_with_parent(args.parent_pid, args.max_seconds)  # dies with the kernel, or at its deadline
    sys.meta_path.insert(0, _RefuseKeras())
    from http.server import BaseHTTPRequestHandler, HTTPServer

    import tensorflow as tf

    version = latest_version(args.model_base_path)
    loaded = tf.saved_model.load(str(version))
    if "serving_default" not in loaded.signatures:
        raise SystemExit(f"{version} has no serving_default signature; TF Serving needs one "
                         f"(Keras's model.export writes it).")
    signature = loaded.signatures["serving_default"]
    if "keras" in sys.modules:  # the point of a SavedModel: TensorFlow alone runs it
        raise SystemExit("loading the SavedModel imported Keras; the server must not need it.")
    _, input_specs = signature.structured_input_signature
    input_names = sorted(input_specs)
    output_names = sorted(signature.structured_outputs)
    name = args.model_name
    status = {"model_version_status": [{"version": version.name, "state": "AVAILABLE",
                                        "status": {"error_code": "OK", "error_message": ""}}]}
    metadata = {"model_spec": {"name": name, "signature_name": "", "version": version.name},
                "metadata": {"signature_def": {"signature_def": {"serving_default": {
                    "inputs": {k: {"dtype": v.dtype.name, "shape": v.shape.as_list()}
                               for k, v in input_specs.items()},
                    "outputs": {k: {"dtype": v.dtype.name, "shape": v.shape.as_list()}
                                for k, v in signature.structured_outputs.items()},
                    "method_name": "tensorflow/serving/predict"}}}}}
    predict_path = re.compile(rf"^/v1/models/{re.escape(name)}(/versions/(\d+))?:predict$")

    def run_predict(body: dict) -> dict:
        if not isinstance(body, dict) or "instances" not in body:
            raise ValueError('the request must be a JSON object with "instances" (row format)')
        sig = body.get("signature_name", "serving_default")
        if sig != "serving_default":
            raise ValueError(f"serving signature name: {sig!r} not found in signature def")
        instances = body["instances"]
        if not isinstance(instances, list) or not instances:
            raise ValueError('"instances" must be a non-empty list')
        if len(input_names) == 1:
            feeds = {input_names[0]: instances}
        else:
            feeds = {k: [inst[k] for inst in instances] for k in input_names}
        tensors = {}
        for k, v in feeds.items():
            try:
                value = np.asarray(v, dtype=input_specs[k].dtype.as_numpy_dtype)
            except (TypeError, ValueError) as err:
                raise ValueError(f"input {k!r}: the instances are not a rectangular array of "
                                 f"numbers ({err})") from None
            if not input_specs[k].shape.is_compatible_with(value.shape):
                raise ValueError(f"input {k!r}: the instances have shape {list(value.shape)}, "
                                 f"the signature expects {input_specs[k].shape.as_list()} (None: "
                                 f"any size)")
            tensors[k] = tf.constant(value)
        out = signature(**tensors)
        if len(output_names) == 1:
            return {"predictions": _tolist(out[output_names[0]])}
        columns = {k: _tolist(out[k]) for k in output_names}
        return {"predictions": [{k: columns[k][i] for k in output_names}
                                for i in range(len(instances))]}

    class Handler(BaseHTTPRequestHandler):
        def _send(self, code: int, payload: dict) -> None:
            body = json.dumps(payload).encode("utf-8")
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):  # noqa: N802 (http.server's name)
            if self.path == f"/v1/models/{name}":
                self._send(200, status)
            elif self.path == f"/v1/models/{name}/metadata":
                self._send(200, metadata)
            else:
                self._send(404, {"error": f"Servable not found for request: {self.path}"})

        def do_POST(self):  # noqa: N802
            match = predict_path.match(self.path)
            if not match:
                self._send(404, {"error": f"Servable not found for request: {self.path}"})
                return
            if match.group(2) and match.group(2) != version.name:
                self._send(404, {"error": f"Servable not found for request: Specific({name}, "
                                          f"{match.group(2)})"})
                return
            try:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length).decode("utf-8"))
                self._send(200, run_predict(body))
            except (ValueError, TypeError, KeyError, tf.errors.InvalidArgumentError) as err:
                self._send(400, {"error": str(err).splitlines()[0] if str(err) else repr(err)})

        def log_message(self, *args):  # quiet: one line per request is noise in a lesson
            pass

    httpd = HTTPServer((LOOPBACK, args.rest_api_port), Handler)
    port = httpd.server_address[1]
    info = {"port": port, "pid": os.getpid(), "version": version.name,
            "inputs": {k: input_specs[k].shape.as_list() for k in input_names},
            "outputs": output_names, "keras_imported": "keras" in sys.modules}
    tmp = Path(args.ready_file).with_suffix(".tmp")
    tmp.write_text(json.dumps(info), encoding="utf-8")
    tmp.replace(args.ready_file)  # atomic: the parent never reads half a file
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    httpd.serve_forever()


if __name__ == "__main__":
    serve_main()
