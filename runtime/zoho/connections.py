"""Which stored connection serves a Zoho call.

In order: the run's mapping for the service (``--connection-for zoho.crm=my_crm``, or
``zoho=…`` for every service), then the connection the script names in its trailing
argument, then the one connected Zoho connection whose scopes cover the service. A Zoho
connection is one whose connector sends Zoho's ``Zoho-oauthtoken`` bearer name.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from cloudburst.errors import CloudburstError, DelugeRuntimeError

__all__ = ["ConnectionFinder", "BEARER_NAME", "SERVICE_PREFIXES", "service_of", "is_zoho_connector"]

BEARER_NAME = "Zoho-oauthtoken"
#: The scope prefix of each service's OAuth scopes.
SERVICE_PREFIXES = {"crm": "ZohoCRM.", "books": "ZohoBooks.", "creator": "ZohoCreator."}
#: invokeapi service names → the task family they share connections with.
_INVOKEAPI_SERVICES = {"zohocrm": "crm", "crm": "crm", "zohobooks": "books", "books": "books",
                       "zohocreator": "creator", "creator": "creator"}


def is_zoho_connector(connector: Mapping[str, Any]) -> bool:
    """Whether a connector (as ``get_connector`` shows it) sends Zoho's bearer name."""
    return bool((connector.get("oauth") or {}).get("bearer_name") == BEARER_NAME)


def service_of(name: str) -> str:
    """The service family of a task or invokeapi service name (``zoho.crm.v8`` → ``crm``)."""
    low = name.lower()
    for part in low.split("."):
        if part in _INVOKEAPI_SERVICES:
            return _INVOKEAPI_SERVICES[part]
    return low


class ConnectionFinder:
    """Resolves (service, script's connection argument) to a connection link name, once per
    run and service."""

    def __init__(self, store: Callable[[], Any], mapping: Mapping[str, str] | None = None) -> None:
        self._store_factory = store
        self._mapping = {service_of(k): v for k, v in (mapping or {}).items() if service_of(k) != "zoho"}
        self._everything = (mapping or {}).get("zoho")
        self._defaults: dict[str, str] = {}

    def store(self) -> Any:
        try:
            store = self._store_factory()
        except CloudburstError as exc:
            raise DelugeRuntimeError(f"Zoho tasks need the connection store: {exc.message}") from None
        except Exception as exc:  # e.g. a store migrated by a newer Cloudburst
            raise DelugeRuntimeError(
                f"Zoho tasks need the connection store, which could not be opened ({type(exc).__name__})") from None
        if store is None:
            raise DelugeRuntimeError("Zoho tasks need a connection store; none is configured for this runtime")
        return store

    def link_for(self, service: str, named: str | None, task: str) -> str:
        chosen = self._mapping.get(service) or self._everything or named
        if chosen:
            return chosen
        if service not in self._defaults:
            self._defaults[service] = self._default(service, task)
        return self._defaults[service]

    def _default(self, service: str, task: str) -> str:
        store = self.store()
        prefix = SERVICE_PREFIXES.get(service)
        candidates: list[str] = []
        for summary in store.list_connections():
            if summary.get("status") != "connected" or not summary.get("enabled", True):
                continue
            if summary.get("auth_type") != "oauth2":
                continue
            if not is_zoho_connector(store.get_connector(summary["connector"])):
                continue
            scopes = store.get_connection(summary["link_name"]).get("scopes") or []
            if prefix is None or any(str(s).startswith(prefix) for s in scopes):
                candidates.append(summary["link_name"])
        if len(candidates) == 1:
            return candidates[0]
        hint = f"--connection-for zoho.{service}=LINK_NAME"
        if not candidates:
            raise DelugeRuntimeError(
                f"{task}: no connected Zoho connection has {service} scopes; create one with: cloudburst connector "
                f"create NAME --preset zoho --dc DC --apps {service}, or run against --records or --replay")
        raise DelugeRuntimeError(
            f"{task}: several Zoho connections could serve {service} ({', '.join(sorted(candidates))}); choose one "
            f"with {hint} or pass it as the task's connection argument")
