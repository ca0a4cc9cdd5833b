"""Connector administration: general details, auth type, parameters, OAuth 2.0 details,
scopes, the Draft/Ready stage, delete, export and import."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from cloudburst.connectors import rules
from cloudburst.connectors.base import StoreBase, iso, row_id
from cloudburst.connectors.errors import ConnectorError, NotFoundError, RuleViolation
from cloudburst.connectors.models import Connector, ConnectorParam, ConnectorScope, utcnow

__all__ = ["ConnectorAdmin", "EXPORT_FORMAT"]


EXPORT_FORMAT = "cloudburst-connector"
_OAUTH_TEXT_FIELDS = ("client_id", "authorize_url", "token_url", "refresh_url", "revoke_url")
_OAUTH_FIELDS = (*_OAUTH_TEXT_FIELDS, "grant_type", "pkce", "client_secret", "bearer_name", "expiry_seconds")
_OAUTH_DEFAULTS: dict[str, Any] = {
    "grant_type": None, "pkce": True, "client_id": None, "client_secret_enc": None, "authorize_url": None,
    "token_url": None, "refresh_url": None, "revoke_url": None, "bearer_name": "Bearer",
    "expiry_seconds": 3600, "scope_delimiter": ",",
}


class ConnectorAdmin(StoreBase):
    """Connectors: what a connection is made for."""

    def create_connector(
        self,
        name: str,
        *,
        link_name: str | None = None,
        description: str | None = None,
        logo: bytes | None = None,
        auth_type: str | None = None,
    ) -> dict[str, Any]:
        """Create a Draft connector; the link name is derived from the name unless given."""
        clean_name = rules.connector_name(name)
        link = rules.connector_link_name(link_name if link_name is not None else rules.derive_link_name(clean_name))
        now = utcnow()
        connector = Connector(
            name=clean_name, link_name=link, description=rules.description(description),
            created_at=now, updated_at=now,
        )
        if logo is not None:
            connector.logo_type = rules.logo_type(logo)
            connector.logo = logo
        with self._tx() as s:
            self._ensure_link_free(s, link)
            s.add(connector)
            s.flush()
            if auth_type is not None:
                self._apply_auth_type(s, connector, rules.auth_type(auth_type))
        return self.get_connector(link)

    @staticmethod
    def _ensure_link_free(s: Session, link: str, field: str = "link_name") -> None:
        taken = s.exec(select(Connector.id).where(func.lower(Connector.link_name) == link.lower())).first()
        if taken is not None:
            raise RuleViolation(field, f'"{link}" is already used by another connector; choose another link name')

    def list_connectors(self, search: str | None = None) -> list[dict[str, Any]]:
        """Connectors ordered by link name; ``search`` matches name or link name (case-insensitive)."""
        with self._tx() as s:
            query = select(Connector).order_by(col(Connector.link_name))
            if search:
                pattern = f"%{search.lower()}%"
                query = query.where(or_(func.lower(Connector.name).like(pattern),
                                        func.lower(Connector.link_name).like(pattern)))
            return [self._connector_summary(s, c) for c in s.exec(query)]

    def _connector_summary(self, s: Session, c: Connector) -> dict[str, Any]:
        return {
            "name": c.name, "link_name": c.link_name, "stage": c.stage.capitalize(),
            "auth_type": c.auth_type, "connections": self._connection_names(s, c),
        }

    def get_connector(self, link_name: str) -> dict[str, Any]:
        with self._tx() as s:
            c = self._connector(s, link_name)
            info = self._connector_summary(s, c)
            info.update(
                description=c.description,
                logo={"type": c.logo_type, "bytes": len(c.logo)} if c.logo else None,
                params=[self._param_info(p) for p in self._params(s, c)],
                test_url=c.test_url,
                allowed_hosts=json.loads(c.allowed_hosts),
                created_at=iso(c.created_at), updated_at=iso(c.updated_at), ready_at=iso(c.ready_at),
            )
            if c.auth_type == "oauth2":
                info.update(self._oauth_details(s, c))
            return info

    @staticmethod
    def _param_info(p: ConnectorParam) -> dict[str, Any]:
        return {"role": p.role, "display_name": p.display_name, "key": p.key, "location": p.location}

    def edit_connector(self, link_name: str, /, **changes: Any) -> dict[str, Any]:
        """Change general details: name, link_name (Draft only), description, logo, test_url, allowed_hosts.

        A value of ``None`` clears an optional field.
        """
        unknown = set(changes) - {"name", "link_name", "description", "logo", "test_url", "allowed_hosts"}
        if unknown:
            raise ConnectorError(f"unknown connector field(s): {', '.join(sorted(unknown))}")
        with self._tx() as s:
            c = self._connector(s, link_name)
            if "name" in changes:
                c.name = rules.connector_name(changes["name"])
            if "description" in changes:
                c.description = rules.description(changes["description"])
            if "logo" in changes:
                data = changes["logo"]
                c.logo_type = None if data is None else rules.logo_type(data)
                c.logo = data
            if "test_url" in changes:
                c.test_url = None if changes["test_url"] is None else rules.http_url(changes["test_url"], "test_url")
            if "allowed_hosts" in changes:
                hosts = list(dict.fromkeys(rules.allowed_host(h) for h in changes["allowed_hosts"] or ()))
                c.allowed_hosts = json.dumps(hosts)
            if "link_name" in changes and changes["link_name"] != c.link_name:
                self._require_draft(c, "link_name")
                new_link = rules.connector_link_name(changes["link_name"])
                if new_link.lower() != c.link_name.lower():
                    self._ensure_link_free(s, new_link)
                c.link_name = new_link
            self._touch(c)
            final_link = c.link_name
        return self.get_connector(final_link)

    def set_auth_type(self, link_name: str, auth_type: str) -> bool:
        """Switch the auth type (Draft only), discarding all auth configuration; True if anything changed."""
        new_type = rules.auth_type(auth_type)
        with self._tx() as s:
            c = self._connector(s, link_name)
            self._require_draft(c, "auth_type")
            if c.auth_type == new_type:
                return False
            self._apply_auth_type(s, c, new_type)
            return True

    def _apply_auth_type(self, s: Session, c: Connector, new_type: str) -> None:
        for row in [*self._params(s, c), *self._scopes(s, c)]:
            s.delete(row)
        for field, value in _OAUTH_DEFAULTS.items():
            setattr(c, field, value)
        c.auth_type = new_type
        if new_type == "basic":
            s.add(ConnectorParam(connector_id=row_id(c.id), position=0, role="username", display_name="Username", key="username"))
            s.add(ConnectorParam(connector_id=row_id(c.id), position=1, role="password", display_name="Password", key="password"))
        if new_type == "oauth2":
            c.grant_type = "authorization_code"
        self._touch(c)

    # -- parameters (Basic / API key)

    def add_param(self, link_name: str, display_name: str, key: str, location: str = "header") -> dict[str, Any]:
        """Add an API-key parameter (Basic connectors have exactly their two fixed parameters)."""
        where = rules.location(location)
        clean_display = rules.param_display_name(display_name)
        clean_key = rules.param_key(key, where)
        with self._tx() as s:
            c = self._connector(s, link_name)
            self._require_draft(c, "params")
            if c.auth_type == "basic":
                raise RuleViolation("params", "a Basic connector has exactly a username and a password parameter; "
                                              "edit them instead of adding")
            self._require_auth(c, "params", "api_key")
            existing = self._params(s, c)
            self._ensure_param_key_free(existing, clean_key)
            param = ConnectorParam(connector_id=row_id(c.id), position=len(existing), role="api_key",
                                   display_name=clean_display, key=clean_key, location=where)
            s.add(param)
            self._touch(c)
            return self._param_info(param)

    @staticmethod
    def _ensure_param_key_free(params: Sequence[ConnectorParam], key: str, ignore: ConnectorParam | None = None) -> None:
        if any(p.key == key and p is not ignore for p in params):
            raise RuleViolation("key", f'"{key}" is already used by another parameter of this connector')

    def edit_param(
        self, link_name: str, key: str, *, display_name: str | None = None,
        new_key: str | None = None, location: str | None = None,
    ) -> dict[str, Any]:
        with self._tx() as s:
            c = self._connector(s, link_name)
            self._require_draft(c, "params")
            params = self._params(s, c)
            param = next((p for p in params if p.key == key), None)
            if param is None:
                raise NotFoundError(f'connector "{link_name}" has no parameter with key "{key}"')
            if location is not None:
                if param.role != "api_key":
                    raise RuleViolation("location", "applies only to API key parameters")
                param.location = rules.location(location)
            if display_name is not None:
                param.display_name = rules.param_display_name(display_name)
            if new_key is not None:
                self._ensure_param_key_free(params, rules.param_key(new_key, param.location), ignore=param)
                param.key = new_key
            elif location is not None:
                rules.param_key(param.key, param.location)
            self._touch(c)
            return self._param_info(param)

    def delete_params(self, link_name: str, keys: Iterable[str]) -> int:
        wanted = list(dict.fromkeys(keys))
        with self._tx() as s:
            c = self._connector(s, link_name)
            self._require_draft(c, "params")
            if c.auth_type == "basic":
                raise RuleViolation("params", "the username and password parameters of a Basic connector cannot be deleted")
            params = {p.key: p for p in self._params(s, c)}
            return self._delete_rows(s, c, params, wanted, f'connector "{link_name}" has no parameter with key')

    def _delete_rows(self, s: Session, c: Connector, present: dict[str, Any], wanted: list[str], missing: str) -> int:
        """Delete the rows named in ``wanted`` (all or none: an unknown name is refused first)."""
        unknown = [k for k in wanted if k not in present]
        if unknown:
            raise NotFoundError(f"{missing} {', '.join(unknown)}")
        for k in wanted:
            s.delete(present[k])
        self._touch(c)
        return len(wanted)

    # -- OAuth 2.0

    def configure_oauth(self, link_name: str, /, **changes: Any) -> dict[str, Any]:
        """Set OAuth 2.0 details (Draft only). ``None`` clears an optional URL."""
        unknown = set(changes) - set(_OAUTH_FIELDS)
        if unknown:
            raise ConnectorError(f"unknown OAuth field(s): {', '.join(sorted(unknown))}")
        with self._tx() as s:
            c = self._connector(s, link_name)
            self._require_draft(c, "oauth")
            self._require_auth(c, "oauth", "oauth2")
            for field, value in changes.items():
                if field == "grant_type":
                    c.grant_type = rules.grant_type(value)
                elif field == "pkce":
                    c.pkce = bool(value)
                elif field == "client_id":
                    c.client_id = None if value is None else rules.client_credential(value, "client_id")
                elif field == "client_secret":
                    c.client_secret_enc = self._encrypt(
                        None if value is None else rules.client_credential(value, "client_secret"))
                elif field == "bearer_name":
                    c.bearer_name = rules.bearer_name(value)
                elif field == "expiry_seconds":
                    c.expiry_seconds = rules.expiry_seconds(value)
                else:
                    setattr(c, field, None if value is None else rules.http_url(value, field))
            self._touch(c)
        return self.get_connector(link_name)

    # -- scopes

    def add_scopes(self, link_name: str, scopes: Iterable[tuple[str, str]]) -> int:
        """Add (display name, value) pairs; at most 50 scopes per connector."""
        new = [(rules.scope_display_name(n), rules.scope_value(v)) for n, v in scopes]
        with self._tx() as s:
            c = self._connector(s, link_name)
            self._require_auth(c, "scopes", "oauth2")
            existing = self._scopes(s, c)
            rules.check_scope_count(len(existing) + len(new))
            seen = {sc.value for sc in existing}
            for position, (name, value) in enumerate(new, start=len(existing)):
                if value in seen:
                    raise RuleViolation("scope value", f'"{value}" is already a scope of this connector')
                seen.add(value)
                s.add(ConnectorScope(connector_id=row_id(c.id), position=position, display_name=name, value=value))
            self._touch(c)
            return len(new)

    def edit_scopes(self, link_name: str, edits: Iterable[tuple[str, str | None, str | None]]) -> int:
        """Apply (current value, new display name or None, new value or None) edits together."""
        edits = list(edits)
        with self._tx() as s:
            c = self._connector(s, link_name)
            self._require_auth(c, "scopes", "oauth2")
            self._scopes_unlocked(s, c)
            by_value = {sc.value: sc for sc in self._scopes(s, c)}
            for current, name, value in edits:
                scope = by_value.get(current)
                if scope is None:
                    raise NotFoundError(f'connector "{link_name}" has no scope "{current}"')
                if name is not None:
                    scope.display_name = rules.scope_display_name(name)
                if value is not None:
                    scope.value = rules.scope_value(value)
            values = [sc.value for sc in by_value.values()]
            duplicates = sorted({v for v in values if values.count(v) > 1})
            if duplicates:
                raise RuleViolation("scope value", f'"{duplicates[0]}" would appear twice in this connector')
            self._touch(c)
            return len(edits)

    def delete_scopes(self, link_name: str, values: Iterable[str]) -> int:
        wanted = list(dict.fromkeys(values))
        with self._tx() as s:
            c = self._connector(s, link_name)
            self._require_auth(c, "scopes", "oauth2")
            self._scopes_unlocked(s, c)
            by_value = {sc.value: sc for sc in self._scopes(s, c)}
            return self._delete_rows(s, c, by_value, wanted, f'connector "{link_name}" has no scope')

    def list_scopes(self, link_name: str, search: str | None = None) -> list[dict[str, str]]:
        """Scopes in order; ``search`` matches the display name or the value (case-insensitive)."""
        with self._tx() as s:
            c = self._connector(s, link_name)
            self._require_auth(c, "scopes", "oauth2")
            needle = (search or "").lower()
            return [{"display_name": sc.display_name, "value": sc.value} for sc in self._scopes(s, c)
                    if needle in sc.display_name.lower() or needle in sc.value.lower()]

    def set_scope_delimiter(self, link_name: str, delimiter: str) -> None:
        value = rules.scope_delimiter(delimiter)
        with self._tx() as s:
            c = self._connector(s, link_name)
            self._require_auth(c, "scope_delimiter", "oauth2")
            self._scopes_unlocked(s, c)
            c.scope_delimiter = value
            self._touch(c)

    # -- stage, delete, export/import

    def mark_ready(self, link_name: str) -> list[str]:
        """Draft -> Ready (irreversible) once every mandatory auth detail is set; returns warnings."""
        with self._tx() as s:
            c = self._connector(s, link_name)
            if c.stage == "ready":
                raise RuleViolation("stage", f'connector "{link_name}" is already Ready')
            warnings: list[str] = []
            if c.auth_type is None:
                raise RuleViolation("auth_type", "must be set before the connector can be marked Ready")
            if c.auth_type == "api_key" and not self._params(s, c):
                raise RuleViolation("params", "an API key connector needs at least one parameter before it can be marked Ready")
            if c.auth_type == "oauth2":
                required = {"grant_type": c.grant_type, "client_id": c.client_id,
                            "client_secret": c.client_secret_enc, "token_url": c.token_url}
                if c.grant_type == "authorization_code":
                    required["authorize_url"] = c.authorize_url
                missing = [name for name, value in required.items() if not value]
                if missing:
                    raise RuleViolation("oauth", f"missing {', '.join(missing)} (required before marking Ready)")
                if not self._scopes(s, c):
                    warnings.append(f'connector "{link_name}" has no scopes; most OAuth 2.0 providers expect some')
            c.stage = "ready"
            c.ready_at = utcnow()
            self._touch(c)
            return warnings

    def delete_connector(self, link_name: str) -> None:
        with self._tx() as s:
            c = self._connector(s, link_name)
            names = self._connection_names(s, c)
            if names:
                raise ConnectorError(
                    f'connector "{link_name}" cannot be deleted: it has connections ({", ".join(names)}); '
                    "delete them first"
                )
            s.delete(c)  # parameters and scopes go with it (ON DELETE CASCADE)

    def export_connector(self, link_name: str) -> dict[str, Any]:
        """The connector's definition as JSON-ready data; secrets appear only as ``••••``."""
        with self._tx() as s:
            c = self._connector(s, link_name)
            data: dict[str, Any] = {
                "format": EXPORT_FORMAT, "version": 1, "name": c.name, "link_name": c.link_name,
                "description": c.description,
                "logo": {"type": c.logo_type, "base64": base64.b64encode(c.logo).decode()} if c.logo else None,
                "auth_type": c.auth_type,
                "params": [self._param_info(p) for p in self._params(s, c)],
                "test_url": c.test_url, "allowed_hosts": json.loads(c.allowed_hosts),
            }
            if c.auth_type == "oauth2":
                data.update(self._oauth_details(s, c))
            return data

    def import_connector(
        self, data: Mapping[str, Any], *, name: str | None = None, link_name: str | None = None,
    ) -> dict[str, Any]:
        """Recreate an exported connector as a Draft (in one transaction; secrets must be set again)."""
        if not isinstance(data, Mapping) or data.get("format") != EXPORT_FORMAT:
            raise ConnectorError(f'not a connector export (expected "format": "{EXPORT_FORMAT}")')
        if data.get("version") != 1:
            raise ConnectorError(f"unsupported connector export version {data.get('version')!r}")
        try:
            return self._import(data, name, link_name)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            if isinstance(exc, ConnectorError):
                raise
            raise ConnectorError(f"malformed connector export: {exc.__class__.__name__} {exc}") from None

    def _import(self, data: Mapping[str, Any], name: str | None, link_name: str | None) -> dict[str, Any]:
        clean_name = rules.connector_name(name or data["name"])
        link = rules.connector_link_name(link_name or data.get("link_name") or rules.derive_link_name(clean_name))
        logo = data.get("logo")
        logo_bytes = base64.b64decode(logo["base64"], validate=True) if logo else None
        auth = rules.auth_type(data["auth_type"]) if data.get("auth_type") else None
        now = utcnow()
        c = Connector(name=clean_name, link_name=link, description=rules.description(data.get("description")),
                      created_at=now, updated_at=now,
                      allowed_hosts=json.dumps([rules.allowed_host(h) for h in data.get("allowed_hosts") or []]))
        if logo_bytes is not None:
            c.logo_type, c.logo = rules.logo_type(logo_bytes), logo_bytes
        if data.get("test_url"):
            c.test_url = rules.http_url(data["test_url"], "test_url")
        with self._tx() as s:
            self._ensure_link_free(s, link)
            s.add(c)
            s.flush()
            if auth is None:
                return self._connector_summary(s, c)
            self._apply_auth_type(s, c, auth)
            params = data.get("params") or []
            if auth == "basic":
                for row, given in zip(self._params(s, c), params):
                    row.display_name = rules.param_display_name(given["display_name"])
                    row.key = rules.param_key(given["key"])
            elif auth == "api_key":
                seen: list[ConnectorParam] = []
                for position, given in enumerate(params):
                    where = rules.location(given.get("location") or "header")
                    row = ConnectorParam(connector_id=row_id(c.id), position=position, role="api_key", location=where,
                                         display_name=rules.param_display_name(given["display_name"]),
                                         key=rules.param_key(given["key"], where))
                    self._ensure_param_key_free(seen, row.key)
                    seen.append(row)
                    s.add(row)
            else:
                self._import_oauth(s, c, data)
            return self._connector_summary(s, c)

    def _import_oauth(self, s: Session, c: Connector, data: Mapping[str, Any]) -> None:
        oauth = data.get("oauth") or {}
        if oauth.get("grant_type"):
            c.grant_type = rules.grant_type(oauth["grant_type"])
        c.pkce = bool(oauth.get("pkce", True))
        if oauth.get("client_id"):
            c.client_id = rules.client_credential(oauth["client_id"], "client_id")
        for field in _OAUTH_TEXT_FIELDS[1:]:
            if oauth.get(field):
                setattr(c, field, rules.http_url(oauth[field], field))
        c.bearer_name = rules.bearer_name(oauth.get("bearer_name") or "Bearer")
        c.expiry_seconds = rules.expiry_seconds(oauth.get("expiry_seconds") or 3600)
        c.scope_delimiter = rules.scope_delimiter(data.get("scope_delimiter") or ",")
        scopes = [(rules.scope_display_name(x["display_name"]), rules.scope_value(x["value"]))
                  for x in data.get("scopes") or []]
        rules.check_scope_count(len(scopes))
        if len({v for _, v in scopes}) != len(scopes):
            raise RuleViolation("scope value", "the export lists a scope value twice")
        for position, (display, value) in enumerate(scopes):
            s.add(ConnectorScope(connector_id=row_id(c.id), position=position, display_name=display, value=value))
