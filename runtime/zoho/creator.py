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

__all__ = ["CREATOR_TASKS", "creator_task"]

Send = Callable[[ZohoRequest], ZohoAnswer]

MAX_LIMIT = 1000  # Creator v2.1: at most 1,000 records per request

_OWNER, _APP = Param("owner", "text"), Param("app", "text")
SIGNATURES: dict[str, list[Param]] = {
    "getRecords": [_OWNER, _APP, Param("report", "text"), Param("criteria", "any_text", required=False),
                   Param("page", "number", required=False, default=1),
                   Param("page_size", "number", required=False, default=200)],
    "getRecordById": [_OWNER, _APP, Param("report", "text"), Param("id", "id")],
    "createRecord": [_OWNER, _APP, Param("form", "text"), Param("data", "map"),
                     Param("options", "map", required=False)],
    "updateRecord": [_OWNER, _APP, Param("report", "text"), Param("id", "id"), Param("data", "map"),
                     Param("options", "map", required=False)],
}
CREATOR_TASKS = tuple(SIGNATURES)


def _seg(text: str) -> str:
    return quote(text.strip(), safe="")


def creator_task(label: str, name: str, send: Send) -> Callable[..., Any]:
    params = SIGNATURES[name]

    def task(*args: Any) -> Any:
        v, connection = bind(label, params, args)
        base = f"/creator/v2.1/data/{_seg(v['owner'])}/{_seg(v['app'])}"
        query: tuple[tuple[str, str], ...] = ()
        body = None
        if name == "getRecords":
            if v["page_size"] > MAX_LIMIT:
                raise DelugeRuntimeError(f"{label}: page_size may be at most {MAX_LIMIT}, got {v['page_size']}")
            start = (v["page"] - 1) * v["page_size"] + 1
            query = (("from", str(start)), ("limit", str(v["page_size"])))
            if v["criteria"]:
                query = (("criteria", v["criteria"]),) + query
            method, path, op, module = "GET", f"{base}/report/{_seg(v['report'])}", "READ", v["report"]
        elif name == "getRecordById":
            method, path, op, module = "GET", f"{base}/report/{_seg(v['report'])}/{v['id']}", "READ", v["report"]
        elif name == "createRecord":
            body = json_text({"data": v["data"], **(v["options"] or {})})
            method, path, op, module = "POST", f"{base}/form/{_seg(v['form'])}", "CREATE", v["form"]
        else:
            body = json_text({"data": v["data"], **(v["options"] or {})})
            method, path, op, module = "PATCH", f"{base}/report/{_seg(v['report'])}/{v['id']}", "UPDATE", v["report"]
        request = ZohoRequest("creator", method, path, query, body, operation=op, module=module, task=label,
                              connection=connection)
        return whole(request, send(request))

    return task
