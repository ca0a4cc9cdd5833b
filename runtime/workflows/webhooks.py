"""Webhook keys (Zoho's ``zapikey``): random, shown once, stored as SHA-256 only, listed by
their last four characters, rotated and revoked."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from sqlmodel import col, select

from cloudburst.workflows.errors import NotFound
from cloudburst.workflows.functions import Functions
from cloudburst.workflows.models import FunctionRow, WebhookRow
from cloudburst.workflows.store import WorkflowStore, iso

__all__ = ["Webhooks", "webhook_path"]


#: ``last_used_at`` is written at most this often (a busy webhook must not write on every call).
_TOUCH_EVERY = timedelta(seconds=60)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()


def webhook_path(function: str, key: str) -> str:
    """Zoho's REST-API-function URL shape (path and query)."""
    return f"/functions/{function}/actions/execute?auth_type=apikey&zapikey={key}"


class Webhooks:
    def __init__(self, store: WorkflowStore, functions: Functions) -> None:
        self._store = store
        self._functions = functions

    def create(self, function: str) -> tuple[dict[str, Any], str]:
        """A new key for ``function``: its record and the key itself (never shown again)."""
        self._functions.current(function)
        key = "cb_" + secrets.token_urlsafe(32)
        row = WebhookRow(function_name=function, key_hash=_digest(key), hint=key[-4:], created_at=self._store.now())
        with self._store.tx() as s:
            s.add(row)
        return self._describe(row), key

    @staticmethod
    def _describe(row: WebhookRow) -> dict[str, Any]:
        return {"id": row.id, "function": row.function_name, "key": "••••" + row.hint,
                "created_at": iso(row.created_at), "last_used_at": iso(row.last_used_at),
                "revoked": row.revoked_at is not None}

    def all(self, function: str | None = None) -> list[dict[str, Any]]:
        query = select(WebhookRow).order_by(col(WebhookRow.id))
        if function:
            query = query.where(WebhookRow.function_name == function)
        with self._store.tx() as s:
            return [self._describe(r) for r in s.exec(query).all()]

    def _live(self, s: Any, webhook_id: int) -> WebhookRow:
        row = s.get(WebhookRow, webhook_id)
        if row is None or row.revoked_at is not None:
            raise NotFound(f"webhook {webhook_id} does not exist or is revoked")
        return row  # type: ignore[no-any-return]

    def rotate(self, webhook_id: int) -> tuple[dict[str, Any], str]:
        """Replace the key of a webhook (the old key stops working at once)."""
        key = "cb_" + secrets.token_urlsafe(32)
        with self._store.tx() as s:
            row = self._live(s, webhook_id)
            row.key_hash, row.hint = _digest(key), key[-4:]
            s.add(row)
        return self._describe(row), key

    def revoke(self, webhook_id: int) -> None:
        with self._store.tx() as s:
            row = self._live(s, webhook_id)
            row.revoked_at = self._store.now()
            s.add(row)

    def authorize(self, function: str, key: str | None) -> str:
        """``"ok"``, ``"no-function"`` or ``"bad-key"`` for a call of ``function`` with
        ``key`` (compared by digest, in constant time), in one read."""
        digest = _digest(key or "")
        with self._store.tx() as s:
            if s.exec(select(FunctionRow.id).where(FunctionRow.name == function)).first() is None:
                return "no-function"
            if not key:
                return "bad-key"
            row = s.exec(select(WebhookRow).where(WebhookRow.key_hash == digest)).first()
            if row is None or row.revoked_at is not None or row.function_name != function \
                    or not hmac.compare_digest(row.key_hash, digest):
                return "bad-key"
            now = self._store.now()
            if row.last_used_at is None or now - row.last_used_at > _TOUCH_EVERY:
                row.last_used_at = now
                s.add(row)
            return "ok"

    def check(self, function: str, key: str | None) -> bool:
        """Is ``key`` a live key of ``function``?"""
        return self.authorize(function, key) == "ok"
