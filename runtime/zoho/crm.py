"""``zoho.crm.*`` integration tasks mapped to Zoho CRM REST calls.

Signatures follow Zoho's Deluge pages (https://www.zoho.com/deluge/help/crm/…, e.g.
get-records-V8.html, create-record-V8.html, update-record-V8.html, upsert-record-V8.html,
bulk-create-records-V8.html, convert-lead-V8.html, attach-file-V8.html); endpoints follow
the CRM REST pages (https://www.zoho.com/crm/developer/docs/api/v8/…). The unversioned and
``v2`` names call REST v2 (Zoho: the unversioned tasks are v2-based); ``v8`` names call v8.
docs/zoho.md lists each task with its endpoint and where a page was silent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import quote

from cloudburst.errors import DelugeRuntimeError
from cloudburst.zoho.answers import crm_item, crm_record, crm_records, crm_write, whole
from cloudburst.zoho.args import Param, bind, record_id
from cloudburst.zoho.wire import ZohoAnswer, ZohoRequest, json_text

if TYPE_CHECKING:
    from dataclasses import dataclass
else:  # the same shape without importing dataclasses at start-up (see cloudburst.frozen)
    from cloudburst.frozen import record

    def dataclass(**_options: bool):
        return record(eq=True, frozen=True)

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
    from cloudburst.records import parse_criteria  # the record model loads only for a search

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


@dataclass(frozen=True)
class _Call:
    """One task call's fixed parts: sends a request for it and hands back (request, answer)."""

    task: str
    version: str
    connection: str | None
    send: Send

    def __call__(self, method: str, path: str, operation: str, module: str | None, *, query: Any = (),
                 body: Any = None, files: tuple[Any, ...] = ()) -> tuple[ZohoRequest, ZohoAnswer]:
        request = ZohoRequest("crm", method, f"/crm/{self.version}{path}", tuple(query),
                              None if body is None else json_text(body), form=() if files else None, files=files,
                              operation=operation, module=module, task=self.task, connection=self.connection)
        return request, self.send(request)

    def page(self, v: dict[str, Any]) -> tuple[tuple[str, str], ...]:
        return _paging(self.task, v["page"], v["per_page"]) + _pairs(v["query"])

    def write_body(self, data: Any, options: dict[str, Any] | None) -> dict[str, Any]:
        return {"data": data, **_triggers(self.task, options)}


def _get_record_by_id(c: _Call, v: dict[str, Any]) -> Any:
    return crm_record(*c("GET", f"/{_seg(v['module'])}/{v['id']}", "READ", v["module"], query=_pairs(v["query"])))


def _get_records(c: _Call, v: dict[str, Any]) -> Any:
    return crm_records(*c("GET", f"/{_seg(v['module'])}", "READ", v["module"], query=c.page(v)))


def _search_records(c: _Call, v: dict[str, Any]) -> Any:
    _check_criteria(c.task, v["criteria"])
    query = (("criteria", v["criteria"]),) + c.page(v)
    return crm_records(*c("GET", f"/{_seg(v['module'])}/search", "SEARCH", v["module"], query=query))


def _create_record(c: _Call, v: dict[str, Any]) -> Any:
    body = c.write_body([v["data"]], v["options"])
    return crm_write(*c("POST", f"/{_seg(v['module'])}", "CREATE", v["module"], body=body))


def _update_record(c: _Call, v: dict[str, Any]) -> Any:
    body = c.write_body([v["data"]], v["options"])
    return crm_write(*c("PUT", f"/{_seg(v['module'])}/{v['id']}", "UPDATE", v["module"], body=body))


def _upsert(c: _Call, v: dict[str, Any]) -> Any:
    body = c.write_body([v["data"]], v["options"])
    return crm_write(*c("POST", f"/{_seg(v['module'])}/upsert", "CREATE", v["module"], body=body))


def _bulk_create(c: _Call, v: dict[str, Any]) -> Any:
    body = c.write_body(_records(c.task, v["records"], need_id=False), v["options"])
    return whole(*c("POST", f"/{_seg(v['module'])}", "CREATE", v["module"], body=body))


def _bulk_update(c: _Call, v: dict[str, Any]) -> Any:
    body = c.write_body(_records(c.task, v["records"], need_id=True), v["options"])
    return whole(*c("PUT", f"/{_seg(v['module'])}", "UPDATE", v["module"], body=body))


def _get_related_records(c: _Call, v: dict[str, Any]) -> Any:
    path = f"/{_seg(v['parent_module'])}/{v['parent_id']}/{_seg(v['relation'])}"
    return crm_records(*c("GET", path, "READ", v["parent_module"], query=c.page(v)))


def _update_related_record(c: _Call, v: dict[str, Any]) -> Any:
    path = f"/{_seg(v['parent_module'])}/{v['parent_id']}/{_seg(v['relation'])}/{v['related_id']}"
    return crm_item(*c("PUT", path, "UPDATE", v["parent_module"], body={"data": [v["data"] or {}]}))


def _convert_lead(c: _Call, v: dict[str, Any]) -> Any:
    path = f"/Leads/{v['lead_id']}/actions/convert"
    return crm_write(*c("POST", path, "CREATE", "Leads", body={"data": [v["values"] or {}]}))


def _attach_file(c: _Call, v: dict[str, Any]) -> Any:
    path = f"/{_seg(v['module'])}/{v['id']}/Attachments"
    return crm_item(*c("POST", path, "CREATE", v["module"], files=(_named(v["file"]),)))


def _delete_record(c: _Call, v: dict[str, Any]) -> Any:
    workflow = "true" if _triggers(c.task, v["options"])["trigger"] else "false"
    path = f"/{_seg(v['module'])}/{v['id']}"
    return crm_item(*c("DELETE", path, "DELETE", v["module"], query=(("wf_trigger", workflow),)))


_HANDLERS: dict[str, Callable[[_Call, dict[str, Any]], Any]] = {
    "getRecordById": _get_record_by_id, "getRecords": _get_records, "searchRecords": _search_records,
    "createRecord": _create_record, "updateRecord": _update_record, "upsert": _upsert,
    "bulkCreate": _bulk_create, "bulkUpdate": _bulk_update, "getRelatedRecords": _get_related_records,
    "updateRelatedRecord": _update_related_record, "convertLead": _convert_lead, "attachFile": _attach_file,
    "deleteRecord": _delete_record,
}


def crm_task(label: str, name: str, version: str, send: Send) -> Callable[..., Any]:
    """The implementation of CRM task ``name`` (called ``label`` in scripts) on REST
    ``version`` over ``send``."""
    params, handler = SIGNATURES[name], _HANDLERS[name]

    def task(*args: Any) -> Any:
        values, connection = bind(label, params, args)
        return handler(_Call(label, version, connection, send), values)

    return task


def _named(file: Any) -> Any:
    """Zoho's attachment upload takes the file in the multipart field ``file``."""
    from cloudburst.values import DelugeFile

    copy = DelugeFile(file.name or "file", file.content, file.content_type)
    copy.param_name = "file"
    return copy
