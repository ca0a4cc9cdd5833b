"""Re-encrypting every stored secret with the newest key (``cloudburst secrets rotate``)."""

from __future__ import annotations


from sqlmodel import select

from cloudburst.connectors.base import StoreBase
from cloudburst.connectors.models import ConnectionSecret, Connector, StoreMeta

__all__ = ["SecretRotation"]


class SecretRotation(StoreBase):
    """Key rotation over the whole store."""

    def rotate_secrets(self) -> int:
        """Re-encrypt every stored secret with the newest key, in one transaction; returns the count."""
        count = 0
        with self._tx() as s:
            for model, fields in (
                (Connector, ("client_secret_enc",)),
                (ConnectionSecret, ("params_enc", "access_token_enc", "refresh_token_enc")),
                (StoreMeta, ("value",)),
            ):
                for row in s.exec(select(model)):
                    if isinstance(row, StoreMeta) and row.key != "canary":
                        continue
                    for field in fields:
                        token = getattr(row, field)
                        if token:
                            setattr(row, field, self._box.rotate(token))
                            count += 1
        return count
