"""Which dotted names are namespaces rather than variables.

A call ``a.b(...)`` or ``a.b.c(...)`` whose root ``a`` is not a variable is a *namespace
call*: a Zoho task (``zoho.crm.getRecordById``), a function of this app
(``thisapp.Billing.rate``, ``standalone.sync``, ``automation.notify``) or of another app.
The resolver reads these tables to tell such a call from a method called on an undefined
variable, which Zoho refuses to save.
"""

from __future__ import annotations

__all__ = ["ZOHO_SERVICES", "ZOHO_TASKS", "APP_PREFIXES", "FUNCTION_CATEGORIES", "is_zoho_task"]

#: ``zoho.<service>.<task>(...)``: the Zoho services that have Deluge integration tasks
#: (zoho.com/deluge/help, "Integration tasks"). Any task name under them is accepted: the
#: service's task list is long and grows, and a call runs only when the host serves it.
ZOHO_SERVICES = frozenset({
    "crm", "books", "creator", "desk", "projects", "cliq", "people", "recruit", "inventory", "invoice",
    "subscriptions", "billing", "mail", "workdrive", "sign", "sheet", "writer", "bigin", "analytics",
    "campaigns", "salesiq", "expense", "fsm", "ai", "map", "backstage", "commerce", "connect", "sdp",
    "assist", "survey", "meeting", "show", "notebook", "calendar", "forms", "flow", "marketinghub",
    "catalyst", "shifts", "lens", "bookings", "vault", "learn", "contracts", "payments", "checkout",
    "bugtracker", "sprints", "tables", "workerly", "commerceplus", "sites", "pagesense", "social",
    "orchestly", "qntrl", "zia", "encryption", "file", "telephony", "voice", "mdm", "thrive",
})

#: ``zoho.<task>(...)`` tasks directly under ``zoho`` (Creator's push notification).
ZOHO_TASKS = frozenset({"pushnotification"})

#: Roots under which a script calls functions of its own app: Creator's ``thisapp`` and
#: CRM's ``standalone``.
APP_PREFIXES = frozenset({"thisapp", "standalone"})

#: CRM function categories (``automation.notify(...)``, ``button.convert(...)``): a call
#: through one names a function saved elsewhere in the account.
FUNCTION_CATEGORIES = frozenset({
    "automation", "button", "schedule", "validation", "workflow", "related_list", "relatedlist",
    "blueprint", "approval", "ns", "util", "utils",
})


def is_zoho_task(parts: list[str]) -> bool:
    """Whether ``zoho.<...>`` (``parts`` lowered, ``zoho`` included) names a Zoho task."""
    if len(parts) == 2:
        return parts[1] in ZOHO_TASKS
    return len(parts) >= 3 and parts[1] in ZOHO_SERVICES
