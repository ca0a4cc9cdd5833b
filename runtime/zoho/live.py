"""The live provider: Zoho REST calls through a stored connection.

Per call: pick the connection for the service, find its API domain (the ``api_domain``
Zoho returned with the token, else the data centre's), keep its OAuth token fresh through
the runtime's :class:`~cloudburst.http.tokens.TokenKeeper`, send with the shared HTTP
client (``Authorization: Zoho-oauthtoken …`` injected last), and handle Zoho's answers
that are about the call rather than the data:

- HTTP 401 (``INVALID_TOKEN`` and the Books/Creator equivalents): refresh once, send again;
- ``OAUTH_SCOPE_MISMATCH``: an error naming the scope the connection lacks;
- HTTP 429: wait (``Retry-After`` or doubling delays) and send again, while the run's time
  budget allows.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import httpx2

from cloudburst.errors import DelugeRuntimeError, TimeoutLimitError
from cloudburst.execution import Execution
from cloudburst.http.inject import injection_for
from cloudburst.http.redact import REDACTOR
from cloudburst.http.request import Outgoing
from cloudburst.http.send import DeadlineExceeded, cancellable, send
from cloudburst.http.contract import is_unavailable
from cloudburst.zoho.connections import ConnectionFinder
from cloudburst.zoho.datacentres import DataCentre, from_accounts_url
from cloudburst.zoho.scopes import missing_scopes, required_scopes
from cloudburst.zoho.wire import ZohoAnswer, ZohoRequest

__all__ = ["LiveTransport", "RetryPolicy"]


@dataclass(frozen=True)
class RetryPolicy:
    """How rate-limited calls (HTTP 429) are retried."""

    attempts: int = 5
    first_delay: float = 1.0
    max_delay: float = 30.0


def _code(answer: ZohoAnswer) -> str:
    value = answer.value()
    if hasattr(value, "get"):
        code = value.get("code")
        if code is None and isinstance(value.get("data"), list) and value["data"] and hasattr(value["data"][0], "get"):
            code = value["data"][0].get("code")
        return "" if code is None else str(code)
    return ""


class LiveTransport:
    """Sends :class:`ZohoRequest` objects to the real Zoho through the runtime's connections."""

    def __init__(self, runtime: Any, finder: ConnectionFinder, *, table: Mapping[str, DataCentre] | None = None,
                 retry: RetryPolicy | None = None, sleep: Callable[[float], None] = time.sleep,
                 execution: Callable[[], Execution | None] | None = None) -> None:
        self._runtime = runtime
        self._finder = finder
        self._table = table
        self._retry = retry or RetryPolicy()
        self._sleep = sleep
        self._execution = execution or _current_execution
        self._domains: dict[str, str] = {}
        self._touched: set[str] = set()
        self._creds: dict[str, tuple[float, Any]] = {}

    # -- the pieces of the runtime this needs -----------------------------------------------
    def _http(self) -> Any:
        try:
            return self._runtime.http_service()
        except DelugeRuntimeError as exc:
            raise DelugeRuntimeError(f"Zoho tasks need network access: {exc.message}") from None

    def _credentials(self, task: str, link: str, ttl: float) -> Any:
        """The connection's credentials, re-read from the store at most every ``ttl`` seconds
        (as invokeurl does: a disabled or revoked connection is noticed within that time)."""
        cached = self._creds.get(link)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        store = self._finder.store()
        try:
            creds = store.credentials_for(link)
        except Exception as exc:
            if is_unavailable(exc):
                raise DelugeRuntimeError(f"{task}: {REDACTOR.redact(str(exc))}") from None
            raise DelugeRuntimeError(f"{task}: the connection store failed reading '{link}' ({type(exc).__name__})") from None
        REDACTOR.register(creds.secret_values())
        self._creds[link] = (time.monotonic() + ttl, creds)
        return creds

    def _api_domain(self, task: str, link: str, creds: Any) -> str:
        known = self._domains.get(link)
        if known:
            return known
        props = getattr(self._finder.store(), "connection_properties", None)
        domain = (props(link) if callable(props) else {}).get("api_domain")
        if not domain:
            dc = from_accounts_url(creds.token_url or "", self._table)
            if dc is None:
                raise DelugeRuntimeError(
                    f"{task}: connection '{link}' is not a Zoho connection (its token URL is not a Zoho accounts "
                    "server); create one with: cloudburst connector create NAME --preset zoho --dc DC")
            domain = dc.api_domain
        self._domains[link] = domain.rstrip("/")
        return self._domains[link]

    # -- one call ----------------------------------------------------------------------------
    def send(self, request: ZohoRequest) -> ZohoAnswer:
        task = request.task
        link = self._finder.link_for(request.service, request.connection, task)
        http = self._http()
        http.policy.check_connection(link)
        creds = self._credentials(task, link, http.settings.credentials_ttl)
        if creds.auth_type != "oauth2":
            raise DelugeRuntimeError(f"{task}: connection '{link}' is not an OAuth 2.0 connection; Zoho APIs need one")
        url = httpx2.URL(self._api_domain(task, link, creds) + request.path)
        http.policy.check_credentials(url, creds)
        ctx = self._execution()
        deadline = _deadline(ctx)
        creds = self._fresh(http, creds, None, deadline)
        answer = self._send(http, ctx, request, url, creds, deadline)
        if answer.status == 401 and _code(answer) != "OAUTH_SCOPE_MISMATCH":
            creds = self._fresh(http, creds, creds.access_token, deadline)
            answer = self._send(http, ctx, request, url, creds, deadline)
            if answer.status == 401 and _code(answer) != "OAUTH_SCOPE_MISMATCH":
                raise DelugeRuntimeError(
                    f"{task}: Zoho refused connection '{link}' ({_code(answer) or 'HTTP 401'}) even with a fresh "
                    f"token; authorize it again: cloudburst connection authorize {link}")
        if answer.status == 401:
            raise DelugeRuntimeError(self._scope_message(request, link, creds))
        self._touch(link)
        return answer

    def _fresh(self, http: Any, creds: Any, rejected: str | None, deadline: float | None) -> Any:
        try:
            new = http.tokens().fresh(creds, rejected=rejected, deadline=deadline)
        except DelugeRuntimeError as exc:
            self._creds.pop(creds.link_name, None)
            raise DelugeRuntimeError(REDACTOR.redact(exc.message)) from None
        if new is not creds:
            REDACTOR.register(new.secret_values())
            self._creds[creds.link_name] = (time.monotonic() + http.settings.credentials_ttl, new)
        return new

    def _send(self, http: Any, ctx: Execution | None, request: ZohoRequest, url: httpx2.URL, creds: Any,
              deadline: float | None) -> ZohoAnswer:
        delay = self._retry.first_delay
        attempt = 0
        while True:
            attempt += 1
            answer = self._once(http, ctx, request, url, creds, deadline)
            if answer.status != 429:
                return answer
            wait = min(_retry_after(answer) or delay, self._retry.max_delay)
            delay = min(delay * 2, self._retry.max_delay)
            out_of_time = deadline is not None and time.monotonic() + wait >= deadline
            if attempt >= self._retry.attempts or out_of_time:
                why = "the run's time budget ends first" if out_of_time else "no attempts left"
                raise DelugeRuntimeError(
                    f"{request.task}: Zoho's rate limit ({_code(answer) or 'HTTP 429'}) still applied after "
                    f"{attempt} attempt{'s' if attempt > 1 else ''} ({why}); try again later")
            if ctx is not None:
                ctx.check()
            self._sleep(wait)

    def _once(self, http: Any, ctx: Execution | None, request: ZohoRequest, url: httpx2.URL, creds: Any,
              deadline: float | None) -> ZohoAnswer:
        base = Outgoing(request.method, url, headers=[("Accept", "application/json"), *request.headers],
                        query=list(request.query))
        if request.files:
            base.files = list(request.files)
            base.form = list(request.form or [])
        elif request.form is not None:
            base.form = list(request.form)
            base.set_header("Content-Type", "application/x-www-form-urlencoded")
        elif request.body is not None:
            base.content = request.body.encode("utf-8")
            base.set_header("Content-Type", "application/json")
        injection = injection_for(creds)
        REDACTOR.register(injection.secrets)
        settings = http.settings
        if ctx is not None:
            ctx.check()

        def call() -> Any:
            return send(http.client(), base, injection, timeout=settings.timeout, run_deadline=deadline,
                        max_bytes=settings.max_response_bytes, max_redirects=settings.max_redirects)

        try:
            received = call() if ctx is None or not ctx.cancellable else cancellable(ctx.cancelled, call)
        except DeadlineExceeded:
            assert ctx is not None
            ctx.check()
            raise TimeoutLimitError(f"the run took longer than its {ctx.limits.timeout:g} s limit") from None
        except DelugeRuntimeError as exc:
            raise DelugeRuntimeError(f"{request.task}: {REDACTOR.redact(exc.message)}") from None
        text = received.content.decode(received.charset or "utf-8", errors="replace")
        return ZohoAnswer(received.status, text, tuple(received.headers))

    def _scope_message(self, request: ZohoRequest, link: str, creds: Any) -> str:
        groups = required_scopes(request.service, request.operation, request.module)
        missing = missing_scopes(groups, creds.scopes) or groups
        needed = " and ".join(" or ".join(g) for g in missing) or "a scope for this API"
        return (f"{request.task}: Zoho refused the call (OAUTH_SCOPE_MISMATCH): connection '{link}' lacks "
                f"{needed}; add the scope to the connector and authorize the connection again")

    def _touch(self, link: str) -> None:
        if link in self._touched:
            return
        self._touched.add(link)
        try:
            self._finder.store().touch_used(link)
        except Exception:  # bookkeeping only: never fail a call that got its answer
            pass


def _retry_after(answer: ZohoAnswer) -> float | None:
    value = answer.header("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _deadline(ctx: Execution | None) -> float | None:
    left = ctx.time_left() if ctx is not None else None
    return None if left is None else time.monotonic() + left


def _current_execution() -> Execution | None:
    from cloudburst.execution import current

    return current()
