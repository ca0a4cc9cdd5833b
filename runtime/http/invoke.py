"""The invokeurl task: request building, connection credentials, sending, result value.

:class:`HttpService` is the seam with the host runtime, which builds one per runtime
(``Runtime.http_service``) and hands it the access policy, the transport and a factory for
the connection store. The client and the store are made lazily, so a script that makes
no call never builds a client and one that uses no connection never opens the store.
"""

from __future__ import annotations

import http.cookiejar
import threading
import time
from email.message import Message
from typing import TYPE_CHECKING, Any, Callable

import httpx2

from cloudburst.errors import DelugeRuntimeError, TimeoutLimitError
from cloudburst.http.convert import parse_body
from cloudburst.http.contract import ConnectionStore, Credentials, is_unavailable
from cloudburst.http.inject import Injection, injection_for
from cloudburst.http.policy import AccessPolicy
from cloudburst.http.redact import REDACTOR, install_log_filter
from cloudburst.http.request import Options, Outgoing, build_outgoing, read_options, text_encoding
from cloudburst.http.send import DeadlineExceeded, Received, cancellable, send
from cloudburst.http.settings import HttpSettings
from cloudburst.http.tokens import TokenKeeper
from cloudburst.values import DelugeFile, DelugeMap

if TYPE_CHECKING:
    from cloudburst.execution import Execution

__all__ = ["HttpService"]


class _NoCookies(http.cookiejar.DefaultCookiePolicy):
    """Refuses to store or send any cookie."""

    def set_ok(self, cookie: http.cookiejar.Cookie, request: Any) -> bool:
        return False

    def return_ok(self, cookie: http.cookiejar.Cookie, request: Any) -> bool:
        return False


def _cookie_jar() -> http.cookiejar.CookieJar:
    """A jar that never keeps a cookie. Deluge calls share no state, and a shared client must
    not replay a cookie set in answer to one connection's request on any other request."""
    return http.cookiejar.CookieJar(policy=_NoCookies())


class HttpService:
    """invokeurl, getUrl and postUrl for one runtime.

    ``connection_service`` returns the connection store (a ``ConnectorService``) or is None
    when the host configured none; ``policy`` is what the host allows; ``transport``
    replaces the network (tests, recording).
    """

    def __init__(self, connection_service: Callable[[], ConnectionStore | None] | None = None,
                 settings: HttpSettings | None = None, *, policy: AccessPolicy | None = None,
                 transport: httpx2.BaseTransport | None = None) -> None:
        self.settings = settings or HttpSettings()
        self.policy = policy or AccessPolicy()
        self._transport = transport
        self._client: httpx2.Client | None = None
        self._store_factory = connection_service
        self._store: ConnectionStore | None = None
        self._tokens: TokenKeeper | None = None
        self._guard = threading.Lock()
        self._cache: dict[str, tuple[float, Credentials]] = {}
        self._touched: dict[str, float] = {}
        install_log_filter()

    # -- lazily built parts ---------------------------------------------------------------
    def client(self) -> httpx2.Client:
        client = self._client
        if client is None:
            with self._guard:
                if self._client is None:
                    self._client = self._new_client()
                client = self._client
        return client

    def _new_client(self) -> httpx2.Client:
        """The pooled client every call shares. Redirects are followed by hand (``send``);
        the policy's hook sees every request before it is sent; trust_env=False because the
        library never reads environment variables (proxies included)."""
        return httpx2.Client(follow_redirects=False, timeout=self.settings.timeout, transport=self._transport,
                             trust_env=False, event_hooks={"request": [self.policy.check_request]},
                             cookies=_cookie_jar(),
                             limits=httpx2.Limits(max_connections=100, max_keepalive_connections=20))

    def store(self) -> ConnectionStore:
        if self._store is None:
            with self._guard:
                if self._store is None:
                    store = self._store_factory() if self._store_factory is not None else None
                    if store is None:
                        raise DelugeRuntimeError("invokeurl: no connection store is configured for this runtime")
                    self._store = store
                    self._tokens = TokenKeeper(store, self.client, self.settings)
        return self._store

    def tokens(self) -> TokenKeeper:
        self.store()
        assert self._tokens is not None
        return self._tokens

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    # -- the task ----------------------------------------------------------------------
    def invoke(self, ctx: Execution | None, task: dict[str, Any]) -> Any:
        """Run one invokeurl task (``task`` maps its keys to evaluated Deluge values)."""
        options = read_options(task)
        base = build_outgoing(task)
        received = self._call(ctx, base, options.connection)
        return self._result(received, options)

    def _call(self, ctx: Execution | None, base: Outgoing, link: str | None) -> Received:
        if ctx is not None:
            ctx.check()
        if link is None:
            return self._send(ctx, base, None)
        self.policy.check_connection(link)
        creds = self._credentials(link)
        self.policy.check_credentials(base.url, creds)
        deadline = _run_deadline(ctx)
        try:
            creds = self._fresh(creds, None, deadline)
            received = self._send(ctx, base, self._inject(creds))
            if received.status == 401 and received.authenticated and creds.auth_type == "oauth2":
                creds = self._fresh(creds, creds.access_token, deadline)
                received = self._send(ctx, base, self._inject(creds))
        except DelugeRuntimeError as exc:
            self._cache.pop(link, None)
            raise _redacted(exc) from None
        self._touch(link)
        return received

    def _fresh(self, creds: Credentials, rejected: str | None, deadline: float | None) -> Credentials:
        new = self.tokens().fresh(creds, rejected=rejected, deadline=deadline)
        if new is not creds:
            REDACTOR.register(new.secret_values())
            self._cache[creds.link_name] = (time.monotonic() + self.settings.credentials_ttl, new)
        return new

    def _credentials(self, link: str) -> Credentials:
        cached = self._cache.get(link)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        store = self.store()
        try:
            creds = store.credentials_for(link)
        except Exception as exc:
            if is_unavailable(exc):
                raise DelugeRuntimeError(f"invokeurl: {REDACTOR.redact(str(exc))}") from None
            raise DelugeRuntimeError(
                f"invokeurl: the connection store failed while reading connection '{link}' ({type(exc).__name__})"
            ) from None
        REDACTOR.register(creds.secret_values())
        REDACTOR.register_basic(creds.basic_username, creds.basic_password)
        if self.settings.credentials_ttl > 0:
            self._cache[link] = (time.monotonic() + self.settings.credentials_ttl, creds)
        return creds

    @staticmethod
    def _inject(creds: Credentials) -> Injection:
        injection = injection_for(creds)
        REDACTOR.register(injection.secrets)
        return injection

    def _touch(self, link: str) -> None:
        now = time.monotonic()
        if self._touched.get(link, -1e18) + self.settings.touch_interval > now:
            return
        self._touched[link] = now
        try:
            self.store().touch_used(link)
        except Exception:  # bookkeeping only: never fail a call that got its answer
            pass

    def _send(self, ctx: Execution | None, base: Outgoing, injection: Injection | None) -> Received:
        deadline = _run_deadline(ctx)
        timeout = self.settings.timeout
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                assert ctx is not None
                ctx.check()
                raise TimeoutLimitError("the run ran out of time before the call")
        client = self.client()

        def call() -> Received:
            return send(client, base, injection, timeout=timeout, run_deadline=deadline,
                        max_bytes=self.settings.max_response_bytes, max_redirects=self.settings.max_redirects)

        try:
            if ctx is None or not ctx.cancellable:
                return call()
            return cancellable(ctx.cancelled, call)
        except DeadlineExceeded:
            assert ctx is not None
            ctx.check()
            raise TimeoutLimitError(f"the run took longer than its {ctx.limits.timeout:g} s limit") from None

    # -- the result --------------------------------------------------------------------
    def _result(self, received: Received, options: Options) -> Any:
        fmt = options.response_format
        if fmt == "FILE":
            body: Any = _as_file(received)  # its bytes were masked as they arrived
        else:
            text = _decode(received, options.response_decoding)
            body = text if fmt == "TEXT" else parse_body(text)
            if fmt == "JSON" and isinstance(body, str):
                raise DelugeRuntimeError("invokeurl: response-format JSON, but the response is not a JSON object or array")
            body = REDACTOR.redact_value(body)  # JSON escapes (\u0041) decode only now
        if not options.detailed:
            return body
        headers = DelugeMap()
        for name, value in received.headers:
            value = REDACTOR.redact(value)
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        return DelugeMap(responseCode=received.status, responseText=body, responseHeader=headers)

    def simple(self, ctx: Execution | None, method: str, url: Any, body: Any, headers: Any, simple: bool) -> Any:
        """getUrl/postUrl: text (simple) or the detailed map, through the same machinery."""
        task: dict[str, Any] = {"url": url, "type": method, "headers": headers, "detailed": not simple,
                                "response-format": "TEXT" if simple else None}
        if body is not None:
            task["parameters"] = body
        return self.invoke(ctx, {k: v for k, v in task.items() if v is not None})


def _run_deadline(ctx: Execution | None) -> float | None:
    if ctx is None:
        return None
    left = ctx.time_left()
    return None if left is None else time.monotonic() + left


def _redacted(exc: DelugeRuntimeError) -> DelugeRuntimeError:
    clean = REDACTOR.redact(exc.message)
    if clean == exc.message:
        return exc
    return type(exc)(clean, exc.span, exc.source_name)


def _decode(received: Received, encoding: str | None) -> str:
    """The body as text: in the script's ``response-decoding`` (already checked to be a text
    encoding), else the server's charset when it names one, else UTF-8."""
    name = encoding or text_encoding(received.charset) or "utf-8"
    return received.content.decode(name, errors="replace")


def _as_file(received: Received) -> DelugeFile:
    name = ""
    disposition = next((v for k, v in received.headers if k.lower() == "content-disposition"), None)
    if disposition:
        msg = Message()
        msg["content-disposition"] = disposition
        name = msg.get_filename() or ""
    if not name:
        name = received.url.path.rstrip("/").rsplit("/", 1)[-1] or "download"
    content_type = (received.content_type or "application/octet-stream").split(";", 1)[0].strip()
    return DelugeFile(REDACTOR.redact(name), received.content, content_type)
