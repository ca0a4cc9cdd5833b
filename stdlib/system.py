"""System variables: the clock (``zoho.currentdate``, ``today``, ...) and the identity
of the user and app (``zoho.loginuser``, ``zoho.appname``, ...).

Identity values come from ``Settings.system`` (key = the name without ``zoho.``); a
local run has no Zoho account, so the defaults are deliberately local-looking
(documented in ``docs/semantics/dates.md``).
"""

from __future__ import annotations

from typing import Any, Callable

from cloudburst.datetime_types import dt as _dt
from cloudburst.stdlib.registry import system_variable
from cloudburst.values import from_python

#: Values used when ``Settings.system`` does not set a key.
DEFAULTS: dict[str, str] = {
    "loginuser": "cloudburst",
    "loginuserid": "cloudburst@localhost",
    "adminuser": "cloudburst",
    "adminuserid": "cloudburst@localhost",
    "appname": "cloudburst",
    "appuri": "/cloudburst/cloudburst/",
    "ipaddress": "127.0.0.1",
}

_DOCS = {
    "loginuser": "Name of the user running the script.",
    "loginuserid": "E-mail address of the user running the script.",
    "adminuser": "Name of the account owner.",
    "adminuserid": "E-mail address of the account owner (the usual sendmail sender).",
    "appname": "Link name of the Creator application.",
    "appuri": "Path of the Creator application (/owner/app/).",
    "ipaddress": "IP address of the caller.",
}


def _today(ctx: Any) -> _dt.date:
    return ctx.now().date()  # type: ignore[no-any-return]


def _now(ctx: Any) -> _dt.datetime:
    return ctx.now()  # type: ignore[no-any-return]


for _name in ("zoho.currentdate", "today"):
    system_variable(_name, returns="DATE", tier=1, doc="Today's date in the run's time zone.")(_today)
for _name in ("zoho.currenttime", "now"):
    system_variable(_name, returns="DATETIME", tier=1, doc="The current date-time in the run's time zone.")(_now)


def _setting(key: str) -> Callable[[Any], Any]:
    def read(ctx: Any) -> Any:
        value = ctx.settings.system.get(key)
        return DEFAULTS[key] if value is None else from_python(value)

    read.__name__ = read.__qualname__ = f"system_{key}"
    return read


for _key, _doc in _DOCS.items():
    system_variable(f"zoho.{_key}", returns="TEXT", tier=1 if "user" in _key else 3, doc=_doc)(_setting(_key))
