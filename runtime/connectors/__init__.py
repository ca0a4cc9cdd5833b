"""Connectors and connections: the store, its rules, and the commands that manage them.

Importing this package (or its ``errors`` module) is cheap: every public name loads on
first use, and the SQL stack only with :class:`ConnectorService`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cloudburst.connectors.credentials import ApiKeyValue, ConnectionCredentials, ConnectionUnavailable
    from cloudburst.connectors.errors import ConnectorError, NotFoundError, RuleViolation, SecretKeyError
    from cloudburst.connectors.service import ConnectorService

__all__ = [
    "ApiKeyValue",
    "ConnectionCredentials",
    "ConnectionUnavailable",
    "ConnectorError",
    "ConnectorService",
    "NotFoundError",
    "RuleViolation",
    "SecretKeyError",
]


_HOMES = {"ApiKeyValue": "credentials", "ConnectionCredentials": "credentials",
          "ConnectionUnavailable": "credentials", "ConnectorError": "errors", "NotFoundError": "errors",
          "RuleViolation": "errors", "SecretKeyError": "errors", "ConnectorService": "service"}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is not None:
        return getattr(import_module(f"cloudburst.connectors.{home}"), name)
    raise AttributeError(f"module 'cloudburst.connectors' has no attribute {name!r}")
