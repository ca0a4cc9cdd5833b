"""The console's admin password: chosen on first start (through a one-time setup code that
``serve`` prints), kept in the store only as a salted scrypt hash, checked in constant time,
with failed attempts slowed down."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from collections import deque

from cloudburst.connectors.models import StoreMeta
from cloudburst.workflows.store import WorkflowStore

__all__ = ["AdminPassword", "MIN_LENGTH", "PasswordRejected"]

MIN_LENGTH = 10
_KEY = "console_admin_password"
_N, _R, _P = 2**14, 8, 1
#: At most this many wrong passwords a minute (for everyone together: one admin).
_MAX_FAILURES = 10


class PasswordRejected(ValueError):
    """The chosen password does not meet the rules (the message says which)."""


def _hash(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class AdminPassword:
    """The admin password of the console over ``store``; ``setup_code`` allows the first choice."""

    def __init__(self, store: WorkflowStore, setup_code: str | None = None) -> None:
        self._store = store
        self.setup_code = setup_code or secrets.token_urlsafe(18)
        self._failures: deque[float] = deque()
        self._lock = threading.Lock()

    def is_set(self) -> bool:
        with self._store.tx() as s:
            return s.get(StoreMeta, _KEY) is not None

    def set(self, password: str) -> None:
        """Store ``password`` (hashed); replaces any earlier one."""
        if len(password) < MIN_LENGTH:
            raise PasswordRejected(f"must be at least {MIN_LENGTH} characters long")
        if password.strip() != password:
            raise PasswordRejected("must not start or end with spaces")
        salt = secrets.token_bytes(16)
        record = f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(_hash(password, salt, _N, _R, _P))}"
        with self._store.tx() as s:
            row = s.get(StoreMeta, _KEY)
            if row is None:
                s.add(StoreMeta(key=_KEY, value=record))
            else:
                row.value = record

    def clear(self) -> None:
        """Forget the password: the next start asks for a new one through the setup code."""
        with self._store.tx() as s:
            row = s.get(StoreMeta, _KEY)
            if row is not None:
                s.delete(row)

    def setup_code_matches(self, code: object) -> bool:
        return isinstance(code, str) and hmac.compare_digest(code.encode(), self.setup_code.encode())

    def throttled(self) -> bool:
        """True while too many wrong passwords were tried within the last minute."""
        with self._lock:
            cutoff = time.monotonic() - 60
            while self._failures and self._failures[0] < cutoff:
                self._failures.popleft()
            return len(self._failures) >= _MAX_FAILURES

    def check(self, password: str) -> bool:
        with self._store.tx() as s:
            row = s.get(StoreMeta, _KEY)
            record = row.value if row is not None else None
        ok = False
        if record is not None:
            _, n, r, p, salt, digest = record.split("$")
            candidate = _hash(password, base64.b64decode(salt), int(n), int(r), int(p))
            ok = hmac.compare_digest(candidate, base64.b64decode(digest))
        if not ok:
            with self._lock:
                self._failures.append(time.monotonic())
        return ok
