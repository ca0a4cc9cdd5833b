"""Zoho's own apps from a script: ``zoho.crm.*`` (unversioned, ``v2``, ``v8``),
``zoho.books.*``, ``zoho.creator.*`` and ``invokeapi``, against the live org through a
Zoho connection, or replayed from a recording. See docs/zoho.md.

Importing this package is cheap; the HTTP side loads when a provider is built.
"""

from __future__ import annotations

from cloudburst.zoho.datacentres import DATA_CENTRES, DataCentre
from cloudburst.zoho.provider import ZohoProvider, install_record_store, task_names

__all__ = ["DATA_CENTRES", "DataCentre", "ZohoProvider", "install_record_store", "task_names"]
