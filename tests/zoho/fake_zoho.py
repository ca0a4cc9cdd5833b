"""A contract fake of Zoho on 127.0.0.1: the accounts server (OAuth) and the CRM, Books
and Creator REST endpoints the Zoho tasks use, with Zoho's request checks and answer
shapes. Each answer cites the page it follows (the table in docs/zoho.md lists them too).

Two servers: ``accounts`` and ``api``. The token answer's ``api_domain`` is the ``api``
server, so a client that ignores it and uses the data centre's default domain fails.
"""

from __future__ import annotations

import datetime as _dt
from email.parser import BytesParser
import itertools
import json
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

from cloudburst.records import parse_creator_criteria, parse_criteria

NOW = "2026-12-03T10:00:00+00:00"
USER = {"id": "5550000000000111", "name": "Test User"}
MANDATORY = {"leads": "Last_Name", "contacts": "Last_Name", "accounts": "Account_Name", "deals": "Deal_Name"}
UNIQUE = {"leads": "Email", "contacts": "Email"}


def crm_error(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    # Error body: https://www.zoho.com/crm/developer/docs/api/v8/status-codes.html (code, details, message, status)
    return {"code": code, "details": details or {}, "message": message, "status": "error"}


@dataclass
class Exchange:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


@dataclass
class ZohoState:
    client_id: str = "1000.TESTCLIENT"
    client_secret: str = "test-client-secret-0123456789"
    api_domain: str = ""
    accounts: str = ""
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    access: dict[str, dict[str, Any]] = field(default_factory=dict)
    refresh: dict[str, list[str]] = field(default_factory=dict)
    crm: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    related: dict[tuple[str, str, str], list[dict[str, Any]]] = field(default_factory=dict)
    books: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    creator: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    log: list[Exchange] = field(default_factory=list)
    token_calls: list[dict[str, str]] = field(default_factory=list)
    faults: list[tuple[int, dict[str, Any], dict[str, str]]] = field(default_factory=list)
    ids: Any = field(default_factory=lambda: itertools.count(5550000000200001))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self.lock:
            for store in (self.codes, self.crm, self.related, self.books, self.creator):
                store.clear()
            self.log.clear()
            self.token_calls.clear()
            self.faults.clear()

    def new_id(self) -> str:
        return str(next(self.ids))

    def issue_code(self, scopes: list[str]) -> str:
        """A self-client grant code, as Zoho's API console generates it."""
        code = f"1000.{secrets.token_hex(16)}.{secrets.token_hex(16)}"
        self.codes[code] = {"scopes": scopes, "used": False}
        return code

    def mint(self, scopes: list[str]) -> str:
        token = f"1000.{secrets.token_hex(16)}.{secrets.token_hex(16)}"
        self.access[token] = {"scopes": scopes, "valid": True}
        return token

    def expire_all(self) -> None:
        for info in self.access.values():
            info["valid"] = False

    def fail_next(self, status: int, body: dict[str, Any], times: int = 1, headers: dict[str, str] | None = None) -> None:
        self.faults.extend([(status, body, headers or {})] * times)


class _Handler(BaseHTTPRequestHandler):
    state: ZohoState
    role: str
    protocol_version = "HTTP/1.1"  # keep-alive, as Zoho's servers (every answer sets Content-Length)
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _reply(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json;charset=UTF-8")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _read(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        parts = urlsplit(self.path)
        body = self._read()
        query = parse_qs(parts.query, keep_blank_values=True)
        state = self.state
        with state.lock:
            state.log.append(Exchange(self.command, parts.path, query, dict(self.headers.items()), body))
        if self.role == "accounts":
            return self._accounts(parts.path, query, body)
        token = (self.headers.get("Authorization") or "").removeprefix("Zoho-oauthtoken ").strip()
        info = state.access.get(token)
        if not (self.headers.get("Authorization") or "").startswith("Zoho-oauthtoken ") or not info or not info["valid"]:
            # INVALID_TOKEN: https://www.zoho.com/crm/developer/docs/api/v8/status-codes.html (HTTP 401)
            return self._reply(401, crm_error("INVALID_TOKEN", "invalid oauth token"))
        if state.faults:
            status, fault, headers = state.faults.pop(0)
            return self._reply(status, fault, headers)
        segments = [s for s in parts.path.split("/") if s]
        try:
            if segments[:1] == ["crm"]:
                return self._crm(segments[1], segments[2:], query, body, info["scopes"])
            if segments[:2] == ["books", "v3"]:
                return self._books(segments[2:], query, body, info["scopes"])
            if segments[:3] == ["creator", "v2.1", "data"]:
                return self._creator(segments[3:], query, body, info["scopes"])
        except _Answer as answer:
            return self._reply(answer.status, answer.body)
        self._reply(404, crm_error("INVALID_URL_PATTERN", "Please check if the URL trying to access is a correct one"))

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

    # -- accounts server -------------------------------------------------------------
    def _accounts(self, path: str, query: dict[str, list[str]], body: bytes) -> None:
        state = self.state
        if path == "/oauth/v2/auth":
            # Browser flow: https://www.zoho.com/accounts/protocol/oauth/web-apps/authorization.html;
            # multi-DC redirect carries location and accounts-server
            # (https://www.zoho.com/accounts/protocol/oauth/multi-dc/client-authorization.html).
            q = {k: v[0] for k, v in query.items()}
            if q.get("client_id") != state.client_id:
                return self._reply(400, {"error": "invalid_client"})
            code = state.issue_code(q.get("scope", "").split(","))
            state.codes[code]["offline"] = q.get("access_type") == "offline"
            target = q["redirect_uri"] + "?" + urlencode({"code": code, "state": q.get("state", ""), "location": "eu",
                                                          "accounts-server": state.accounts})
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        form = {k: v for k, v in parse_qsl(body.decode())}
        with state.lock:
            state.token_calls.append(form)
        if path == "/oauth/v2/token/revoke":
            # https://www.zoho.com/accounts/protocol/oauth/revoke-refresh-token.html
            # (token in the query as documented; the form body as RFC 7009 clients send it)
            state.refresh.pop(form.get("token") or query.get("token", [""])[0], None)
            return self._reply(200, {"status": "success"})
        if path != "/oauth/v2/token":
            return self._reply(404, {"error": "not_found"})
        # Token endpoint: https://www.zoho.com/accounts/protocol/oauth/self-client/authorization-code-flow.html,
        # .../web-apps/access-token-expiry.html (refresh). Zoho reports refusals as {"error": …} with HTTP 200.
        if form.get("client_id") != state.client_id or form.get("client_secret") != state.client_secret:
            return self._reply(200, {"error": "invalid_client"})
        grant = form.get("grant_type")
        if grant == "authorization_code":
            entry = state.codes.get(form.get("code", ""))
            if entry is None or entry["used"]:
                return self._reply(200, {"error": "invalid_code"})
            entry["used"] = True
            access = state.mint(entry["scopes"])
            answer = {"access_token": access, "api_domain": state.api_domain, "token_type": "Bearer", "expires_in": 3600}
            if entry.get("offline", True):
                refresh = f"1000.{secrets.token_hex(16)}.{secrets.token_hex(16)}"
                state.refresh[refresh] = entry["scopes"]
                answer["refresh_token"] = refresh
            return self._reply(200, answer)
        if grant == "refresh_token":
            scopes = state.refresh.get(form.get("refresh_token", ""))
            if scopes is None:
                return self._reply(200, {"error": "invalid_code"})
            return self._reply(200, {"access_token": state.mint(scopes), "api_domain": state.api_domain,
                                     "token_type": "Bearer", "expires_in": 3600})
        return self._reply(200, {"error": "unsupported_grant_type"})

    # -- CRM -------------------------------------------------------------------------
    def _crm(self, version: str, rest: list[str], query: dict[str, list[str]], body: bytes, scopes: list[str]) -> None:
        q = {k: v[0] for k, v in query.items()}
        module = rest[0] if rest else ""
        store = self.state.crm
        if module.lower() not in {m.lower() for m in store}:
            raise _Answer(400, crm_error("INVALID_MODULE", "the module name given seems to be invalid"))
        module = next(m for m in store if m.lower() == module.lower())
        rows = store[module]
        method = self.command
        op = {"GET": "READ", "POST": "CREATE", "PUT": "UPDATE", "DELETE": "DELETE"}[method]
        search = len(rest) > 1 and rest[1] == "search"
        needed = {f"zohocrm.modules.all", f"zohocrm.modules.{module.lower()}.all", f"zohocrm.modules.{module.lower()}.{op.lower()}"}
        have = {s.lower() for s in scopes}
        if not needed & have or (search and "zohosearch.securesearch.read" not in have):
            # https://www.zoho.com/crm/developer/docs/api/v8/status-codes.html: 401 OAUTH_SCOPE_MISMATCH
            raise _Answer(401, crm_error("OAUTH_SCOPE_MISMATCH", "invalid oauth scope to access this URL"))
        if method == "GET" and len(rest) == 1:
            # Get Records: https://www.zoho.com/crm/developer/docs/api/v8/get-records.html — fields is
            # mandatory from v3 on; per_page at most 200; 204 when nothing is there.
            if version != "v2" and not q.get("fields"):
                raise _Answer(400, crm_error("REQUIRED_PARAM_MISSING", "One of the expected parameter is missing",
                                             {"param": "fields"}))
            return self._page(rows, q)
        if method == "GET" and search:
            # Search Records: https://www.zoho.com/crm/developer/docs/api/v8/search-records.html
            try:
                test = parse_criteria(q.get("criteria", ""))
            except ValueError:
                raise _Answer(400, crm_error("INVALID_QUERY", "invalid query formed", {"reason": "criteria"}))
            return self._page([r for r in rows if test(r)], q)
        if method == "GET" and len(rest) == 2:
            found = [r for r in rows if r["id"] == rest[1]]
            if not found:
                return self._reply(204)  # decided (page silent): unknown id answers like an empty read
            return self._reply(200, {"data": [self._fields(found[0], q)]})
        if method == "GET" and len(rest) == 3:
            # Related records: https://www.zoho.com/crm/developer/docs/api/v8/get-related-records.html
            related = self.state.related.get((module.lower(), rest[1], rest[2].lower()))
            if related is None:
                raise _Answer(400, crm_error("INVALID_DATA", "the relation name given seems to be invalid"))
            return self._page(related, q)
        payload: dict[str, Any] = {}
        if body and self.headers.get("Content-Type", "").startswith("application/json"):
            try:
                payload = json.loads(body)
            except ValueError:
                raise _Answer(400, crm_error("INVALID_DATA", "invalid data", {"expected_data_type": "jsonobject"}))
        if method == "POST" and len(rest) == 1:
            return self._insert(module, rows, payload)
        if method == "POST" and rest[1:] == ["upsert"]:
            return self._upsert(module, rows, payload)
        if method == "PUT" and len(rest) in (1, 2):
            return self._update(module, rows, payload, rest[1] if len(rest) == 2 else None)
        if method == "PUT" and len(rest) == 4:
            # Update Related Records: https://www.zoho.com/crm/developer/docs/api/v8/update-related-records.html
            self.state.related.setdefault((module.lower(), rest[1], rest[2].lower()), []).append({"id": rest[3]})
            return self._reply(200, {"data": [{"code": "SUCCESS", "details": {"id": rest[3]},
                                               "message": "relation updated", "status": "success"}]})
        if method == "POST" and rest[2:] == ["actions", "convert"]:
            return self._convert(version, rows, rest[1], payload)
        if method == "POST" and rest[2:] == ["Attachments"]:
            return self._attach(rows, rest[1])
        if method == "DELETE" and len(rest) == 2:
            # Delete Records: https://www.zoho.com/crm/developer/docs/api/v8/delete-records.html
            found = [r for r in rows if r["id"] == rest[1]]
            if not found:
                raise _Answer(400, {"data": [crm_error("INVALID_DATA", "the id given seems to be invalid", {"id": rest[1]})]})
            rows.remove(found[0])
            return self._reply(200, {"data": [{"code": "SUCCESS", "details": {"id": rest[1]},
                                               "message": "record deleted", "status": "success"}]})
        raise _Answer(400, crm_error("INVALID_REQUEST_METHOD", "The http request method type is not a valid one"))

    @staticmethod
    def _fields(row: dict[str, Any], q: dict[str, str]) -> dict[str, Any]:
        if not q.get("fields"):
            return row
        wanted = set(q["fields"].split(",")) | {"id"}
        return {k: v for k, v in row.items() if k in wanted}

    def _page(self, rows: list[dict[str, Any]], q: dict[str, str]) -> None:
        page, per_page = int(q.get("page", 1)), int(q.get("per_page", 200))
        if per_page > 200:
            raise _Answer(400, crm_error("INVALID_DATA", "invalid data", {"param": "per_page", "maximum_length": 200}))
        if q.get("sort_by"):
            rows = sorted(rows, key=lambda r: str(r.get(q["sort_by"], "")), reverse=q.get("sort_order") == "desc")
        chunk = rows[(page - 1) * per_page: page * per_page]
        if not chunk:
            return self._reply(204)
        self._reply(200, {"data": [self._fields(r, q) for r in chunk],
                          "info": {"per_page": per_page, "count": len(chunk), "page": page,
                                   "more_records": page * per_page < len(rows)}})

    def _write_items(self, module: str, payload: dict[str, Any]) -> list[dict[str, Any]]:
        data = payload.get("data")
        if not isinstance(data, list) or not data:
            raise _Answer(400, crm_error("INVALID_DATA", "invalid data", {"expected_data_type": "jsonarray"}))
        if len(data) > 100:
            # Insert Records: at most 100 records per call (…/v8/insert-records.html)
            raise _Answer(400, crm_error("LIMIT_EXCEEDED", "the number of records exceeds the limit", {"limit": 100}))
        if not isinstance(payload.get("trigger", []), list):
            raise _Answer(400, crm_error("INVALID_DATA", "invalid data", {"api_name": "trigger"}))
        return data

    def _done(self, items: list[dict[str, Any]], ok_status: int) -> None:
        good = sum(i["status"] == "success" for i in items)
        status = ok_status if good == len(items) else 400 if good == 0 else 207
        self._reply(status, {"data": items})

    @staticmethod
    def _details(row: dict[str, Any]) -> dict[str, Any]:
        # Per-record write result: …/v8/insert-records.html (details: id, Created_Time, Modified_Time, Created_By, Modified_By)
        return {"Modified_Time": row["Modified_Time"], "Modified_By": USER, "Created_Time": row.get("Created_Time", NOW),
                "id": row["id"], "Created_By": USER}

    def _insert(self, module: str, rows: list[dict[str, Any]], payload: dict[str, Any]) -> None:
        items = []
        for record in self._write_items(module, payload):
            need = MANDATORY.get(module.lower())
            if need and not record.get(need):
                items.append(crm_error("MANDATORY_NOT_FOUND", "required field not found", {"api_name": need}))
                continue
            row = {**record, "id": self.state.new_id(), "Created_Time": NOW, "Modified_Time": NOW}
            rows.append(row)
            items.append({"code": "SUCCESS", "details": self._details(row), "message": "record added", "status": "success"})
        self._done(items, 201)

    def _update(self, module: str, rows: list[dict[str, Any]], payload: dict[str, Any], path_id: str | None) -> None:
        items = []
        for record in self._write_items(module, payload):
            rid = path_id or str(record.get("id", ""))
            found = [r for r in rows if r["id"] == rid]
            if not found:
                items.append(crm_error("INVALID_DATA", "the id given seems to be invalid", {"id": rid}))
                continue
            found[0].update({k: v for k, v in record.items() if k != "id"}, Modified_Time=NOW)
            items.append({"code": "SUCCESS", "details": self._details(found[0]), "message": "record updated",
                          "status": "success"})
        self._done(items, 200)

    def _upsert(self, module: str, rows: list[dict[str, Any]], payload: dict[str, Any]) -> None:
        # Upsert: https://www.zoho.com/crm/developer/docs/api/v8/upsert-records.html (action, duplicate_field)
        items = []
        keys = payload.get("duplicate_check_fields") or [UNIQUE.get(module.lower(), "id")]
        for record in self._write_items(module, payload):
            found = next((r for r in rows for k in keys if record.get(k) is not None and r.get(k) == record.get(k)), None)
            if found is None:
                row = {**record, "id": self.state.new_id(), "Created_Time": NOW, "Modified_Time": NOW}
                rows.append(row)
                items.append({"code": "SUCCESS", "duplicate_field": None, "action": "insert",
                              "details": self._details(row), "message": "record added", "status": "success"})
            else:
                found.update(record, Modified_Time=NOW)
                items.append({"code": "SUCCESS", "duplicate_field": keys[0], "action": "update",
                              "details": self._details(found), "message": "record updated", "status": "success"})
        self._done(items, 200)

    def _convert(self, version: str, rows: list[dict[str, Any]], lead_id: str, payload: dict[str, Any]) -> None:
        # Convert Lead: https://www.zoho.com/crm/developer/docs/api/v8/convert-lead.html; Deluge's answer
        # {"Contacts", "Deals", "Accounts"} (https://www.zoho.com/deluge/help/crm/convert-lead.html)
        lead = next((r for r in rows if r["id"] == lead_id), None)
        if lead is None:
            raise _Answer(400, {"data": [crm_error("INVALID_DATA", "the id given seems to be invalid", {"id": lead_id})]})
        values = (payload.get("data") or [{}])[0]
        ids = {"Contacts": self.state.new_id(), "Deals": self.state.new_id() if values.get("Deals") else None,
               "Accounts": values.get("Accounts") or self.state.new_id()}
        rows.remove(lead)
        if version == "v2":
            return self._reply(200, {"data": [ids]})
        self._reply(200, {"data": [{"code": "SUCCESS", "details": ids, "message": "lead converted",
                                    "status": "success"}]})

    def _attach(self, rows: list[dict[str, Any]], rid: str) -> None:
        # Upload Attachment: https://www.zoho.com/crm/developer/docs/api/v8/upload-attachment.html (multipart "file")
        if not any(r["id"] == rid for r in rows):
            raise _Answer(400, {"data": [crm_error("INVALID_DATA", "the related id given seems to be invalid", {"id": rid})]})
        ctype = self.headers.get("Content-Type", "")
        if not ctype.startswith("multipart/form-data"):
            raise _Answer(400, crm_error("INVALID_DATA", "invalid data", {"expected": "multipart file"}))
        body = self.state.log[-1].body
        message = BytesParser().parsebytes(f"Content-Type: {ctype}\r\n\r\n".encode() + body)
        files = [p for p in (message.get_payload() or []) if p.get_param("name", header="content-disposition") == "file"
                 and p.get_filename()]
        if not files:
            raise _Answer(400, crm_error("REQUIRED_PARAM_MISSING", "One of the expected parameter is missing",
                                         {"param": "file"}))
        aid = self.state.new_id()
        self._reply(200, {"data": [{"code": "SUCCESS", "details": {"Modified_Time": NOW, "Modified_By": USER,
                                                                   "Created_Time": NOW, "id": aid, "Created_By": USER},
                                    "message": "attachment uploaded successfully", "status": "success"}]})

    # -- Books -----------------------------------------------------------------------
    def _books(self, rest: list[str], query: dict[str, list[str]], body: bytes, scopes: list[str]) -> None:
        # Books v3: https://www.zoho.com/books/api/v3/introduction/ (organization_id on every call;
        # code 0 = success; errors {"code", "message"}: https://www.zoho.com/books/api/v3/errors/)
        q = {k: v[0] for k, v in query.items()}
        if not {"zohobooks.fullaccess.all", f"zohobooks.{rest[0]}.{'read' if self.command == 'GET' else 'create'}"} & {s.lower() for s in scopes}:
            raise _Answer(401, {"code": 57, "message": "You are not authorized to perform this operation"})
        if not q.get("organization_id"):
            raise _Answer(400, {"code": 6041, "message": "organization_id is required"})
        module = rest[0]
        one = module[:-1]
        key = f"{one}_id"
        rows = self.state.books.setdefault(module, [])
        if self.command == "GET" and len(rest) == 1:
            page, per_page = int(q.get("page", 1)), int(q.get("per_page", 200))
            filters = {k: v for k, v in q.items() if k not in ("organization_id", "page", "per_page")}
            match = [r for r in rows if all(str(r.get(k, "")).lower().startswith(v.lower()) for k, v in filters.items())]
            chunk = match[(page - 1) * per_page: page * per_page]
            return self._reply(200, {"code": 0, "message": "success", module: chunk,
                                     "page_context": {"page": page, "per_page": per_page,
                                                      "has_more_page": page * per_page < len(match)}})
        if self.command == "POST" and len(rest) == 1:
            data = json.loads(body or b"{}")
            row = {**data, key: self.state.new_id()}
            rows.append(row)
            return self._reply(201, {"code": 0, "message": f"The {one} has been added.", one: row})
        found = next((r for r in rows if r.get(key) == rest[1]), None) if len(rest) == 2 else None
        if found is None:
            raise _Answer(404, {"code": 1002, "message": f"{one.capitalize()} does not exist."})
        if self.command == "PUT":
            found.update(json.loads(body or b"{}"))
            return self._reply(200, {"code": 0, "message": f"{one.capitalize()} information has been saved.", one: found})
        return self._reply(200, {"code": 0, "message": "success", one: found})

    # -- Creator ---------------------------------------------------------------------
    def _creator(self, rest: list[str], query: dict[str, list[str]], body: bytes, scopes: list[str]) -> None:
        # Creator v2.1: https://www.zoho.com/creator/help/api/v2.1/get-records.html, add-records.html,
        # update-record.html (code 3000 = success; 9280 = no records for the criteria)
        q = {k: v[0] for k, v in query.items()}
        if len(rest) < 4:
            raise _Answer(404, {"code": 2930, "message": "Invalid URL"})
        kind, name = rest[2], rest[3]
        rows = self.state.creator.setdefault(name.lower(), [])
        if kind == "form" and self.command == "POST":
            data = json.loads(body or b"{}").get("data")
            items = data if isinstance(data, list) else [data]
            if not items or not all(isinstance(i, dict) for i in items):
                raise _Answer(400, {"code": 3001, "message": "Invalid input data"})
            results = []
            for item in items:
                row = {**item, "ID": self.state.new_id()}
                rows.append(row)
                results.append({"code": 3000, "data": {"ID": row["ID"]}, "message": "Data Added Successfully"})
            # one record: the result itself; several: {"result": [...]} (add-records.html)
            return self._reply(200, results[0] if isinstance(data, dict) else {"result": results})
        if kind == "report" and self.command == "GET" and len(rest) == 4:
            test = parse_creator_criteria(q.get("criteria", ""))
            start, limit = int(q.get("from", 1)), int(q.get("limit", 200))
            match = [r for r in rows if test(r)][start - 1: start - 1 + limit]
            if not match:
                return self._reply(200, {"code": 9280, "message": "No records found for the given criteria."})
            return self._reply(200, {"code": 3000, "data": match})
        found = next((r for r in rows if r["ID"] == rest[4]), None) if len(rest) == 5 else None
        if found is None:
            return self._reply(200, {"code": 3100, "message": "No Data Available"})
        if self.command == "PATCH":
            found.update(json.loads(body or b"{}").get("data") or {})
            return self._reply(200, {"code": 3000, "data": {"ID": found["ID"]}, "message": "Data Updated Successfully"})
        return self._reply(200, {"code": 3000, "data": found})


class _Answer(Exception):
    def __init__(self, status: int, body: Any) -> None:
        self.status, self.body = status, body


class FakeZoho:
    """Both servers, started on free loopback ports; ``stop()`` shuts them down."""

    def __init__(self) -> None:
        self.state = ZohoState()
        self._servers = []
        for role in ("accounts", "api"):
            handler = type(f"{role}Handler", (_Handler,), {"state": self.state, "role": role})
            server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self._servers.append(server)
        self.accounts = f"http://127.0.0.1:{self._servers[0].server_address[1]}"
        self.api = f"http://127.0.0.1:{self._servers[1].server_address[1]}"
        self.state.api_domain = self.api
        self.state.accounts = self.accounts

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
