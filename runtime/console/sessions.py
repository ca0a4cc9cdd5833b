"""Console sessions, kept in this process's memory: the cookie holds only a random id, so
nothing a browser sends can forge a login, and a restart of ``serve`` logs everyone out.

The cookie is HttpOnly and SameSite=Lax (Strict would drop it on the provider's redirect back
to the OAuth callback, where the ``state`` must be checked against this session); on https
it is also Secure and carries the ``__Host-`` prefix. Every POST needs the session's CSRF token.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

__all__ = ["Session", "Sessions", "COOKIE"]

COOKIE = "cloudburst_console"
_SECURE_COOKIE = "__Host-" + COOKIE
#: A session unused this long is forgotten (and must log in again).
IDLE_SECONDS = 12 * 3600
#: Anonymous visitors get a session too (for the login form's CSRF token); at most this many live.
MAX_SESSIONS = 5000


@dataclass
class Session:
    id: str
    csrf: str
    logged_in: bool = False
    #: Messages shown once on the next page: (kind, text), kind is "ok" or "error".
    flashes: list[tuple[str, str]] = field(default_factory=list)
    #: OAuth authorizations started in this session, by their ``state`` value.
    oauth: dict[str, Any] = field(default_factory=dict)
    used: float = field(default_factory=time.monotonic)

    def csrf_matches(self, token: object) -> bool:
        return isinstance(token, str) and hmac.compare_digest(token.encode(), self.csrf.encode())

    def flash(self, text: str, kind: str = "ok") -> None:
        self.flashes.append((kind, text))

    def take_flashes(self) -> list[tuple[str, str]]:
        shown, self.flashes = self.flashes, []
        return shown


class Sessions:
    """Sessions by id, oldest forgotten first when there are too many."""

    def __init__(self) -> None:
        self._by_id: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()

    def load(self, request: Request) -> Session:
        """The request's session, or a new anonymous one (sent back by :meth:`attach`)."""
        sid = request.cookies.get(_SECURE_COOKIE) or request.cookies.get(COOKIE)
        now = time.monotonic()
        with self._lock:
            session = self._by_id.get(sid) if sid else None
            if session is not None and now - session.used > IDLE_SECONDS:
                del self._by_id[session.id]
                session = None
            if session is None:
                session = self._new()
            session.used = now
            self._by_id.move_to_end(session.id)
            return session

    def rotate(self, session: Session) -> Session:
        """A fresh id and CSRF token for the same session (at login, against session fixation)."""
        with self._lock:
            self._by_id.pop(session.id, None)
            fresh = self._new()
            fresh.flashes, fresh.oauth = session.flashes, session.oauth
            return fresh

    def fresh(self) -> Session:
        with self._lock:
            return self._new()

    def end(self, session: Session) -> None:
        with self._lock:
            self._by_id.pop(session.id, None)

    def _new(self) -> Session:
        while len(self._by_id) >= MAX_SESSIONS:
            self._by_id.popitem(last=False)
        session = Session(id=secrets.token_urlsafe(32), csrf=secrets.token_urlsafe(32))
        self._by_id[session.id] = session
        return session

    @staticmethod
    def attach(response: Response, session: Session, *, https: bool) -> None:
        response.set_cookie(_SECURE_COOKIE if https else COOKIE, session.id, path="/", httponly=True,
                            secure=https, samesite="lax")
