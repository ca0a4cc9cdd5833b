"""invokeurl and the HTTP side of connections: requests, the access policy, credential
injection, OAuth 2.0 refresh and redaction of secrets.

The public names load on first use, so importing a light submodule (``http.convert``, used
to read answers) does not load httpx2 and the cookie machinery at start-up.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cloudburst.http.invoke import HttpService
    from cloudburst.http.policy import AccessPolicy
    from cloudburst.http.redact import MASK, REDACTOR, RedactingFilter, install_log_filter
    from cloudburst.http.settings import HttpSettings

__all__ = ["AccessPolicy", "HttpService", "HttpSettings", "MASK", "REDACTOR", "RedactingFilter", "install_log_filter"]

_HOMES = {"AccessPolicy": "policy", "HttpService": "invoke", "HttpSettings": "settings", "MASK": "redact",
          "REDACTOR": "redact", "RedactingFilter": "redact", "install_log_filter": "redact"}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'cloudburst.http' has no attribute {name!r}")
    return getattr(import_module(f"cloudburst.http.{home}"), name)
