"""``zoho.creator.*`` tasks mapped to Zoho Creator REST v2.1
(https://www.zoho.com/creator/help/api/v2.1/): ``/creator/v2.1/data/{owner}/{app}/…`` on
the account's API domain.

Signatures from Zoho's Deluge pages (https://www.zoho.com/deluge/help/creator-get-records.html,
creator create/update record pages). The tasks return Creator's whole answer: ``code``
3000 with ``data`` on success, Creator's error code and ``message``/``description``
otherwise (e.g. 9280 when no record matches).
"""

from __future__ import annotations

from typing import Any, Callable
from urllib.parse import quote

from cloudburst.errors import DelugeRuntimeError
from cloudburst.zoho.answers import whole
from cloudburst.zoho.args import Param, bind
from cloudburst.zoho.wire import ZohoAnswer, ZohoRequest, json_text

__all__ = ["CREATOR_TASKS", "CREATOR_V2_1_TASKS", "creator_task", "creator_v2_1_task"]

Send = Callable[[ZohoRequest], ZohoAnswer]

MAX_LIMIT = 1000  # Creator v2.1: at most 1,000 records per request

_OWNER, _APP = Param("owner", "text"), Param("app", "text")
SIGNATURES: dict[str, list[Param]] = {
    "getRecords": [_OWNER, _APP, Param("report", "text"), Param("criteria", "any_text", required=False),
                   Param("page", "number", required=False, default=1),
                   Param("page_size", "number", required=False, default=200)],
    "getRecordById": [_OWNER, _APP, Param("report", "text"), Param("id", "id")],
    "createRecord": [_OWNER, _APP, Param("form", "text"), Param("data", "map_or_list"),
                     Param("options", "map", required=False)],
    "updateRecord": [_OWNER, _APP, Param("report", "text"), Param("id", "id"), Param("data", "map"),
                     Param("options", "map", required=False)],
}
CREATOR_TASKS = tuple(SIGNATURES)

_CONFIG = Param("configuration", "map", required=False)
#: ``zoho.creator.v2_1.*`` (https://www.zoho.com/deluge/help/get-records-v2.1.html,
#: get-record-by-id-v2.1.html, create-record-v2.1.html, create-records-v2.1.html): one
#: configuration map of the API's own parameters instead of positional options.
V2_1_SIGNATURES: dict[str, list[Param]] = {
    "getRecords": [_OWNER, _APP, Param("report", "text"), _CONFIG],
    "getRecordById": [_OWNER, _APP, Param("report", "text"), Param("id", "id"), _CONFIG],
    "createRecord": [_OWNER, _APP, Param("form", "text"), Param("data", "map"), _CONFIG],
    "createRecords": [_OWNER, _APP, Param("form", "text"), Param("data", "list"), _CONFIG],
}
CREATOR_V2_1_TASKS = tuple(V2_1_SIGNATURES)
MAX_CREATE = 200  # createRecords: "up to 200 records at once"


def _seg(text: str) -> str:
    return quote(text.strip(), safe="")


Route = tuple[str, str, str, str, tuple[tuple[str, str], ...], "str | None"]


def _task(label: str, params: Any, send: Send, route: Callable[[dict[str, Any], str], Route]) -> Callable[..., Any]:
    """A Creator task: bind the script's arguments, let ``route`` pick the request
    (method, path, operation, module, query, body) under the app's base path, send it."""

    def task(*args: Any) -> Any:
        v, connection = bind(label, params, args)
        method, path, op, module, query, body = route(v, f"/creator/v2.1/data/{_seg(v['owner'])}/{_seg(v['app'])}")
        request = ZohoRequest("creator", method, path, query, body, operation=op, module=module, task=label,
                              connection=connection)
        return whole(request, send(request))

    return task


def creator_task(label: str, name: str, send: Send) -> Callable[..., Any]:
    def route(v: dict[str, Any], base: str) -> Route:
        if name == "getRecords":
            if v["page_size"] > MAX_LIMIT:
                raise DelugeRuntimeError(f"{label}: page_size may be at most {MAX_LIMIT}, got {v['page_size']}")
            start = (v["page"] - 1) * v["page_size"] + 1
            query: tuple[tuple[str, str], ...] = (("from", str(start)), ("limit", str(v["page_size"])))
            if v["criteria"]:
                query = (("criteria", v["criteria"]),) + query
            return "GET", f"{base}/report/{_seg(v['report'])}", "READ", v["report"], query, None
        if name == "getRecordById":
            return "GET", f"{base}/report/{_seg(v['report'])}/{v['id']}", "READ", v["report"], (), None
        body = json_text({"data": v["data"], **(v["options"] or {})})
        if name == "createRecord":
            return "POST", f"{base}/form/{_seg(v['form'])}", "CREATE", v["form"], (), body
        return "PATCH", f"{base}/report/{_seg(v['report'])}/{v['id']}", "UPDATE", v["report"], (), body

    return _task(label, SIGNATURES[name], send, route)


def _query(config: dict[str, Any] | None) -> tuple[tuple[str, str], ...]:
    return tuple((str(k), ",".join(map(str, v)) if isinstance(v, list) else str(v)) for k, v in (config or {}).items())


def creator_v2_1_task(label: str, name: str, send: Send) -> Callable[..., Any]:
    def route(v: dict[str, Any], base: str) -> Route:
        if name == "getRecords":
            return "GET", f"{base}/report/{_seg(v['report'])}", "READ", v["report"], _query(v["configuration"]), None
        if name == "getRecordById":
            return ("GET", f"{base}/report/{_seg(v['report'])}/{v['id']}", "READ", v["report"],
                    _query(v["configuration"]), None)
        if name == "createRecords" and len(v["data"]) > MAX_CREATE:
            raise DelugeRuntimeError(f"{label}: at most {MAX_CREATE} records per call, got {len(v['data'])}")
        body = json_text({"data": v["data"], **(v["configuration"] or {})})
        return "POST", f"{base}/form/{_seg(v['form'])}", "CREATE", v["form"], (), body

    return _task(label, V2_1_SIGNATURES[name], send, route)
