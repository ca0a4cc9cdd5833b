"""``zoho.crm.*`` integration tasks mapped to Zoho CRM REST calls.

Signatures follow Zoho's Deluge pages (https://www.zoho.com/deluge/help/crm/…, e.g.
get-records-V8.html, create-record-V8.html, update-record-V8.html, upsert-record-V8.html,
bulk-create-records-V8.html, convert-lead-V8.html, attach-file-V8.html); endpoints follow
the CRM REST pages (https://www.zoho.com/crm/developer/docs/api/v8/…). The unversioned and
``v2`` names call REST v2 (Zoho: the unversioned tasks are v2-based); ``v8`` names call v8.
docs/zoho.md lists each task with its endpoint and where a page was silent.
"""

from __future__ import annotations

from typing import Any, Callable
from urllib.parse import quote

from cloudburst.errors import DelugeRuntimeError
from cloudburst.records import parse_criteria
from cloudburst.zoho.answers import crm_item, crm_record, crm_records, crm_write, whole
from cloudburst.zoho.args import Param, bind, record_id
from cloudburst.zoho.wire import ZohoAnswer, ZohoRequest, json_text

__all__ = ["CRM_TASKS", "crm_task"]

Send = Callable[[ZohoRequest], ZohoAnswer]

MAX_PER_PAGE = 200
MAX_WRITE = 100
MAX_CRITERIA = 10

_MODULE = Param("module", "text")
_ID = Param("id", "id")
_DATA = Param("data", "map")
_OPTIONS = Param("options", "map", required=False)
_QUERY = Param("query", "map", required=False)
_PAGE = Param("page", "number", required=False, default=1)
_PER_PAGE = Param("per_page", "number", required=False, default=MAX_PER_PAGE)

#: task name → signature (the connection is the implicit optional last argument)
SIGNATURES: dict[str, list[Param]] = {
    "getRecordById": [_MODULE, _ID, _QUERY],
    "getRecords": [_MODULE, _PAGE, _PER_PAGE, _QUERY],
    "searchRecords": [_MODULE, Param("criteria", "text"), _PAGE, _PER_PAGE, _QUERY],
    "createRecord": [_MODULE, _DATA, _OPTIONS],
    "updateRecord": [_MODULE, _ID, _DATA, _OPTIONS],
    "upsert": [_MODULE, _DATA, _OPTIONS],
    "bulkCreate": [_MODULE, Param("records", "list"), _OPTIONS],
    "bulkUpdate": [_MODULE, Param("records", "list"), _OPTIONS],
    "getRelatedRecords": [Param("relation", "text"), Param("parent_module", "text"), Param("parent_id", "id"),
                          _PAGE, _PER_PAGE, _QUERY],
    "updateRelatedRecord": [Param("relation", "text"), Param("related_id", "id"), Param("parent_module", "text"),
                            Param("parent_id", "id"), Param("data", "map", required=False)],
    "convertLead": [Param("lead_id", "id"), Param("values", "map", required=False)],
    "attachFile": [_MODULE, _ID, Param("file", "file")],
    "deleteRecord": [_MODULE, _ID, _OPTIONS],
}
CRM_TASKS = tuple(SIGNATURES)


def _seg(text: Any) -> str:
    return quote(str(text).strip(), safe="")


def _pairs(query: dict[str, Any] | None) -> tuple[tuple[str, str], ...]:
    out = []
    for key, value in (query or {}).items():
        if isinstance(value, list):
            value = ",".join(str(v) for v in value)
        elif isinstance(value, bool):
            value = "true" if value else "false"
        out.append((str(key), "" if value is None else str(value)))
    return tuple(out)


def _paging(task: str, page: int, per_page: int) -> tuple[tuple[str, str], ...]:
    if per_page > MAX_PER_PAGE:
        raise DelugeRuntimeError(f"{task}: per_page may be at most {MAX_PER_PAGE}, got {per_page}")
    return (("page", str(page)), ("per_page", str(per_page)))


def _triggers(task: str, options: dict[str, Any] | None) -> dict[str, Any]:
    """Write options as the REST body's top-level keys. Deluge runs no workflow unless the
    options ask (``{"trigger": ["workflow"]}``), while REST runs them unless told
    ``"trigger": []``, so an absent trigger is sent as an empty list."""
    extra = dict(options or {})
    trigger = extra.get("trigger", [])
    if isinstance(trigger, str):
        trigger = [trigger]
    if not isinstance(trigger, list):
        raise DelugeRuntimeError(f"{task}: the options' \"trigger\" must be a LIST such as [\"workflow\"]")
    extra["trigger"] = trigger
    return extra


def _check_criteria(task: str, criteria: str) -> None:
    try:
        parse_criteria(criteria)
    except ValueError as exc:
        raise DelugeRuntimeError(f"{task}: {exc}") from None
    conditions = criteria.count(":") // 2
    if conditions > MAX_CRITERIA:
        raise DelugeRuntimeError(f"{task}: Zoho allows at most {MAX_CRITERIA} conditions in a search, got {conditions}")


def _records(task: str, records: list[Any], need_id: bool) -> list[dict[str, Any]]:
    if not records:
        raise DelugeRuntimeError(f"{task}: the list of records is empty")
    if len(records) > MAX_WRITE:
        raise DelugeRuntimeError(f"{task}: at most {MAX_WRITE} records per call, got {len(records)}")
    for n, item in enumerate(records, start=1):
        if not isinstance(item, dict):
            raise DelugeRuntimeError(f"{task}: record {n} must be KEY-VALUE")
        if need_id and record_id(item.get("id")) is None:
            raise DelugeRuntimeError(f"{task}: record {n} has no \"id\" (bulkUpdate updates existing records)")
    return records


def crm_task(label: str, name: str, version: str, send: Send) -> Callable[..., Any]:
    """The implementation of CRM task ``name`` (called ``label`` in scripts) on REST
    ``version`` over ``send``."""
    params = SIGNATURES[name]

    def task(*args: Any) -> Any:
        values, connection = bind(label, params, args)
        return _run(name, version, label, values, connection, send)

    return task


def _run(name: str, version: str, task: str, v: dict[str, Any], connection: str | None, send: Send) -> Any:
    base = f"/crm/{version}"

    def call(method: str, path: str, operation: str, module: str | None, *, query: Any = (), body: Any = None,
             files: tuple[Any, ...] = ()) -> tuple[ZohoRequest, ZohoAnswer]:
        request = ZohoRequest("crm", method, base + path, tuple(query), None if body is None else json_text(body),
                              form=() if files else None, files=files, operation=operation, module=module,
                              task=task, connection=connection)
        return request, send(request)

    module = v.get("module")
    if name == "getRecordById":
        return crm_record(*call("GET", f"/{_seg(module)}/{v['id']}", "READ", module, query=_pairs(v["query"])))
    if name == "getRecords":
        query = _paging(task, v["page"], v["per_page"]) + _pairs(v["query"])
        return crm_records(*call("GET", f"/{_seg(module)}", "READ", module, query=query))
    if name == "searchRecords":
        _check_criteria(task, v["criteria"])
        query = (("criteria", v["criteria"]),) + _paging(task, v["page"], v["per_page"]) + _pairs(v["query"])
        return crm_records(*call("GET", f"/{_seg(module)}/search", "SEARCH", module, query=query))
    if name == "createRecord":
        body = {"data": [v["data"]], **_triggers(task, v["options"])}
        return crm_write(*call("POST", f"/{_seg(module)}", "CREATE", module, body=body))
    if name == "updateRecord":
        body = {"data": [v["data"]], **_triggers(task, v["options"])}
        return crm_write(*call("PUT", f"/{_seg(module)}/{v['id']}", "UPDATE", module, body=body))
    if name == "upsert":
        body = {"data": [v["data"]], **_triggers(task, v["options"])}
        return crm_write(*call("POST", f"/{_seg(module)}/upsert", "CREATE", module, body=body))
    if name in ("bulkCreate", "bulkUpdate"):
        records = _records(task, v["records"], need_id=name == "bulkUpdate")
        body = {"data": records, **_triggers(task, v["options"])}
        method, op = ("POST", "CREATE") if name == "bulkCreate" else ("PUT", "UPDATE")
        return whole(*call(method, f"/{_seg(module)}", op, module, body=body))
    if name == "getRelatedRecords":
        query = _paging(task, v["page"], v["per_page"]) + _pairs(v["query"])
        path = f"/{_seg(v['parent_module'])}/{v['parent_id']}/{_seg(v['relation'])}"
        return crm_records(*call("GET", path, "READ", v["parent_module"], query=query))
    if name == "updateRelatedRecord":
        path = f"/{_seg(v['parent_module'])}/{v['parent_id']}/{_seg(v['relation'])}/{v['related_id']}"
        return crm_item(*call("PUT", path, "UPDATE", v["parent_module"], body={"data": [v["data"] or {}]}))
    if name == "convertLead":
        return crm_write(*call("POST", f"/Leads/{v['lead_id']}/actions/convert", "CREATE", "Leads",
                               body={"data": [v["values"] or {}]}))
    if name == "attachFile":
        return crm_item(*call("POST", f"/{_seg(module)}/{v['id']}/Attachments", "CREATE", module,
                              files=(_named(v["file"]),)))
    if name == "deleteRecord":
        wf = "true" if _triggers(task, v["options"])["trigger"] else "false"
        return crm_item(*call("DELETE", f"/{_seg(module)}/{v['id']}", "DELETE", module, query=(("wf_trigger", wf),)))
    raise AssertionError(name)


def _named(file: Any) -> Any:
    """Zoho's attachment upload takes the file in the multipart field ``file``."""
    from cloudburst.values import DelugeFile

    copy = DelugeFile(file.name or "file", file.content, file.content_type)
    copy.param_name = "file"
    return copy
