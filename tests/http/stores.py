"""Building connectors and connections in the real store (helper C's ConnectorService)."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet


def new_store(tmp_path: Path, key: str | None = None) -> Any:
    from cloudburst.connectors.service import ConnectorService

    key = key or Fernet.generate_key().decode()
    return ConnectorService(f"sqlite:///{tmp_path / 'store.db'}", secret_keys=[key])


def api_key_connection(svc: Any, link: str, keys: list[tuple[str, str, str]], allowed_hosts: tuple[str, ...] = ()) -> None:
    """``keys``: (key, location, value) triples."""
    svc.create_connector(f"Svc {link}", link_name=f"{link}_svc", auth_type="api_key")
    for i, (key, location, _) in enumerate(keys):
        svc.add_param(f"{link}_svc", f"Key {i}", key, location)
    if allowed_hosts:
        svc.edit_connector(f"{link}_svc", allowed_hosts=list(allowed_hosts))
    svc.mark_ready(f"{link}_svc")
    svc.create_connection(f"{link}_svc", f"Conn {link}", link_name=link)
    svc.authorize_with_values(link, {key: value for key, _, value in keys})


def basic_connection(svc: Any, link: str, username: str, password: str) -> None:
    svc.create_connector(f"Svc {link}", link_name=f"{link}_svc", auth_type="basic")
    svc.mark_ready(f"{link}_svc")
    svc.create_connection(f"{link}_svc", f"Conn {link}", link_name=link)
    svc.authorize_with_values(link, {"username": username, "password": password})


def oauth_connection(svc: Any, link: str, provider: Any, grant_type: str = "authorization_code",
                     scopes: tuple[str, ...] = ("openid", "offline_access")) -> None:
    svc.create_connector(f"Svc {link}", link_name=f"{link}_svc", auth_type="oauth2")
    svc.configure_oauth(f"{link}_svc", grant_type=grant_type, client_id=provider.client_id,
                        client_secret=provider.client_secret, authorize_url=provider.authorize_url,
                        token_url=provider.token_url, revoke_url=provider.revoke_url)
    if scopes:
        svc.add_scopes(f"{link}_svc", [(s, s) for s in scopes])
        svc.set_scope_delimiter(f"{link}_svc", " ")
    svc.mark_ready(f"{link}_svc")
    svc.create_connection(f"{link}_svc", f"Conn {link}", link_name=link)


def store_tokens(svc: Any, link: str, tokens: Any, lifetime: float | None = None) -> None:
    seconds = lifetime if lifetime is not None else (tokens.expires_in or 3600)
    svc.save_tokens(link, access_token=tokens.access_token, refresh_token=tokens.refresh_token,
                    expires_at=_dt.datetime.now(_dt.timezone.utc) + _dt.timedelta(seconds=seconds), authorized=True)
