"""Make any network connection to a non-loopback address fail, with a message that says why.

The companion must run offline: data come from ``data/``, from scikit-learn's bundled sets, or are
generated. Tests install this guard in the pytest process and, through an IPython start-up file,
in every notebook kernel. Loopback stays open because a Jupyter kernel talks to its client over it.
"""

from __future__ import annotations

import ipaddress
import socket

__all__ = ["NetworkBlockedError", "block_network", "unblock_network", "is_blocked"]


class NetworkBlockedError(OSError):
    """Raised when code tries to reach the network while the offline guard is on."""


_original_connect = socket.socket.connect
_original_connect_ex = socket.socket.connect_ex
_original_getaddrinfo = socket.getaddrinfo


def _is_local(host) -> bool:
    if host in (None, "", "localhost"):
        return True
    try:
        addr = ipaddress.ip_address(str(host).split("%")[0])
    except ValueError:
        return False  # a host name other than localhost would need DNS: not local
    return addr.is_loopback or addr.is_unspecified


def _refuse(address) -> None:
    raise NetworkBlockedError(
        f"network access to {address!r} is blocked: the companion runs offline. Use data from "
        "data/, scikit-learn's bundled datasets or helpers.data instead of downloading.")


def _guarded_connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
        _refuse(address)
    return _original_connect(self, address)


def _guarded_connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
        _refuse(address)
    return _original_connect_ex(self, address)


def _guarded_getaddrinfo(host, *args, **kwargs):
    if not _is_local(host if not isinstance(host, bytes) else host.decode()):
        _refuse(host)
    return _original_getaddrinfo(host, *args, **kwargs)


def block_network() -> None:
    """Install the guard (idempotent)."""
    socket.socket.connect = _guarded_connect
    socket.socket.connect_ex = _guarded_connect_ex
    socket.getaddrinfo = _guarded_getaddrinfo


def unblock_network() -> None:
    """Remove the guard."""
    socket.socket.connect = _original_connect
    socket.socket.connect_ex = _original_connect_ex
    socket.getaddrinfo = _original_getaddrinfo


def is_blocked() -> bool:
    return socket.socket.connect is _guarded_connect


_STARTUP_CODE = """\
# Installed by helpers.offline.kernel_ipython_dir(): every kernel started with this IPYTHONDIR
# refuses non-loopback network connections, so a lesson that tries to download fails loudly.
try:
    from helpers.offline import block_network as _block_network
    _block_network()
    del _block_network
except ImportError:  # helpers not installed in this kernel's Python: nothing to guard with
    pass
"""


def kernel_ipython_dir(base) -> str:
    """Create an IPython directory under ``base`` whose start-up file installs the guard.

    Start kernels with ``IPYTHONDIR`` set to the returned path (the tests and ``make run`` do).
    """
    from pathlib import Path

    startup = Path(base) / "profile_default" / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    (startup / "00-offline-guard.py").write_text(_STARTUP_CODE)
    return str(Path(base))
