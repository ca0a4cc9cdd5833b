"""Masking of secret values in everything that leaves the runtime.

Every secret a connection resolves is registered here. Response bytes pass through
:meth:`Redactor.redact_bytes` before anything decodes them: it masks every spelling of a
secret a server can send back, in every character set (see :mod:`.spellings`), so no
decoding or transformation a script applies afterwards can bring a secret back. Error
messages, decoded values and log records pass through :meth:`Redactor.redact` (the
forms a secret takes in text: raw, URL-encoded, base64, JSON- and repr-escaped).
"""

from __future__ import annotations

import base64
import json
import logging
import threading
from typing import Any, Iterable
from urllib.parse import quote, quote_plus

from cloudburst.http.spellings import ByteMasker

__all__ = ["MASK", "LOGGERS", "Redactor", "REDACTOR", "RedactingFilter", "install_log_filter", "basic_token"]

MASK = "••••"


def basic_token(username: str, password: str) -> str:
    """The base64 part of an ``Authorization: Basic`` header."""
    return base64.b64encode(f"{username}:{password}".encode()).decode("ascii")


def _forms(secret: str) -> set[str]:
    """The ways ``secret`` is spelled on the wire, in JSON text a server echoes back, and in
    the ``repr`` of bytes/str that HTTP libraries put in their debug logs."""
    forms = {secret, quote(secret, safe=""), quote_plus(secret, safe=""), quote(secret)}
    forms.add(base64.b64encode(secret.encode()).decode("ascii"))
    forms.add(json.dumps(secret)[1:-1])
    forms.add(json.dumps(secret, ensure_ascii=False)[1:-1])
    forms.add(repr(secret)[1:-1])
    forms.add(repr(secret.encode())[2:-1])
    return {f for f in forms if f}


class Redactor:
    """A thread-safe set of secret strings and the replacement of each by :data:`MASK`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._secrets: tuple[str, ...] = ()
        self._masker = ByteMasker((), MASK)
        #: Secrets already registered (as given), so the per-call registration is a set lookup.
        self._known: frozenset[str] = frozenset()

    def register(self, secrets: Iterable[str | None]) -> None:
        fresh = [s for s in secrets if s and s not in self._known]
        if not fresh:
            return
        new: set[str] = set()
        for s in fresh:
            new |= _forms(s)
        with self._lock:
            self._known = self._known | frozenset(fresh)
            merged = set(self._secrets) | new
            # Longest first, so a secret that contains another is masked whole.
            self._secrets = tuple(sorted(merged, key=len, reverse=True))
            self._masker = self._masker.with_secrets(fresh)

    def register_basic(self, username: str | None, password: str | None) -> None:
        if username is not None and password is not None:
            self.register([f"{username}:{password}", basic_token(username, password)])

    def redact(self, text: str) -> str:
        for s in self._secrets:
            if s in text:
                text = text.replace(s, MASK)
        return text

    def redact_bytes(self, data: bytes) -> bytes:
        """``data`` with every spelling of every secret masked, in the same character set."""
        return self._masker.mask(data)

    def redact_value(self, value: Any) -> Any:
        """Mask secrets inside a Deluge value (text, and keys/values of maps and lists)."""
        from cloudburst.values import DelugeFile, DelugeList, DelugeMap

        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, DelugeMap):
            return DelugeMap((self.redact_value(k), self.redact_value(v)) for k, v in value.items())
        if isinstance(value, DelugeList):
            return DelugeList(self.redact_value(v) for v in value)
        if isinstance(value, DelugeFile):
            clean = DelugeFile(self.redact(value.name), self.redact_bytes(value.content), value.content_type)
            clean.param_name = value.param_name
            return clean
        return value

    def __bool__(self) -> bool:
        return bool(self._secrets)


#: The process-wide redactor: a secret resolved by any runtime in this process is masked
#: everywhere (log handlers are process-wide too).
REDACTOR = Redactor()


class RedactingFilter(logging.Filter):
    """Rewrites a record's message (and exception text) with every secret masked."""

    def __init__(self, redactor: Redactor = REDACTOR) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.redactor:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the raw text, still masked
            message = str(record.msg)
        record.msg = self.redactor.redact(message)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = self.redactor.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


_INSTALLED: set[str] = set()


#: Every logger that can see a request or response: ours, httpx2's, and httpcore2's per-module
#: loggers (at DEBUG they print response headers, where servers reflect credentials).
LOGGERS = ("cloudburst", "cloudburst.http", "httpx2", "httpcore2", "httpcore2.connection", "httpcore2.http11",
           "httpcore2.http2", "httpcore2.proxy", "httpcore2.socks")


def install_log_filter(names: Iterable[str] = LOGGERS) -> None:
    """Attach one :class:`RedactingFilter` to each named logger (idempotent).

    A logger's filters do not see records that propagate up from child loggers, so each
    emitting logger is listed, and a host that configures handlers should also add
    ``RedactingFilter()`` to each handler.
    """
    for name in names:
        if name not in _INSTALLED:
            logging.getLogger(name).addFilter(RedactingFilter())
            _INSTALLED.add(name)
