"""The decrypted view of a connection that ``invokeurl`` uses (no database imports here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["ApiKeyValue", "ConnectionCredentials", "ConnectionUnavailable"]


class ConnectionUnavailable(Exception):
    """A script named a connection that cannot be used now; the message is user-facing."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ApiKeyValue:
    """One API-key parameter with its value and where it goes: "query", "form" or "header"."""

    key: str
    value: str = field(repr=False)
    location: str = "header"


@dataclass(frozen=True)
class ConnectionCredentials:
    """Everything needed to authenticate one request; built fresh for every lookup."""

    link_name: str
    connector_link_name: str
    auth_type: str
    basic_username: str | None
    basic_password: str | None
    api_keys: tuple[ApiKeyValue, ...]
    grant_type: str | None
    client_id: str | None
    client_secret: str | None
    token_url: str | None
    refresh_url: str | None
    revoke_url: str | None
    scopes: tuple[str, ...]
    scope_delimiter: str
    bearer_name: str
    default_expiry_seconds: int
    access_token: str | None
    refresh_token: str | None
    expires_at: datetime | None
    allowed_hosts: tuple[str, ...]

    def secret_values(self) -> tuple[str, ...]:
        """Every secret this view holds, so callers can redact them from any output."""
        candidates = [
            self.basic_password,
            self.client_secret,
            self.access_token,
            self.refresh_token,
            *(k.value for k in self.api_keys),
        ]
        return tuple(v for v in candidates if v)

    def __repr__(self) -> str:
        return f"ConnectionCredentials(link_name={self.link_name!r}, auth_type={self.auth_type!r}, secrets=••••)"
