"""Tunable limits of the HTTP side (one immutable object per runtime)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["HttpSettings"]


@dataclass(frozen=True)
class HttpSettings:
    """Limits and OAuth timing used by :class:`cloudburst.http.HttpService`.

    ``timeout`` is Zoho's 40 s socket timeout and ``max_response_bytes`` its 5 MB download
    cap; a call never waits longer than the run's time left either way.
    """

    timeout: float = 40.0
    max_response_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 10
    #: Refresh an OAuth access token when it expires within this many seconds.
    refresh_margin: float = 300.0
    #: How long a process may hold the cross-process refresh lease.
    lease_seconds: float = 30.0
    #: Attempts for a token request that failed transiently (429, 5xx, network).
    refresh_attempts: int = 3
    #: First backoff delay between those attempts; doubles each time.
    refresh_backoff: float = 0.5
    #: Timeout of one token-endpoint request.
    token_timeout: float = 15.0
    #: How long a process reuses a connection's credentials before reading the store again
    #: (0: every call reads it). Disabling or revoking a connection reaches a running
    #: process within this time; an OAuth refresh or a 401 always reads the store.
    credentials_ttl: float = 5.0
    #: ``last_used_at`` is written at most this often per connection.
    touch_interval: float = 60.0
