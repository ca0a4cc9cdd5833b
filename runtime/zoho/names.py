"""The names of the tasks a Zoho provider serves, known without importing the tasks: every
``cloudburst run`` installs the Zoho tasks, and a script that calls none should load none of
their modules. The names come from the task modules' signature tables, kept beside the
compiled-script cache and keyed by this package's files (see
:func:`cloudburst.script_cache.derived`)."""

from __future__ import annotations

import os

__all__ = ["CRM_VERSIONS", "task_names"]

#: Script spelling prefix → CRM REST version (the unversioned tasks are v2-based).
CRM_VERSIONS = {"zoho.crm": "v2", "zoho.crm.v2": "v2", "zoho.crm.v8": "v8"}


def task_names(cache_dir: str | None = None) -> list[str]:
    """Every integration task name a provider serves (from ``cache_dir`` when it holds them)."""
    from cloudburst.script_cache import derived

    return derived(cache_dir, "zoho-tasks", os.path.dirname(__file__), _from_modules)


def _from_modules() -> list[str]:
    from cloudburst.zoho.books import BOOKS_TASKS
    from cloudburst.zoho.creator import CREATOR_TASKS, CREATOR_V2_1_TASKS
    from cloudburst.zoho.crm import CRM_TASKS

    names = [f"{prefix}.{t}" for prefix in CRM_VERSIONS for t in CRM_TASKS]
    names += [f"zoho.books.{t}" for t in BOOKS_TASKS] + [f"zoho.creator.{t}" for t in CREATOR_TASKS]
    names += [f"zoho.creator.v2_1.{t}" for t in CREATOR_V2_1_TASKS]
    return names
