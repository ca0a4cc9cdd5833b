"""Keeping OAuth 2.0 access tokens fresh: one refresh at a time per connection.

In-process a lock per link name serialises refreshes; across processes the store's
refresh lease does (a conditional UPDATE). After taking either, the connection is re-read
and the refresh skipped when someone else already did it. No store transaction is open
while the token endpoint is called, and the rotated refresh token is saved before the
new access token is used.
"""

from __future__ import annotations

import datetime as _dt
import logging
import os
import threading
import time
import uuid
from typing import Callable

import httpx2

from cloudburst.errors import DelugeRuntimeError
from cloudburst.http import oauth
from cloudburst.http.settings import HttpSettings
from cloudburst.http.contract import ConnectionStore, Credentials

__all__ = ["TokenKeeper"]

log = logging.getLogger("cloudburst.http")


def _utcnow() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc)


def _seconds_left(creds: Credentials) -> float | None:
    """Seconds until the access token expires (None: the store does not know)."""
    if creds.expires_at is None:
        return None
    expires = creds.expires_at
    if expires.tzinfo is None:  # a store that drops the zone still means UTC
        expires = expires.replace(tzinfo=_dt.timezone.utc)
    return (expires - _utcnow()).total_seconds()


class TokenKeeper:
    """Refreshes the OAuth tokens of connections in one store, for one HTTP client."""

    def __init__(self, store: ConnectionStore, client: Callable[[], httpx2.Client], settings: HttpSettings,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._store = store
        self._client = client
        self._settings = settings
        self._sleep = sleep
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    def _lock(self, link: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(link, threading.Lock())

    def stale(self, creds: Credentials, rejected: str | None = None) -> bool:
        """Does ``creds`` need a new access token (missing, expiring within the margin, or
        the very token a server just rejected)?"""
        if not creds.access_token:
            return True
        if rejected is not None:
            return creds.access_token == rejected
        left = _seconds_left(creds)
        if left is None:
            return False
        if left > 0 and creds.grant_type != "client_credentials" and not creds.refresh_token:
            # Nothing to refresh with (no offline access granted): use the token until it expires.
            return False
        return left < self._settings.refresh_margin

    def fresh(self, creds: Credentials, rejected: str | None = None, deadline: float | None = None) -> Credentials:
        """Credentials with a usable access token, refreshing once if needed."""
        if creds.auth_type != "oauth2" or not self.stale(creds, rejected):
            return creds
        link = creds.link_name
        with self._lock(link):
            creds = self._store.credentials_for(link)
            if not self.stale(creds, rejected):
                return creds
            return self._refresh_with_lease(link, rejected, deadline)

    def _refresh_with_lease(self, link: str, rejected: str | None, deadline: float | None) -> Credentials:
        holder = f"{os.getpid()}:{threading.get_ident()}:{uuid.uuid4().hex[:8]}"
        wait_until = time.monotonic() + self._settings.lease_seconds + self._settings.token_timeout
        if deadline is not None:
            wait_until = min(wait_until, deadline)
        delay = 0.02
        while True:
            if self._store.acquire_refresh_lease(link, holder, self._settings.lease_seconds):
                try:
                    creds = self._store.credentials_for(link)
                    if not self.stale(creds, rejected):
                        return creds
                    self._renew(creds, deadline)
                    return self._store.credentials_for(link)
                finally:
                    self._store.release_refresh_lease(link, holder)
            # Another process is refreshing: wait for its result.
            if time.monotonic() >= wait_until:
                raise DelugeRuntimeError(
                    f"connection '{link}': timed out waiting for another process to refresh its token")
            self._sleep(delay)
            delay = min(delay * 2, 0.25)
            creds = self._store.credentials_for(link)
            if not self.stale(creds, rejected):
                return creds

    def _request(self, creds: Credentials, timeout: float) -> oauth.TokenSet:
        client = self._client()
        if creds.grant_type == "client_credentials":
            if not creds.token_url or not creds.client_id:
                raise oauth.OAuthError("protocol", "the connector has no token URL or client id")
            return oauth.client_credentials_token(client, creds.token_url, client_id=creds.client_id,
                                                  client_secret=creds.client_secret, scopes=tuple(creds.scopes),
                                                  delimiter=creds.scope_delimiter, timeout=timeout)
        url = creds.refresh_url or creds.token_url
        if not creds.refresh_token or not url:
            raise oauth.OAuthError("invalid_grant", "the connection has no refresh token")
        return oauth.refresh(client, url, refresh_token=creds.refresh_token, client_id=creds.client_id,
                             client_secret=creds.client_secret, timeout=timeout)

    def _renew(self, creds: Credentials, deadline: float | None) -> None:
        link = creds.link_name
        attempts = max(1, self._settings.refresh_attempts)
        backoff = self._settings.refresh_backoff
        for attempt in range(1, attempts + 1):
            timeout = self._settings.token_timeout
            if deadline is not None:
                timeout = min(timeout, deadline - time.monotonic())
                if timeout <= 0:
                    raise DelugeRuntimeError(f"connection '{link}': no time left to refresh the access token")
            try:
                tokens = self._request(creds, timeout)
            except oauth.OAuthError as exc:
                if exc.needs_reconnect:
                    reason = f"token refresh refused: {exc.kind}"
                    self._store.mark_not_connected(link, reason)
                    log.warning("connection %s marked not connected: %s", link, reason)
                    raise DelugeRuntimeError(
                        f"connection '{link}' is no longer authorized ({exc.kind}); reconnect it") from None
                if attempt == attempts or (deadline is not None and time.monotonic() + backoff >= deadline):
                    self._store.record_failure(link, str(exc))
                    log.warning("connection %s: token refresh failed: %s", link, exc)
                    raise DelugeRuntimeError(
                        f"connection '{link}': could not refresh the access token ({exc}); "
                        "the connection is unchanged, try again later") from None
                log.info("connection %s: token refresh attempt %d failed (%s); retrying", link, attempt, exc)
                self._sleep(backoff)
                backoff *= 2
                continue
            lifetime = tokens.expires_in if tokens.expires_in is not None else creds.default_expiry_seconds
            expires_at = _utcnow() + _dt.timedelta(seconds=lifetime)
            # Saved before anyone uses the new access token: a rotated refresh token is never lost.
            self._store.save_tokens(link, access_token=tokens.access_token,
                                    refresh_token=tokens.refresh_token, expires_at=expires_at)
            log.info("connection %s: access token refreshed", link)
            return
