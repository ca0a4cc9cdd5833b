"""Zoho's own apps from a script: ``zoho.crm.*`` (unversioned, ``v2``, ``v8``),
``zoho.books.*``, ``zoho.creator.*`` and ``invokeapi``, against the live org through a
Zoho connection, or replayed from a recording. See docs/zoho.md.

Names are loaded on first use, so importing this package (every ``cloudburst run`` does)
loads none of the tasks; the HTTP side loads on a run's first Zoho call.
"""

from __future__ import annotations

from cloudburst.lazy import lazy_exports

TYPE_CHECKING = False

__all__ = ["DATA_CENTRES", "DataCentre", "ZohoProvider", "install_record_store", "task_names"]

_EXPORTS = {
    "DATA_CENTRES": "cloudburst.zoho.datacentres",
    "DataCentre": "cloudburst.zoho.datacentres",
    "ZohoProvider": "cloudburst.zoho.provider",
    "install_record_store": "cloudburst.zoho.provider",
    "task_names": "cloudburst.zoho.names",
}

if TYPE_CHECKING:
    from cloudburst.zoho.datacentres import DATA_CENTRES, DataCentre
    from cloudburst.zoho.names import task_names
    from cloudburst.zoho.provider import ZohoProvider, install_record_store


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, __all__)
