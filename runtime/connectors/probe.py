"""``connection test``: one request to the connector's test URL with the connection's credentials.

Redirects are never followed, so credentials cannot leak to another origin.
"""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass
from typing import Any

from cloudburst.connectors.credentials import ConnectionCredentials

__all__ = ["ProbeResult", "probe"]


@dataclass(frozen=True)
class ProbeResult:
    status_code: int | None
    ok: bool
    reason: str
    #: How long the request took (None when it was never sent).
    seconds: float | None = None


def _request_parts(creds: ConnectionCredentials) -> dict[str, Any]:
    headers: dict[str, str] = {}
    params: dict[str, str] = {}
    form: dict[str, str] = {}
    if creds.auth_type == "basic":
        pair = f"{creds.basic_username or ''}:{creds.basic_password or ''}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
    elif creds.auth_type == "api_key":
        for item in creds.api_keys:
            {"query": params, "form": form, "header": headers}.get(item.location, headers)[item.key] = item.value
    elif creds.access_token:
        headers["Authorization"] = f"{creds.bearer_name} {creds.access_token}"
    method = "POST" if form else "GET"
    return {"method": method, "headers": headers, "params": params, "data": form or None}


def _mask_in_logs(creds: ConnectionCredentials) -> None:
    """The HTTP libraries log the request URL (with any query key) and, at DEBUG, the response
    headers: register the secrets with the process-wide redactor and filter those loggers."""
    from cloudburst.http.redact import REDACTOR, install_log_filter

    REDACTOR.register(creds.secret_values())
    REDACTOR.register_basic(creds.basic_username, creds.basic_password)
    install_log_filter()


def probe(creds: ConnectionCredentials, url: str, client: Any) -> ProbeResult:
    """Send one request; success means a 2xx answer. Error text never includes secrets."""
    import httpx2

    from cloudburst.http.policy import host_allowed

    if not host_allowed(httpx2.URL(url), creds.allowed_hosts):
        return ProbeResult(None, False, "the test URL's host is not in the connector's allowed hosts")
    _mask_in_logs(creds)
    parts = _request_parts(creds)
    started = time.monotonic()
    try:
        response = client.request(parts["method"], url, headers=parts["headers"], params=parts["params"],
                                  data=parts["data"], follow_redirects=False)
    except Exception as exc:  # any transport failure is reported, not raised
        reason = f"request failed: {exc.__class__.__name__}"
        return ProbeResult(None, False, reason, time.monotonic() - started)
    ok = 200 <= response.status_code < 300
    return ProbeResult(response.status_code, ok, f"HTTP {response.status_code}", time.monotonic() - started)
