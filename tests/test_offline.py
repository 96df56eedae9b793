"""The companion runs offline: nothing reaches for a download, and the guard makes sure.

Each way out has a test that fails without the guard: it expects the guard's own
``NetworkBlockedError`` (a connection that merely fails or times out raises something else).
"""

import json
import multiprocessing
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tools import offline

ROOT = Path(__file__).resolve().parent.parent
REMOTE = ("203.0.113.1", 80)  # TEST-NET-3: documentation addresses, never routed
# What would download at run time: Keras's dataset/weights fetchers, hubs, scikit-learn's fetch_*,
# HTTP clients, URLs handed to readers, shell downloaders and installs from a notebook.
DOWNLOADS = re.compile(
    r"keras\.datasets|get_file\s*\(|tensorflow_hub|hub\.(load|KerasLayer)|tfds\.load|"
    r"weights\s*=\s*['\"]imagenet|fetch_[a-z0-9_]+\s*\(|urlopen\s*\(|urlretrieve|"
    r"\bimport\s+(requests|httpx)\b|\bfrom\s+(requests|httpx)\b|"
    r"\b(requests|httpx)\.(get|post|put|head|request|stream|Client|Session)\b|"
    r"\bload_dataset\s*\(|\(\s*[rbf]?['\"](https?|ftp)://|"
    r"keras\.applications\.\w+\((?![^)]*weights\s*=\s*None)[^)]*\)|"
    r"^\s*!.*\b(wget|curl|pip3?\s+install|uv\s+pip\s+install|git\s+clone)\b|^\s*%\s*(pip|conda)\b",
    re.M)


def _sources():
    yield from sorted((ROOT / "helpers").glob("*.py"))
    yield from sorted((ROOT / "notebooks").glob("*.ipynb"))
    yield from sorted((ROOT / "scripts").glob("*.py"))


def find_downloads(text: str) -> list[str]:
    return [m.group(0) for m in DOWNLOADS.finditer(text)]


def code_of(path: Path) -> str:
    """The code in a file: for a notebook, its code cells (prose may name what we avoid)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".ipynb":
        return text
    cells = json.loads(text)["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


@pytest.mark.parametrize("path", list(_sources()), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_source_reaches_for_a_download(path):
    hits = find_downloads(code_of(path))
    assert not hits, f"{path.relative_to(ROOT)} would download at run time: {hits}"


@pytest.mark.parametrize("code", [
    "keras.datasets.mnist.load_data()", "keras.utils.get_file('x', url)",
    "keras.applications.MobileNetV2(weights='imagenet')",
    "keras.applications.MobileNetV2(include_top=False)",  # the default weights download
    "sklearn.datasets.fetch_openml('mnist_784')", "urllib.request.urlopen(u)",
    "pd.read_csv('https://example.com/x.csv')", "np.loadtxt(\"http://example.com/x.txt\")",
    "!wget https://example.com/x.zip", "!curl -O https://example.com/x", "%pip install tqdm",
    "!pip install tqdm", "import requests", "requests.get(u)", "import httpx", "httpx.get(u)",
    "from datasets import load_dataset\nds = load_dataset('mnist')",
])
def test_the_scanner_catches_downloads(code):
    assert find_downloads(code), code


@pytest.mark.parametrize("code", [
    "keras.applications.MobileNetV2(weights=None, input_shape=(32, 32, 3))",
    "pd.read_csv(path)", "from helpers.data import digits_split", "# see https://keras.io",
])
def test_the_scanner_lets_offline_code_pass(code):
    assert not find_downloads(code), code


def test_guard_is_on_and_loopback_works():
    assert offline.is_blocked()  # installed by conftest.py for the whole test session
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.create_connection(server.getsockname(), timeout=1)  # loopback still works
    client.close()
    server.close()
    assert socket.getaddrinfo("localhost", 80)


def test_guard_blocks_tcp_connect():
    with pytest.raises(offline.NetworkBlockedError, match="offline"):
        socket.create_connection(REMOTE, timeout=1)


def test_guard_blocks_raw_socket_module():
    import _socket

    sock = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
    try:
        with pytest.raises(offline.NetworkBlockedError):
            sock.connect(REMOTE)
        with pytest.raises(offline.NetworkBlockedError):
            sock.connect_ex(REMOTE)
    finally:
        sock.close()


def test_guard_blocks_udp_sendto_and_sendmsg():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        with pytest.raises(offline.NetworkBlockedError):
            sock.sendto(b"x", ("198.51.100.7", 53))
        with pytest.raises(offline.NetworkBlockedError):
            sock.sendmsg([b"x"], [], 0, ("198.51.100.7", 53))
    finally:
        sock.close()


@pytest.mark.parametrize("lookup", [
    lambda: socket.getaddrinfo("example.com", 443), lambda: socket.gethostbyname("example.com"),
    lambda: socket.gethostbyname_ex("example.com"), lambda: socket.gethostbyaddr("203.0.113.1"),
])
def test_guard_blocks_dns_lookups(lookup):
    with pytest.raises(offline.NetworkBlockedError):
        lookup()


@pytest.mark.parametrize("command, shell", [
    (["curl", "-sS", "https://example.com"], False), ("wget -q https://example.com", True),
    ([sys.executable, "-m", "pip", "install", "tqdm"], False), ("git clone https://x/y.git", True),
])
def test_guard_refuses_download_tools_in_subprocesses(command, shell):
    with pytest.raises(offline.NetworkBlockedError, match="offline"):
        subprocess.run(command, shell=shell, capture_output=True, timeout=10)
    with pytest.raises(offline.NetworkBlockedError):
        os.system(command if shell else " ".join(command))


def test_guard_lets_ordinary_subprocesses_run():
    result = subprocess.run([sys.executable, "-c", "print('hi')"], capture_output=True, text=True)
    assert result.stdout.strip() == "hi"


_CONNECT = ("import socket\ntry:\n    socket.create_connection(('203.0.113.1', 80), timeout=1)\n"
            "    print('CONNECTED')\nexcept OSError as e:\n    print(type(e).__name__)")


def test_child_pythons_inherit_the_guard():
    assert os.environ.get(offline.ENV_FLAG) == "1"
    result = subprocess.run([sys.executable, "-c", _CONNECT], capture_output=True, text=True,
                            timeout=60)
    assert result.stdout.strip() == "NetworkBlockedError", result.stdout + result.stderr


def _try_connect(queue):
    try:
        socket.create_connection(REMOTE, timeout=1)
        queue.put("CONNECTED")
    except OSError as err:
        queue.put(type(err).__name__)


def test_multiprocessing_spawn_children_inherit_the_guard():
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_try_connect, args=(queue,))
    proc.start()
    proc.join(60)
    assert queue.get(timeout=5) == "NetworkBlockedError"


def test_a_guard_that_cannot_be_installed_is_loud(tmp_path):
    env = offline.child_environment(tmp_path)
    site = tmp_path / "offline-site" / "sitecustomize.py"
    site.write_text(site.read_text().replace("offline.py", "missing_offline.py"))
    result = subprocess.run([sys.executable, "-c", "print('ran unguarded')"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "ran unguarded" not in result.stdout
    assert "offline guard could not be installed" in result.stderr


@pytest.mark.skipif(os.environ.get("COMPANION_NETNS") != "1",
                    reason="not inside the loopback-only network namespace (unshare unavailable)")
def test_namespace_has_no_route_out_even_for_unguarded_code():
    # -I: isolated mode ignores PYTHONPATH, so this child has no Python guard at all
    code = ("import socket\ntry:\n    socket.create_connection(('203.0.113.1', 80), timeout=2)\n"
            "    print('CONNECTED')\nexcept OSError as e:\n    print('unreachable', e.errno)")
    result = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True,
                            timeout=30)
    assert result.stdout.startswith("unreachable"), result.stdout + result.stderr


def _kernel_run(*cells: str) -> list[str]:
    """Run cells in a fresh kernel (as nbval does); each cell's printed text and error."""
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")
    try:
        texts = []
        for code in cells:
            outputs = []
            kc.execute_interactive(code, timeout=60, output_hook=outputs.append)
            texts.append("".join(m["content"].get("text", "") + m["content"].get("ename", "")
                                 + ": " * (m["msg_type"] == "error") + m["content"].get("evalue", "")
                                 for m in outputs if m["msg_type"] in ("stream", "error")))
        return texts
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_notebook_kernels_are_guarded_for_python_and_shell_escapes():
    """A kernel started the way nbval starts them refuses a connection, `!curl` and `%%bash`."""
    python, bang, magic, fine = _kernel_run(_CONNECT, "!curl -sS https://example.com",
                                            "%%bash\nwget -q https://example.com", "!echo fine")
    assert python.strip() == "NetworkBlockedError", python
    assert "NetworkBlockedError" in bang and "'curl' is blocked" in bang, bang
    assert "NetworkBlockedError" in magic and "'wget' is blocked" in magic, magic
    assert fine.strip() == "fine", fine
