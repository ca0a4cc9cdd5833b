"""ConnectorService: the one facade over the connection store, used by the Python API, the
CLI, the REPL and the HTTP side.

It joins the store's parts, each a module of its own over :class:`~cloudburst.connectors.base.StoreBase`:
connector administration (:mod:`admin`), connections (:mod:`connections`, with the HTTP
contract of :mod:`http_side` under it) and key rotation (:mod:`rotation`). Every method runs in its own short
transaction. Results are plain JSON-ready dicts in which every secret value is shown as
``••••``; only :meth:`credentials_for` and :meth:`authorization_settings` return decrypted
values, for the HTTP layer.
"""

from __future__ import annotations

from cloudburst.connectors.admin import EXPORT_FORMAT, ConnectorAdmin
from cloudburst.connectors.connections import ConnectionAdmin
from cloudburst.connectors.rotation import SecretRotation

__all__ = ["ConnectorService", "EXPORT_FORMAT"]


class ConnectorService(ConnectorAdmin, ConnectionAdmin, SecretRotation):
    """Connectors, connections and their secrets in one SQL database."""
