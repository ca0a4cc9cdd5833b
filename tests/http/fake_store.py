"""An in-memory stand-in for the connector store contract (unit tests only)."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import threading
import time
from dataclasses import dataclass, field


class ConnectionUnavailable(Exception):
    """Same name as the store's exception: the HTTP side matches it by name."""


@dataclass(frozen=True)
class ApiKeyValue:
    key: str
    value: str
    location: str


@dataclass(frozen=True)
class Creds:
    link_name: str
    connector_link_name: str = "svc"
    auth_type: str = "api_key"
    basic_username: str | None = None
    basic_password: str | None = None
    api_keys: tuple[ApiKeyValue, ...] = ()
    grant_type: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    token_url: str | None = None
    refresh_url: str | None = None
    revoke_url: str | None = None
    scopes: tuple[str, ...] = ()
    scope_delimiter: str = " "
    bearer_name: str = "Bearer"
    default_expiry_seconds: int = 3600
    access_token: str | None = None
    refresh_token: str | None = None
    expires_at: _dt.datetime | None = None
    allowed_hosts: tuple[str, ...] = ()

    def secret_values(self) -> tuple[str, ...]:
        values = [self.basic_password, self.client_secret, self.access_token, self.refresh_token]
        values += [k.value for k in self.api_keys]
        return tuple(v for v in values if v)


@dataclass
class FakeStore:
    rows: dict[str, Creds] = field(default_factory=dict)
    connected: dict[str, bool] = field(default_factory=dict)
    events: list[tuple[str, ...]] = field(default_factory=list)
    leases: dict[str, tuple[str, float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, creds: Creds) -> Creds:
        self.rows[creds.link_name] = creds
        self.connected[creds.link_name] = True
        return creds

    def credentials_for(self, link_name: str) -> Creds:
        if link_name not in self.rows:
            raise ConnectionUnavailable(f"connection '{link_name}' does not exist")
        if not self.connected[link_name]:
            raise ConnectionUnavailable(f"connection '{link_name}' is not connected")
        return self.rows[link_name]

    def save_tokens(self, link_name: str, *, access_token: str, refresh_token: str | None,
                    expires_at: _dt.datetime | None) -> None:
        old = self.rows[link_name]
        self.rows[link_name] = dataclasses.replace(
            old, access_token=access_token, refresh_token=refresh_token or old.refresh_token, expires_at=expires_at)
        self.events.append(("save", link_name))

    def mark_not_connected(self, link_name: str, reason: str) -> None:
        self.connected[link_name] = False
        self.events.append(("not_connected", link_name, reason))

    def record_failure(self, link_name: str, reason: str) -> None:
        self.events.append(("failure", link_name, reason))

    def acquire_refresh_lease(self, link_name: str, holder: str, seconds: float) -> bool:
        with self.lock:
            current = self.leases.get(link_name)
            if current is not None and current[1] > time.monotonic():
                return False
            self.leases[link_name] = (holder, time.monotonic() + seconds)
            return True

    def release_refresh_lease(self, link_name: str, holder: str) -> None:
        with self.lock:
            if self.leases.get(link_name, ("", 0))[0] == holder:
                del self.leases[link_name]

    def touch_used(self, link_name: str) -> None:
        self.events.append(("used", link_name))
