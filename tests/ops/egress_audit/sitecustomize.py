"""Loaded by every Python process of a deployment under test (this folder is on its PYTHONPATH).

Records each network destination the process resolves or connects to, once, in the file named by
EGRESS_AUDIT_FILE, through Python's audit hooks (PEP 578): every socket opened from Python code, whatever
library opens it. tests/ops/test_privacy.py checks that all of them are on this machine.
"""

import os
import sys

_AUDIT_FILE = os.environ.get("EGRESS_AUDIT_FILE")
_seen = set()


def _record(line: str) -> None:
    if line in _seen:
        return
    _seen.add(line)
    descriptor = os.open(_AUDIT_FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, f"{os.getpid()} {line}\n".encode("utf-8", "replace"))
    finally:
        os.close(descriptor)


def _hook(event: str, args: tuple) -> None:
    if event == "socket.connect":
        address = args[1]
        if isinstance(address, tuple):
            _record(f"connect {address[0]} {address[1]}")
    elif event == "socket.getaddrinfo":
        _record(f"resolve {args[0]} {args[1]}")


if _AUDIT_FILE:
    sys.addaudithook(_hook)
