"""Zoho's data centres: the accounts server (OAuth) and the API domain of each.

Sources: Zoho Accounts multi-DC page (https://www.zoho.com/accounts/protocol/oauth/multi-dc.html),
CRM v8 multi-DC page (https://www.zoho.com/crm/developer/docs/api/v8/multi-dc.html) for CN.
The UK API domain is not documented on a page we could read; it follows the pattern.
Tests and proxies replace the domains with :func:`with_overrides`; nothing here reads the
environment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from dataclasses import dataclass
else:  # the same shape without importing dataclasses at start-up (see cloudburst.frozen)
    from cloudburst.frozen import record

    def dataclass(**_options: bool):
        return record(eq=True, frozen=True)

__all__ = ["DataCentre", "DATA_CENTRES", "lookup", "from_accounts_url", "with_overrides"]


@dataclass(frozen=True)
class DataCentre:
    code: str
    accounts: str
    api_domain: str

    @property
    def authorize_url(self) -> str:
        return f"{self.accounts}/oauth/v2/auth"

    @property
    def token_url(self) -> str:
        return f"{self.accounts}/oauth/v2/token"

    @property
    def revoke_url(self) -> str:
        return f"{self.accounts}/oauth/v2/token/revoke"


DATA_CENTRES: dict[str, DataCentre] = {dc.code: dc for dc in (
    DataCentre("us", "https://accounts.zoho.com", "https://www.zohoapis.com"),
    DataCentre("eu", "https://accounts.zoho.eu", "https://www.zohoapis.eu"),
    DataCentre("in", "https://accounts.zoho.in", "https://www.zohoapis.in"),
    DataCentre("au", "https://accounts.zoho.com.au", "https://www.zohoapis.com.au"),
    DataCentre("jp", "https://accounts.zoho.jp", "https://www.zohoapis.jp"),
    DataCentre("ca", "https://accounts.zohocloud.ca", "https://www.zohoapis.ca"),
    DataCentre("sa", "https://accounts.zoho.sa", "https://www.zohoapis.sa"),
    DataCentre("cn", "https://accounts.zoho.com.cn", "https://www.zohoapis.com.cn"),
    DataCentre("uk", "https://accounts.zoho.uk", "https://www.zohoapis.uk"),
)}

#: The domain suffixes people use for a DC ("com", "com.au", ...) as names for it.
_ALIASES = {"com": "us", "com.au": "au", "com.cn": "cn", "zohocloud.ca": "ca"}


def lookup(name: str, table: Mapping[str, DataCentre] | None = None) -> DataCentre:
    """The data centre called ``name`` (``eu``, ``com.au``, ...); ValueError names the choices."""
    dcs = DATA_CENTRES if table is None else table
    key = name.strip().lower().lstrip(".")
    key = _ALIASES.get(key, key)
    if key not in dcs:
        raise ValueError(f"unknown Zoho data centre {name!r} (choose one of {', '.join(sorted(dcs))})")
    return dcs[key]


def from_accounts_url(url: str, table: Mapping[str, DataCentre] | None = None) -> DataCentre | None:
    """The data centre whose accounts server serves ``url`` (a token or authorize URL)."""
    wanted = _origin(url)
    for dc in (DATA_CENTRES if table is None else table).values():
        if _origin(dc.accounts) == wanted:
            return dc
    return None


def with_overrides(overrides: Mapping[str, tuple[str, str]]) -> dict[str, DataCentre]:
    """The DC table with some DCs' (accounts, api_domain) base URLs replaced."""
    table = dict(DATA_CENTRES)
    for name, (accounts, api_domain) in overrides.items():
        code = lookup(name).code
        table[code] = DataCentre(code, accounts.rstrip("/"), api_domain.rstrip("/"))
    return table


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()
