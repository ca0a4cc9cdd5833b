"""What every console page shares: the template environment, the session, the login gate, the
CSRF check and the security headers, wrapped around a page handler by :meth:`Console.page`.

A handler is a plain (synchronous) function ``handler(page: Page) -> Response``; it runs in a
worker thread, so it may call the store directly. ``page.form`` holds the POSTed form, already
checked against the session's CSRF token.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from cloudburst.console.admin_password import AdminPassword
from cloudburst.errors import CloudburstError
from cloudburst.console.sessions import Session, Sessions

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send

    from cloudburst.connectors.service import ConnectorService
    from cloudburst.server.state import ServerState

__all__ = ["Console", "Page", "NAV", "SECURITY_HEADERS", "SecureHeaders"]

log = logging.getLogger("cloudburst.console")

#: The sections of the navigation bar: (path, label).
NAV = (("/connectors", "Connectors"), ("/connections", "Connections"), ("/functions", "Functions"),
       ("/schedules", "Schedules"), ("/webhooks", "Webhooks"), ("/runs", "Runs"))

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}
_LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


def _host_name(request: Request) -> str:
    host = request.headers.get("host", "")
    if host.startswith("["):
        return host[: host.find("]") + 1]
    return host.rsplit(":", 1)[0]


class SecureHeaders:
    """ASGI wrapper adding :data:`SECURITY_HEADERS` to every answer of ``app`` (static files)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_secured(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_secured)


@dataclass
class Page:
    """One request to a console page, as its handler sees it."""

    console: Console
    request: Request
    session: Session
    form: FormData | None

    @property
    def params(self) -> Mapping[str, Any]:
        return self.request.path_params

    def field(self, name: str, default: str = "") -> str:
        """A text field of the POSTed form (stripped of surrounding spaces)."""
        value = self.form.get(name) if self.form is not None else None
        return value.strip() if isinstance(value, str) else default

    def render(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        return self.console.render(self, template, status, **context)

    def redirect(self, url: str, flash: str | None = None, kind: str = "ok") -> RedirectResponse:
        """303 See Other to ``url`` (after a POST), with a message shown on the next page."""
        if flash:
            self.session.flash(flash, kind)
        return RedirectResponse(url, status_code=303)

    def log_in(self) -> None:
        """Mark the session logged in, under a fresh id and CSRF token."""
        self.session = self.console.sessions.rotate(self.session)
        self.session.logged_in = True

    def log_out(self) -> None:
        """Forget the session (and its pending authorizations); an anonymous one replaces it."""
        self.console.sessions.end(self.session)
        self.session = self.console.sessions.fresh()

    def base_url(self) -> str:
        """This console's address as the browser reached it (for OAuth redirect URIs)."""
        return str(self.request.base_url).rstrip("/")


Handler = Callable[[Page], Response]


class Console:
    """The console of one server: settings, templates, sessions, the admin password."""

    def __init__(self, state: ServerState, *, allow_remote: bool = False, setup_code: str | None = None) -> None:
        self.state = state
        self.allow_remote = allow_remote
        self.sessions = Sessions()
        self.admin = AdminPassword(state.workflows.store, setup_code)
        self.templates = Environment(loader=PackageLoader("cloudburst.console", "templates"),
                                     autoescape=select_autoescape(default=True, default_for_string=True),
                                     undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        self._service: ConnectorService | None = None
        self._service_lock = threading.Lock()

    @property
    def service(self) -> ConnectorService:
        """The connector store (the same service calls and rules as the CLI)."""
        with self._service_lock:
            if self._service is None:
                from cloudburst.connectors.service import ConnectorService

                wf = self.state.workflows
                self._service = ConnectorService(wf.store.database_url, secret_keys=wf.secret_keys)
            return self._service

    def close(self) -> None:
        if self._service is not None:
            self._service.close()

    def first_start_path(self) -> str | None:
        """Where the admin password is chosen, while none is set (``serve`` prints it)."""
        return None if self.admin.is_set() else f"/setup?code={quote(self.admin.setup_code)}"

    def render(self, page: Page, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        path = page.request.url.path
        body = self.templates.get_template(template).render(
            nav=NAV, nav_current=next((p for p, _ in NAV if path == p or path.startswith(p + "/")), None),
            csrf_token=page.session.csrf, logged_in=page.session.logged_in,
            flashes=page.session.take_flashes(), **context)
        return HTMLResponse(body, status)

    def not_found_page(self) -> Callable[[Request], Any]:
        """The console's answer to a browser asking for a path nothing serves."""
        return self.page(lambda page: page.render("message.html", 404, title="Not found",
                                                  message=f"There is no page at {page.request.url.path}."),
                         public=True)

    def page(self, handler: Handler, *, public: bool = False) -> Callable[[Request], Any]:
        """The endpoint for ``handler``: host check, session, CSRF on POST, login unless
        ``public``, then security headers and the session cookie on the answer."""

        async def endpoint(request: Request) -> Response:
            if not self.allow_remote and _host_name(request) not in _LOOPBACK_HOSTS:
                # A page loaded through another name (DNS rebinding) must not reach the console.
                return self._secured(Response("this console answers only to 127.0.0.1, localhost or [::1]",
                                              421, media_type="text/plain"))
            session = self.sessions.load(request)
            form = None
            if request.method == "POST":
                form = await request.form(max_files=2, max_fields=400)
                token = form.get("csrf_token") or request.headers.get("x-csrf-token")
                if not session.csrf_matches(token):
                    return self._finish(request, session, self._plain_page(
                        "The form has expired or did not come from this console; reload the page and try again.",
                        403))
            if not public:
                if not self.admin.is_set():
                    return self._finish(request, session, RedirectResponse("/setup", 303))
                if not session.logged_in:
                    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                    return self._finish(request, session, RedirectResponse(f"/login?next={quote(target)}", 303))
            page = Page(self, request, session, form)
            try:
                response = await run_in_threadpool(handler, page)
            except Exception as exc:  # a page, never a traceback; only our own messages are shown
                log.error("console: %s %s failed (%s)", request.method, request.url.path, type(exc).__name__)
                message = exc.message if isinstance(exc, CloudburstError) else f"internal error ({type(exc).__name__})"
                response = self._plain_page(f"{message}. Nothing else was changed; go back and try again.", 500,
                                            "Something went wrong")
            finally:
                if form is not None:
                    await form.close()
            return self._finish(request, page.session, response)

        return endpoint

    def _finish(self, request: Request, session: Session, response: Response) -> Response:
        Sessions.attach(response, session, https=request.url.scheme == "https")
        response.headers["cache-control"] = "no-store"
        return self._secured(response)

    @staticmethod
    def _secured(response: Response) -> Response:
        for key, value in SECURITY_HEADERS.items():
            response.headers[key] = value
        return response

    def _plain_page(self, message: str, status: int, title: str = "Refused") -> HTMLResponse:
        body = self.templates.get_template("message.html").render(
            nav=NAV, nav_current=None, csrf_token="", logged_in=False, flashes=[], title=title, message=message)
        return HTMLResponse(body, status)
