"""Sending one request: redirects followed by hand, a total deadline, a size cap.

httpx follows redirects by keeping every header but ``Authorization`` and re-sending a
307 body to any host; here a change of origin drops every injected credential instead,
and the chain never regains them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, NoReturn, TypeVar

import httpx2

from cloudburst.errors import DelugeRuntimeError
from cloudburst.workers import call_within
from cloudburst.http.inject import Injection
from cloudburst.http.policy import origin
from cloudburst.http.redact import MASK, REDACTOR
from cloudburst.http.spellings import UnmaskableSecret
from cloudburst.http.request import Outgoing

if TYPE_CHECKING:
    from cloudburst.execution import CancelFlag

__all__ = ["Received", "send", "DeadlineExceeded", "cancellable"]

_REDIRECTS = (301, 302, 303, 307, 308)
_MASK_AS_LATIN1 = MASK.encode("utf-8").decode("latin-1")

#: How often a run waiting for a response looks at its cancel flag (seconds).
CANCEL_POLL = 0.02

T = TypeVar("T")


@dataclass
class Received:
    status: int
    headers: list[tuple[str, str]]
    content: bytes
    url: httpx2.URL
    charset: str | None
    content_type: str | None
    #: Did the final request carry the connection's credentials?
    authenticated: bool


class DeadlineExceeded(Exception):
    """The run's own time budget (not the call's timeout) ran out."""


def _where(url: httpx2.URL) -> str:
    return url.host + (f":{url.port}" if url.port else "")


def _next_hop(current: Outgoing, response: httpx2.Response, url: httpx2.URL) -> Outgoing:
    nxt = current.copy()
    nxt.url = url
    nxt.query = []
    status = response.status_code
    if status == 303 and current.method != "HEAD" or status in (301, 302) and current.method == "POST":
        nxt.method = "GET"
        nxt.form, nxt.content, nxt.files = None, None, []
        nxt.headers = [(k, v) for k, v in nxt.headers
                       if k.lower() not in ("content-type", "content-length", "transfer-encoding")]
    return nxt


def send(client: httpx2.Client, base: Outgoing, injection: Injection | None, *, timeout: float,
         run_deadline: float | None, max_bytes: int, max_redirects: int) -> Received:
    """Send ``base`` (with ``injection`` applied while the origin stays the same) and read
    the final response into memory.

    ``timeout`` bounds the whole call (all hops and the body); ``run_deadline`` is the
    run's monotonic deadline, reported as :class:`DeadlineExceeded` when it is what ran out.
    """
    start = time.monotonic()
    end = start + timeout
    run_bound = run_deadline is not None and run_deadline < end
    if run_bound:
        end = run_deadline  # type: ignore[assignment]
    trusted = origin(base.url)
    current = base
    for _hop in range(max_redirects + 1):
        left = end - time.monotonic()
        if left <= 0:
            _timed_out(run_bound, timeout, current.url)
        authenticated = injection is not None and origin(current.url) == trusted
        outgoing = injection.apply(current) if authenticated and injection is not None else current
        request = outgoing.to_request(client)
        request.extensions["timeout"] = httpx2.Timeout(left).as_dict()
        try:
            response = client.send(request, stream=True, follow_redirects=False)
        except httpx2.TimeoutException:
            _timed_out(run_bound, timeout, current.url)
        except httpx2.TransportError as exc:
            raise DelugeRuntimeError(
                f"invokeurl: could not reach {_where(current.url)}: {REDACTOR.redact(str(exc) or type(exc).__name__)}"
            ) from None
        try:
            location = response.headers.get("location")
            if response.status_code in _REDIRECTS and location:
                try:
                    target = request.url.join(location)
                except Exception:
                    raise DelugeRuntimeError(f"invokeurl: {_where(current.url)} redirected to an invalid URL") from None
                if target.scheme not in ("http", "https"):
                    raise DelugeRuntimeError(f"invokeurl: {_where(current.url)} redirected to a non-HTTP URL")
                nxt = _next_hop(current, response, target)
                if origin(target) != origin(current.url):
                    nxt.headers = [(k, v) for k, v in nxt.headers if k.lower() not in ("authorization", "cookie")]
                if injection is not None and origin(target) != trusted:
                    nxt.url = injection.strip_url(nxt.url)
                    injection = None  # once the chain leaves the origin it never carries credentials again
                current = nxt
                continue
            content = _read_capped(response, max_bytes, end, run_bound, timeout)
            return _received(response, content, request.url, authenticated)
        finally:
            response.close()
    raise DelugeRuntimeError(f"invokeurl: more than {max_redirects} redirects starting at {_where(base.url)}")


def _received(response: httpx2.Response, content: bytes, url: httpx2.URL, authenticated: bool) -> Received:
    """The response as a script may see it: secrets are masked in the bytes the server sent
    (body, header names and values) before anything decodes them."""
    mask = REDACTOR.redact_bytes

    def header(raw: bytes) -> str:  # header bytes are Latin-1; the mask was written as UTF-8
        return mask(raw).decode("latin-1").replace(_MASK_AS_LATIN1, MASK)

    try:
        headers = [(header(k), header(v)) for k, v in response.headers.raw]
        content = mask(content)
    except UnmaskableSecret as exc:
        raise DelugeRuntimeError(f"invokeurl: {exc.message}") from None
    content_type = next((v for k, v in headers if k.lower() == "content-type"), None)
    return Received(response.status_code, headers, content, url, response.charset_encoding, content_type,
                    authenticated)


def _read_capped(response: httpx2.Response, max_bytes: int, end: float, run_bound: bool, timeout: float) -> bytes:
    declared = response.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(max_bytes)
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise _too_large(max_bytes)
            chunks.append(chunk)
            if time.monotonic() > end:
                _timed_out(run_bound, timeout, response.request.url)
    except httpx2.TimeoutException:
        _timed_out(run_bound, timeout, response.request.url)
    except httpx2.DecodingError:
        raise DelugeRuntimeError("invokeurl: the response body could not be decoded") from None
    except httpx2.TransportError as exc:
        raise DelugeRuntimeError(
            f"invokeurl: the connection broke while reading the response: {type(exc).__name__}") from None
    return b"".join(chunks)


def _too_large(max_bytes: int) -> DelugeRuntimeError:
    size = f"{max_bytes / (1024 * 1024):g} MB" if max_bytes >= 1024 * 1024 else f"{max_bytes} bytes"
    return DelugeRuntimeError(f"invokeurl: the response is larger than the {size} limit")


def _timed_out(run_bound: bool, timeout: float, url: httpx2.URL) -> NoReturn:
    if run_bound:
        raise DeadlineExceeded()
    raise DelugeRuntimeError(f"invokeurl: socket timeout: no complete response from {_where(url)} within {timeout:g} s")


def cancellable(cancelled: CancelFlag, call: Callable[[], T]) -> T:
    """Run a blocking ``call`` in a helper thread and wait for it in short slices, so
    ``Execution.cancel()`` stops the waiting run at once. An abandoned request still ends
    by its own timeout (never longer than the run's time left); its result is dropped."""
    _, value = call_within(call, None, cancelled, CANCEL_POLL)
    return value  # type: ignore[return-value]
