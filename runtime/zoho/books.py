"""``zoho.books.*`` tasks mapped to Zoho Books REST v3 (https://www.zoho.com/books/api/v3/).

Signatures from Zoho's Deluge pages (https://www.zoho.com/deluge/help/books/fetch-records.html,
fetch-record-by-id.html, create-record.html, update-record.html). Every Books call carries
``organization_id``; the answer is Books' whole body (``code`` 0 on success, the record
under its singular key, lists under the module's plural key with ``page_context``), which
is what the Deluge tasks return, errors (``{"code": 1002, "message": …}``) included.
"""

from __future__ import annotations

from typing import Any, Callable
from urllib.parse import parse_qsl, quote

from cloudburst.zoho.answers import whole
from cloudburst.zoho.args import Param, bind
from cloudburst.zoho.wire import ZohoAnswer, ZohoRequest, json_text

__all__ = ["BOOKS_TASKS", "books_task"]

Send = Callable[[ZohoRequest], ZohoAnswer]

_MODULE = Param("module", "text")
_ORG = Param("org_id", "id")
SIGNATURES: dict[str, list[Param]] = {
    "getRecords": [_MODULE, _ORG, Param("search", "text_or_map", required=False)],
    "getRecordsByID": [_MODULE, _ORG, Param("id", "id")],
    "createRecord": [_MODULE, _ORG, Param("data", "map")],
    "updateRecord": [_MODULE, _ORG, Param("id", "id"), Param("data", "map")],
}
BOOKS_TASKS = tuple(SIGNATURES)


def _search(value: Any) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(parse_qsl(value.lstrip("?"), keep_blank_values=True))
    return tuple((str(k), "" if v is None else str(v)) for k, v in value.items())


def books_task(label: str, name: str, send: Send) -> Callable[..., Any]:
    params = SIGNATURES[name]

    def task(*args: Any) -> Any:
        v, connection = bind(label, params, args)
        module = v["module"].strip().lower()
        path = f"/books/v3/{quote(module, safe='')}"
        org: tuple[tuple[str, str], ...] = (("organization_id", v["org_id"]),)
        method, query, body, op = "GET", org, None, "READ"
        if name == "getRecords":
            query = org + _search(v["search"])
        elif name == "getRecordsByID":
            path += f"/{v['id']}"
        elif name == "createRecord":
            method, body, op = "POST", json_text(v["data"]), "CREATE"
        else:
            method, body, op = "PUT", json_text(v["data"]), "UPDATE"
            path += f"/{v['id']}"
        request = ZohoRequest("books", method, path, query, body, operation=op, module=module, task=label,
                              connection=connection)
        return whole(request, send(request))

    return task
