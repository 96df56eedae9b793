"""The offline guard: any attempt to reach the network fails at once, with a message that says why.

The companion must run offline: data come from ``data/``, from scikit-learn's bundled sets, or are
generated. Two layers make sure, and the tests prove each one:

1. **A network namespace** with only loopback (``unshare -rn``), where the platform allows it:
   ``make test`` and ``make run`` start under ``scripts/offline_exec.sh``, so nothing at all, not a
   ``!curl`` in a notebook, not a C library, can leave the machine.
2. **A Python guard** (this module), everywhere, also as the fallback where namespaces are not
   available. It is a ``sys.addaudithook`` hook, so it sees what monkeypatching ``socket`` would miss:
   raw ``_socket`` connects, UDP ``sendto``/``sendmsg``, DNS look-ups (``getaddrinfo``,
   ``gethostbyname``...), and shell commands that download (``curl``, ``wget``, ``pip install``,
   ``git clone``...) started through ``subprocess``, ``os.system``, ``!cmd`` or ``%%bash``.
   :func:`child_environment` writes a ``sitecustomize.py`` that child Pythons (Jupyter kernels,
   ``subprocess`` and multiprocessing "spawn" children) run at start-up, so they are guarded too; if
   the guard cannot be installed there, that Python refuses to start (a loud failure, never a silent
   hole).

Loopback stays open: a Jupyter kernel talks to its client over it, and lesson 18's workers do.
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
import sys
from pathlib import Path

__all__ = ["NetworkBlockedError", "block_network", "unblock_network", "is_blocked",
           "child_environment", "refused_command", "ENV_FLAG"]

#: Set in the environment of every guarded child process.
ENV_FLAG = "COMPANION_OFFLINE"


class NetworkBlockedError(OSError):
    """Raised when code tries to reach the network while the offline guard is on."""


_state = {"active": False, "hooked": False}

# Shell commands that fetch from the network. Matched at a command position in a shell line.
_DOWNLOADERS = re.compile(
    r"(?:^|[\s;&|(`/])(curl|wget|aria2c|apt(?:-get)?\s+(?:install|update)|conda\s+install|"
    r"(?:uv\s+)?pip3?\s+(?:install|download)|-m\s+pip\s+(?:install|download)|"
    r"git\s+(?:clone|fetch|pull|ls-remote)|huggingface-cli\s+download)\b")


def _is_local_host(host) -> bool:
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    if host in (None, "", "localhost", "localhost.localdomain", "ip6-localhost"):
        return True
    if isinstance(host, int):  # gethostbyaddr on a packed address: treat as remote
        return False
    try:
        addr = ipaddress.ip_address(str(host).split("%")[0])
    except ValueError:
        return False  # any other host name would need DNS: not local
    return addr.is_loopback or addr.is_unspecified


def _refuse(what) -> None:
    raise NetworkBlockedError(
        f"network access to {what!r} is blocked: the companion runs offline. Use data from "
        "data/, scikit-learn's bundled datasets or helpers.data instead of downloading.")


def refused_command(command) -> str | None:
    """The downloading tool a shell command would run (``'curl'``...), or ``None``."""
    if isinstance(command, list | tuple):
        command = " ".join(os.fsdecode(c) if isinstance(c, bytes | os.PathLike) else str(c)
                           for c in command)
    elif isinstance(command, bytes | os.PathLike):
        command = os.fsdecode(command)
    match = _DOWNLOADERS.search(str(command))
    return match.group(1) if match else None


def _address_of(family, address):
    if family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple) and address:
        return address[0]
    return None


def _audit(event: str, args) -> None:
    if not _state["active"]:
        return
    if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
        sock, address = args[0], args[1]
        if event == "socket.sendmsg" and address is None:
            return  # sendmsg on a connected socket: its connect was already checked
        host = _address_of(getattr(sock, "family", None), address)
        if host is not None and not _is_local_host(host):
            _refuse(address)
    elif event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr",
                   "socket.getnameinfo"):
        host = args[0]
        if event == "socket.getnameinfo" and isinstance(host, tuple):
            host = host[0]
        if not _is_local_host(host):
            _refuse(host)
    elif event in ("subprocess.Popen", "os.system", "os.posix_spawn", "os.exec", "os.spawn"):
        command = {"os.system": 0, "os.spawn": 2}.get(event, 1)
        command = args[command]
        tool = refused_command(command)
        if tool:
            raise NetworkBlockedError(
                f"running {tool!r} is blocked: the companion runs offline and nothing downloads "
                "at run time. Everything a lesson needs is installed by `make venv` or ships in "
                "data/.")


def block_network() -> None:
    """Install the guard in this process (idempotent; audit hooks cannot be removed, only paused)."""
    if not _state["hooked"]:
        sys.addaudithook(_audit)
        _state["hooked"] = True
    _state["active"] = True


def unblock_network() -> None:
    """Pause the guard in this process (children started with :func:`child_environment` keep it)."""
    _state["active"] = False


def is_blocked() -> bool:
    return _state["active"]


_SITECUSTOMIZE = """\
# Written by tools.offline.child_environment(): every Python started with this directory on
# PYTHONPATH installs the companion's offline guard before anything else runs.
import importlib.util as _util
import sys as _sys

try:
    _spec = _util.spec_from_file_location("_companion_offline", {path!r})
    _guard = _util.module_from_spec(_spec)
    _sys.modules["_companion_offline"] = _guard
    _spec.loader.exec_module(_guard)
    _guard.block_network()
except BaseException as _err:  # never run unguarded: refuse to start instead
    raise SystemExit("companion offline guard could not be installed in this Python "
                     f"({{_sys.executable}}): {{_err!r}}")
"""


_SHELL_CELL = re.compile(r"^\s*%%(bash|sh|script|system)\b")


def _refuse_shell_cells(lines: list[str]) -> list[str]:
    """IPython input transformer: a ``!cmd`` line or a ``%%bash`` cell that downloads fails.

    A ``%%bash`` cell sends its script to the shell on standard input, where no audit hook sees
    it; so the cell is read before it runs.
    """
    if not _state["active"]:
        return lines
    shell = bool(lines) and _SHELL_CELL.match(lines[0])
    for line in lines:
        text = line.strip()
        if (shell or text.startswith("!") or "%system" in text or "%sx" in text) \
                and (tool := refused_command(text.lstrip("!"))):
            raise NetworkBlockedError(
                f"running {tool!r} is blocked: the companion runs offline and nothing downloads "
                "at run time.")
    return lines


def guard_ipython(shell) -> None:
    """Make an IPython shell (a Jupyter kernel) refuse shell escapes and cells that download."""
    if _refuse_shell_cells not in shell.input_transformers_cleanup:
        shell.input_transformers_cleanup.insert(0, _refuse_shell_cells)


_IPYTHON_STARTUP = """\
# Written by tools.offline.child_environment(): this kernel refuses `!curl` and `%%bash` downloads.
import sys as _sys

_guard = _sys.modules.get("_companion_offline")
if _guard is None:
    raise SystemExit("companion offline guard missing in this kernel: sitecustomize did not run")
_guard.guard_ipython(get_ipython())
"""


def child_environment(base, environ: dict | None = None) -> dict:
    """Environment variables that guard every child Python, written under the folder ``base``.

    Returns a copy of ``environ`` (default ``os.environ``) with ``PYTHONPATH`` starting with a
    folder that holds the guard's ``sitecustomize.py``, and ``COMPANION_OFFLINE=1``. Jupyter kernels,
    ``subprocess`` and multiprocessing children started with it install the guard at start-up, and
    ``IPYTHONDIR`` points to a profile whose start-up file guards shell escapes in kernels.
    """
    site_dir = Path(base) / "offline-site"
    site_dir.mkdir(parents=True, exist_ok=True)
    (site_dir / "sitecustomize.py").write_text(
        _SITECUSTOMIZE.format(path=str(Path(__file__).resolve())), encoding="utf-8")
    startup = Path(base) / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    (startup / "00-offline-guard.py").write_text(_IPYTHON_STARTUP, encoding="utf-8")
    env = dict(os.environ if environ is None else environ)
    env["IPYTHONDIR"] = str(Path(base) / "ipython")
    parts = [str(site_dir)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(parts))
    env[ENV_FLAG] = "1"
    return env


def guard_children(base) -> None:
    """Set :func:`child_environment`'s variables in this process, so every child inherits them."""
    os.environ.update(child_environment(base))


# A Python started with child_environment() installed the guard from sitecustomize, before any
# package could be imported, under the name `_companion_offline`. Be that same module, so there is
# one guard and one NetworkBlockedError class in the process, not two.
if __name__ != "_companion_offline" and "_companion_offline" in sys.modules:
    sys.modules[__name__] = sys.modules["_companion_offline"]
