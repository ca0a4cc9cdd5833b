"""Turning Zoho's REST answers into the values Deluge tasks return.

CRM envelopes (https://www.zoho.com/crm/developer/docs/api/v8/get-records.html,
.../insert-records.html): reads answer ``{"data": [records], "info": {...}}`` or HTTP 204
with no body when nothing matches; writes answer ``{"data": [{"code", "details",
"message", "status"}]}`` per record; a whole-request failure is ``{"code", "details",
"message", "status": "error"}``. Deluge returns Zoho's error answers as maps
(https://www.zoho.com/deluge/help/crm/search-records-V8.html) instead of failing.
"""

from __future__ import annotations

from typing import Any

from cloudburst.errors import DelugeRuntimeError
from cloudburst.values import DelugeList, DelugeMap
from cloudburst.zoho.wire import ZohoAnswer, ZohoRequest

__all__ = ["body", "crm_records", "crm_record", "crm_write", "crm_item", "whole"]


def body(request: ZohoRequest, answer: ZohoAnswer) -> Any:
    """The answer's JSON value; an answer that is not JSON (an HTML error page, a proxy's
    text) is an error naming the status, since no Deluge value stands for it."""
    value = answer.value()
    if isinstance(value, (DelugeMap, DelugeList)) or (value is None and answer.status < 400):
        return value
    shown = f": {str(value)[:200]}" if value else " (empty body)"
    raise DelugeRuntimeError(f"{request.task}: Zoho answered HTTP {answer.status} without JSON "
                             f"({request.describe()}){shown}")


def _error(value: Any) -> bool:
    return isinstance(value, DelugeMap) and ("data" not in value or value.get("status") == "error")


def crm_records(request: ZohoRequest, answer: ZohoAnswer) -> Any:
    """A list of record maps (empty on 204), or Zoho's error map."""
    value = body(request, answer)
    if value is None:
        return DelugeList()
    if _error(value) or not isinstance(value.get("data"), list):
        return value
    return value["data"]


def crm_record(request: ZohoRequest, answer: ZohoAnswer) -> Any:
    """One record map (empty when Zoho has none), or Zoho's error map."""
    records = crm_records(request, answer)
    if isinstance(records, DelugeList):
        return records[0] if records else DelugeMap()
    return records


def crm_item(request: ZohoRequest, answer: ZohoAnswer) -> Any:
    """The first per-record result of a write (``code``, ``details``, ``message``, ``status``)."""
    value = body(request, answer)
    if value is None:
        return DelugeMap()
    data = value.get("data") if isinstance(value, DelugeMap) else None
    if isinstance(data, list) and data and isinstance(data[0], DelugeMap):
        return data[0]
    return value


def crm_write(request: ZohoRequest, answer: ZohoAnswer) -> Any:
    """A create/update/upsert answer as Deluge gives it: the record's ``details``
    (``id``, ``Created_Time``, ...) on success, the per-record error map otherwise."""
    item = crm_item(request, answer)
    if str(item.get("status", "")).lower() == "success" and isinstance(item.get("details"), DelugeMap):
        return item["details"]
    return item


def whole(request: ZohoRequest, answer: ZohoAnswer) -> Any:
    """The full answer map (Books, Creator and the bulk tasks return Zoho's body as it is)."""
    value = body(request, answer)
    return DelugeMap() if value is None else value
