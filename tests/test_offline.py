"""The companion runs offline: nothing reaches for a download, and the guard makes sure."""

import json
import re
import socket
from pathlib import Path

import pytest

from helpers import offline

ROOT = Path(__file__).resolve().parent.parent
# What would download at run time: Keras's dataset/weights fetchers, hubs, scikit-learn's fetch_*.
DOWNLOADS = re.compile(r"keras\.datasets|get_file\s*\(|tensorflow_hub|hub\.(load|KerasLayer)|"
                       r"tfds\.load|weights\s*=\s*['\"]imagenet|fetch_[a-z0-9_]+\s*\(|urlopen\s*\(|"
                       r"requests\.get\s*\(|urlretrieve")


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


def test_the_scanner_catches_downloads():
    # so the test above cannot pass by matching nothing
    for code in ["keras.datasets.mnist.load_data()", "keras.utils.get_file('x', url)",
                 "keras.applications.MobileNetV2(weights='imagenet')",
                 "sklearn.datasets.fetch_openml('mnist_784')", "urllib.request.urlopen(u)"]:
        assert find_downloads(code), code


def test_guard_blocks_remote_and_allows_loopback():
    assert offline.is_blocked()  # installed by conftest.py for the whole test session
    with pytest.raises(offline.NetworkBlockedError, match="offline"):
        socket.create_connection(("203.0.113.1", 80), timeout=1)  # TEST-NET-3, never routed
    with pytest.raises(offline.NetworkBlockedError):
        socket.getaddrinfo("example.com", 443)
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.create_connection(server.getsockname(), timeout=1)  # loopback still works
    client.close()
    server.close()


def test_guard_is_installed_in_notebook_kernels(tmp_path):
    """A kernel started the way nbval starts them refuses a remote connection."""
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")
    try:
        code = ("import socket\n"
                "try:\n    socket.create_connection(('203.0.113.1', 80), timeout=1)\n"
                "    print('CONNECTED')\n"
                "except OSError as e:\n    print(type(e).__name__, e)")
        outputs = []
        kc.execute_interactive(code, timeout=60, output_hook=lambda m: outputs.append(m))
        text = "".join(m["content"].get("text", "") for m in outputs if m["msg_type"] == "stream")
        assert "NetworkBlockedError" in text, text
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
