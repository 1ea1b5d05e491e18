"""Which Python runs inside the code sandbox, and as which host user the sandbox is started.

Run as root, rewardkit starts bubblewrap as an unprivileged host uid (65534, "nobody", unless configured): the
user namespace is then created by that uid, every sandboxed process is that uid on the host, and RLIMIT_NPROC
binds (the kernel exempts host root from it, even inside a user namespace with no capabilities). Run as any
other user, the sandbox keeps that user, which is unprivileged already.

That uid must be able to execute the interpreter and load its standard library. A pyenv or virtualenv Python
under /root (mode 0700) is out of its reach, so the interpreter is chosen by running a probe as that uid: the
configured one, else the current interpreter, else a system python3 (same minor version first) found on PATH
or in /usr/bin. The runner needs only the standard library of Python >= 3.10.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass

DEFAULT_UID = 65534  # "nobody"
MIN_VERSION = (3, 10)
# Imports exactly the extension modules the runner needs, so a missing or unreadable one fails here, not later.
_PROBE = ("import _ctypes, _json, json, os, resource, select, sys, sysconfig\n"
          "print(json.dumps({'version': list(sys.version_info[:2]), 'executable': sys.executable,"
          " 'stdlib': os.path.dirname(os.__file__),"
          " 'dynload': sysconfig.get_config_var('DESTSHARED') or os.path.dirname(_ctypes.__file__)}))")


class InterpreterError(OSError):
    """No interpreter that the sandbox uid can run: the sandbox cannot start (an infrastructure error)."""


@dataclass(frozen=True)
class Interpreter:
    """A Python usable inside the sandbox: its real binary, standard library and extension-module directory."""

    executable: str
    version: tuple[int, int]
    stdlib: str
    dynload: str


def sandbox_user(uid: int | None = None) -> tuple[int, int] | None:
    """(uid, gid) to start the sandbox as when this process is root; None otherwise (keep the current user).
    The gid is the same number as the uid (65534 is "nogroup" on Debian)."""
    if os.geteuid() != 0:
        return None
    uid = DEFAULT_UID if uid is None else uid
    return uid, uid


def _probe(executable: str, user: tuple[int, int] | None) -> Interpreter | str:
    """The interpreter as seen by `user`, or why that user cannot use it."""
    as_user = {"user": user[0], "group": user[1], "extra_groups": []} if user else {}
    try:
        done = subprocess.run([executable, "-I", "-S", "-c", _PROBE], capture_output=True, text=True, timeout=60,
                              cwd="/", env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}, check=False, **as_user)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"cannot run it: {exc}"
    if done.returncode != 0:
        return f"it failed: {(done.stderr.strip().splitlines() or [f'exit {done.returncode}'])[-1]}"
    try:
        info = json.loads(done.stdout)
        version = (int(info["version"][0]), int(info["version"][1]))
    except (ValueError, KeyError, TypeError, IndexError):
        return f"unexpected probe output {done.stdout[:200]!r}"
    if version < MIN_VERSION:
        return f"Python {version[0]}.{version[1]} is older than the runner's minimum {MIN_VERSION[0]}.{MIN_VERSION[1]}"
    # the binary itself, should `executable` be a wrapper (a pyenv shim) that starts it
    return Interpreter(os.path.realpath(info["executable"] or executable), version, info["stdlib"], info["dynload"])


def _candidates() -> list[str]:
    """The current interpreter, then system Pythons: the same minor version first, then any python3."""
    names = (f"python{sys.version_info[0]}.{sys.version_info[1]}", "python3")
    paths = [sys.executable]
    for name in names:
        paths += [shutil.which(name) or "", f"/usr/bin/{name}"]
    unique: list[str] = []
    for path in paths:
        real = os.path.realpath(path) if path else ""
        if real and real not in unique and os.path.isfile(real):
            unique.append(real)
    return unique


@functools.lru_cache(maxsize=8)
def find(python: str | None = None, user: tuple[int, int] | None = None) -> Interpreter:
    """The sandbox interpreter: `python` if given, else the first usable candidate. Raises InterpreterError."""
    who = f"uid {user[0]}" if user else f"the current user (uid {os.geteuid()})"
    tried = [python] if python else _candidates()
    reasons = []
    for path in tried:
        real = os.path.realpath(shutil.which(path) or path)
        found = _probe(real, user)
        if isinstance(found, Interpreter):
            return found
        reasons.append(f"{real}: {found}")
    hint = ("install a system Python (apt-get install python3-minimal), or set the code scorer's `python` to an "
            "interpreter that this uid can execute and whose standard library it can read (not under a 0700 "
            "directory such as /root)")
    if user:
        hint += ", or set `sandbox_uid` to a uid that can"
    raise InterpreterError(f"no Python >= {MIN_VERSION[0]}.{MIN_VERSION[1]} usable by {who} for the code sandbox "
                           f"({'; '.join(reasons) or 'no candidate found'}): {hint}")

