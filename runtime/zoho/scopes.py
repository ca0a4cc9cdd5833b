"""OAuth scopes: what each Zoho app's tasks need, and which one a refused call lacked.

Scope grammar ``Service.scope.OPERATION`` (https://www.zoho.com/accounts/protocol/oauth/scope.html).
CRM: ``ZohoCRM.modules.ALL`` or ``ZohoCRM.modules.{module}.{READ|CREATE|UPDATE|WRITE|DELETE|ALL}``;
search also needs ``ZohoSearch.securesearch.READ``
(https://www.zoho.com/crm/developer/docs/api/v8/scopes.html, .../v8/search-records.html).
Books: ``ZohoBooks.fullaccess.all`` is what Zoho's own examples grant; per-module scopes
``ZohoBooks.{module}.{OPERATION}`` (https://www.zoho.com/books/api/v3/oauth/).
Creator: ``ZohoCreator.form.CREATE`` and ``ZohoCreator.report.{READ|UPDATE|DELETE}``
(https://www.zoho.com/creator/help/api/v2.1/oauth-overview.html).
"""

from __future__ import annotations

from typing import Sequence

__all__ = ["APP_SCOPES", "APPS", "scopes_for", "required_scopes", "missing_scopes"]

#: app → (display name, scope) pairs a connector preset adds.
APP_SCOPES: dict[str, tuple[tuple[str, str], ...]] = {
    "crm": (("CRM records", "ZohoCRM.modules.ALL"), ("CRM search", "ZohoSearch.securesearch.READ")),
    "books": (("Books", "ZohoBooks.fullaccess.all"),),
    "creator": (("Creator add records", "ZohoCreator.form.CREATE"), ("Creator read", "ZohoCreator.report.READ"),
                ("Creator update", "ZohoCreator.report.UPDATE"), ("Creator delete", "ZohoCreator.report.DELETE")),
}
APPS = tuple(APP_SCOPES)

_CRM_MODULE_NAMES = {"price_books": "pricebooks", "sales_orders": "salesorders", "purchase_orders": "purchaseorders"}
_CRM_STANDARD = {"leads", "accounts", "contacts", "deals", "campaigns", "tasks", "cases", "events", "calls",
                 "solutions", "products", "vendors", "pricebooks", "quotes", "salesorders", "purchaseorders",
                 "invoices", "notes", "appointments", "services"}


def scopes_for(apps: Sequence[str]) -> list[tuple[str, str]]:
    """(display name, scope) pairs a connection needs to run the given apps' tasks."""
    out: list[tuple[str, str]] = []
    for app in apps:
        key = app.strip().lower()
        if key not in APP_SCOPES:
            raise ValueError(f"unknown Zoho app {app!r} (choose from {', '.join(APPS)})")
        out.extend(pair for pair in APP_SCOPES[key] if pair not in out)
    return out


def _crm_module(module: str) -> str:
    name = _CRM_MODULE_NAMES.get(module.lower(), module.lower())
    return name if name in _CRM_STANDARD else "custom"


def required_scopes(service: str, operation: str, module: str | None) -> list[list[str]]:
    """What a call needs, as groups: each group is satisfied by any one of its scopes."""
    op = operation.upper()
    if service == "crm":
        groups = [[f"ZohoCRM.modules.{_crm_module(module or 'custom')}.{op}",
                   f"ZohoCRM.modules.{_crm_module(module or 'custom')}.ALL", "ZohoCRM.modules.ALL"]]
        if op == "SEARCH":
            groups = [[g.replace(".SEARCH", ".READ") for g in groups[0]], ["ZohoSearch.securesearch.READ"]]
        return groups
    if service == "books":
        return [[f"ZohoBooks.{(module or 'settings').lower()}.{op}", "ZohoBooks.fullaccess.all"]]
    if service == "creator":
        kind = "form" if op == "CREATE" else "report"
        return [[f"ZohoCreator.{kind}.{op}", f"ZohoCreator.{kind}.ALL"]]
    return []


def missing_scopes(groups: list[list[str]], granted: Sequence[str]) -> list[list[str]]:
    """The groups none of whose scopes was granted (Zoho matches scopes case-insensitively)."""
    have = {s.lower() for s in granted}
    return [g for g in groups if not any(s.lower() in have for s in g)]
