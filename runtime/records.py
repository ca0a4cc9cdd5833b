"""An in-memory stand-in for Zoho CRM, Creator and Books records, so scripts that call
``zoho.crm.getRecordById`` and friends can run outside Zoho against fixture data.

Records are kept as plain JSON-like maps per (service, module); ids are digit text and are
never turned into numbers, so 19-digit ids stay exact.
"""

from __future__ import annotations

import copy
import datetime as _dt
import json
import re
import secrets
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Iterable, Mapping

__all__ = ["RecordStore", "parse_criteria", "parse_creator_criteria", "Criteria", "plain_value", "page_args",
           "record_id_arg", "text_arg"]

SERVICES = ("crm", "creator", "books")
_ID_KEYS = {"crm": "id", "creator": "ID"}
_FIRST_ID = 4150868000001000000
_MAX_PER_PAGE = 200

Record = dict[str, Any]
Criteria = Callable[[Mapping[str, Any]], bool]


def record_id_arg(value: Any, what: str) -> str:
    """Ids arrive as TEXT or NUMBER; both become digit text."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"{what} must be a record id (digits), got {type(value).__name__}")
    text = str(value).strip()
    if not text.isdigit():
        raise ValueError(f"{what} must be a record id (digits), got {text!r}")
    return text


def text_arg(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} must be non-empty text")
    return value


def _data(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{what} must be a KEY-VALUE map, got {type(value).__name__}")
    return {str(k): plain_value(v) for k, v in value.items()}


def plain_value(value: Any) -> Any:
    """Script values stored as Zoho keeps them: dates and times become ISO text."""
    if isinstance(value, dict):
        return {str(k): plain_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_value(v) for v in value]
    if isinstance(value, _dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    return value


def page_args(page: Any, per_page: Any, name: str) -> tuple[int, int]:
    for label, value in (("page", page), ("per_page", per_page)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name}: {label} must be a positive number, got {value!r}")
    if per_page > _MAX_PER_PAGE:
        raise ValueError(f"{name}: per_page may be at most {_MAX_PER_PAGE}, got {per_page}")
    return page, per_page


def _page(records: list[Record], page: int, per_page: int) -> list[Record]:
    start = (page - 1) * per_page
    return [copy.deepcopy(r) for r in records[start:start + per_page]]


class RecordStore:
    """Records per (service, module), plus CRM related lists per (parent module, parent id)."""

    def __init__(self, data: Mapping[str, Any] | None = None, *,
                 clock: Callable[[], _dt.datetime] | None = None) -> None:
        self._modules: dict[tuple[str, str], list[Record]] = {}
        self._related: dict[tuple[str, str, str], list[Record]] = {}
        self._names: dict[tuple[str, ...], tuple[str, ...]] = {}  # case-folded key -> names as first given
        self._clock = clock or (lambda: _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0))
        self._next_id = _FIRST_ID
        if data is not None:
            self._load(data)

    @classmethod
    def from_file(cls, path: str) -> RecordStore:
        with open(path, encoding="utf-8") as fh:
            return cls(json.load(fh, parse_float=Decimal))

    def _load(self, data: Mapping[str, Any]) -> None:
        if not isinstance(data, Mapping):
            raise ValueError("a records fixture must be a JSON object")
        for section in data:
            if section not in (*SERVICES, "related"):
                raise ValueError(f"unknown fixture section {section!r} (expected crm, creator, books, related)")
        for service in SERVICES:
            modules = data.get(service, {})
            if not isinstance(modules, Mapping):
                raise ValueError(f"fixture section {service!r} must map module names to lists of records")
            for module, rows in modules.items():
                if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                    raise ValueError(f"fixture {service}.{module} must be a list of record objects")
                stored = self._module(service, module)
                for row in rows:
                    stored.append(self._with_id(service, module, plain_value(row)))
        related = data.get("related", {})
        if not isinstance(related, Mapping):
            raise ValueError("fixture section 'related' must be {parent module: {parent id: {relation: [records]}}}")
        for parent_module, parents in related.items():
            for parent_id, relations in dict(parents).items():
                for relation, rows in dict(relations).items():
                    if not isinstance(rows, list):
                        raise ValueError(f"related {parent_module}.{parent_id}.{relation} must be a list of records")
                    names = (parent_module, record_id_arg(parent_id, "related parent id"), relation)
                    key = (names[0].lower(), names[1], names[2].lower())
                    self._names.setdefault(key, names)
                    self._related[key] = [plain_value(r) for r in rows]

    def _id_key(self, service: str, module: str) -> str:
        return _ID_KEYS.get(service) or f"{_singular(module)}_id"

    def _with_id(self, service: str, module: str, row: Record) -> Record:
        key = self._id_key(service, module)
        if key in row:
            row[key] = record_id_arg(row[key], f"{service}.{module} fixture id")
            if len(row[key]) >= 18:
                self._next_id = max(self._next_id, int(row[key]) + 1)
        else:
            row[key] = self._new_id()
        return row

    def _new_id(self) -> str:
        value = self._next_id
        self._next_id += 1
        return str(value)

    def _module(self, service: str, module: str) -> list[Record]:
        key = (service, module.lower())
        self._names.setdefault(key, (service, module))
        return self._modules.setdefault(key, [])

    def _find(self, service: str, module: str, record_id: str) -> Record | None:
        key = self._id_key(service, module)
        rows = self._modules.get((service, module.lower()), [])
        return next((r for r in rows if r.get(key) == record_id), None)

    def _now(self) -> str:
        return self._clock().isoformat(timespec="seconds")

    def dump(self) -> dict[str, Any]:
        """The store's current state in the fixture format (decimals as :class:`Decimal`)."""
        out: dict[str, Any] = {s: {} for s in SERVICES}
        for key, rows in self._modules.items():
            service, module = self._names[key]
            out[service][module] = copy.deepcopy(rows)
        related: dict[str, Any] = {}
        for related_key, rows in self._related.items():
            parent_module, parent_id, relation = self._names[related_key]
            related.setdefault(parent_module, {}).setdefault(parent_id, {})[relation] = copy.deepcopy(rows)
        out["related"] = related
        return out

    def dump_text(self) -> str:
        """The state as fixture JSON (indented), every decimal digit kept, as :meth:`from_file`
        reads it back: ``json`` alone would round decimals through float (and refuse integers
        of more than 4,300 digits)."""
        marker = secrets.token_hex(8)

        def decimal(value: Any) -> str:
            if isinstance(value, Decimal):
                return f"{marker}{value}"
            raise TypeError(f"{type(value).__name__} is not JSON-able")

        text = json.dumps(self.dump(), indent=2, ensure_ascii=False, default=decimal)
        return re.sub(f'"{marker}([^"]*)"', r"\1", text) + "\n"

    def install(self, runtime: Any) -> None:
        """Serve the supported integration tasks from this store on ``runtime``."""
        for name, fn in self.tasks().items():
            runtime.register_integration(name, fn)

    def tasks(self) -> dict[str, Callable[..., Any]]:
        return {
            "zoho.crm.getRecordById": self.crm_get_record_by_id,
            "zoho.crm.updateRecord": self.crm_update_record,
            "zoho.crm.createRecord": self.crm_create_record,
            "zoho.crm.searchRecords": self.crm_search_records,
            "zoho.crm.getRecords": self.crm_get_records,
            "zoho.crm.getRelatedRecords": self.crm_get_related_records,
            "zoho.creator.createRecord": self.creator_create_record,
            "zoho.creator.getRecords": self.creator_get_records,
            "zoho.creator.updateRecord": self.creator_update_record,
            "zoho.books.createRecord": self.books_create_record,
            "zoho.books.getRecordsByID": self.books_get_records_by_id,
            "zoho.books.updateRecord": self.books_update_record,
        }

    # --- CRM -------------------------------------------------------------------------

    def crm_get_record_by_id(self, module: Any, record_id: Any, *_: Any) -> Record:
        found = self._find("crm", text_arg(module, "getRecordById: module"), record_id_arg(record_id, "getRecordById: id"))
        return copy.deepcopy(found) if found is not None else {}

    def crm_update_record(self, module: Any, record_id: Any, data: Any, *_: Any) -> Record:
        module = text_arg(module, "updateRecord: module")
        rid = record_id_arg(record_id, "updateRecord: id")
        changes = _data(data, "updateRecord: data")
        found = self._find("crm", module, rid)
        if found is None:
            return {"code": "INVALID_DATA", "details": {"id": rid}, "message": "the id given seems to be invalid",
                    "status": "error"}
        changes.pop("id", None)
        found.update(changes)
        found["Modified_Time"] = self._now()
        return {"id": rid, "Modified_Time": found["Modified_Time"],
                "Created_Time": found.get("Created_Time", found["Modified_Time"])}

    def crm_create_record(self, module: Any, data: Any, *_: Any) -> Record:
        module = text_arg(module, "createRecord: module")
        row = _data(data, "createRecord: data")
        now = self._now()
        row.update(id=self._new_id(), Created_Time=now, Modified_Time=now)
        self._module("crm", module).append(row)
        return {"id": row["id"], "Created_Time": now, "Modified_Time": now}

    def crm_search_records(self, module: Any, criteria: Any, page: Any = 1, per_page: Any = _MAX_PER_PAGE,
                           *_: Any) -> list[Record]:
        module = text_arg(module, "searchRecords: module")
        test = parse_criteria(text_arg(criteria, "searchRecords: criteria"))
        page, per_page = page_args(page, per_page, "searchRecords")
        return _page([r for r in self._modules.get(("crm", module.lower()), []) if test(r)], page, per_page)

    def crm_get_records(self, module: Any, page: Any = 1, per_page: Any = _MAX_PER_PAGE, *_: Any) -> list[Record]:
        module = text_arg(module, "getRecords: module")
        page, per_page = page_args(page, per_page, "getRecords")
        return _page(self._modules.get(("crm", module.lower()), []), page, per_page)

    def crm_get_related_records(self, relation: Any, parent_module: Any, parent_id: Any, page: Any = 1,
                                per_page: Any = _MAX_PER_PAGE, *_: Any) -> list[Record]:
        key = (text_arg(parent_module, "getRelatedRecords: parent module").lower(),
               record_id_arg(parent_id, "getRelatedRecords: parent id"),
               text_arg(relation, "getRelatedRecords: relation").lower())
        page, per_page = page_args(page, per_page, "getRelatedRecords")
        return _page(self._related.get(key, []), page, per_page)

    # --- Creator ---------------------------------------------------------------------
    # Forms and reports share one store keyed by the name given (owner and app ignored).

    def creator_create_record(self, owner: Any, app: Any, form: Any, data: Any, *_: Any) -> Record:
        form = text_arg(form, "creator.createRecord: form")
        row = _data(data, "creator.createRecord: data")
        row["ID"] = self._new_id()
        self._module("creator", form).append(row)
        return {"code": 3000, "data": {"ID": row["ID"]}, "message": "Data Added Successfully"}

    def creator_get_records(self, owner: Any, app: Any, report: Any, criteria: Any = "", page: Any = 1,
                            per_page: Any = _MAX_PER_PAGE, *_: Any) -> Record:
        report = text_arg(report, "creator.getRecords: report")
        test = parse_creator_criteria(criteria if criteria is not None else "")
        page, per_page = page_args(page, per_page, "creator.getRecords")
        rows = _page([r for r in self._modules.get(("creator", report.lower()), []) if test(r)], page, per_page)
        if not rows:
            return {"code": 9280, "description": "No records found for the given criteria."}
        return {"code": 3000, "data": rows}

    def creator_update_record(self, owner: Any, app: Any, report: Any, record_id: Any, data: Any,
                              *_: Any) -> Record:
        report = text_arg(report, "creator.updateRecord: report")
        rid = record_id_arg(record_id, "creator.updateRecord: id")
        changes = _data(data, "creator.updateRecord: data")
        found = self._find("creator", report, rid)
        if found is None:
            return {"code": 3100, "message": "No Data Available"}
        changes.pop("ID", None)
        found.update(changes)
        return {"code": 3000, "data": {"ID": rid}, "message": "Data Updated Successfully"}

    # --- Books -----------------------------------------------------------------------
    # One store per module (the organisation id is ignored); the id field is <singular>_id.

    def books_create_record(self, module: Any, org_id: Any, data: Any, *_: Any) -> Record:
        module = text_arg(module, "books.createRecord: module")
        row = _data(data, "books.createRecord: data")
        key = self._id_key("books", module)
        row[key] = self._new_id()
        self._module("books", module).append(row)
        return {"code": 0, "message": f"The {_singular(module)} has been created.",
                _singular(module): copy.deepcopy(row)}

    def books_get_records_by_id(self, module: Any, org_id: Any, record_id: Any, *_: Any) -> Record:
        module = text_arg(module, "books.getRecordsByID: module")
        found = self._find("books", module, record_id_arg(record_id, "books.getRecordsByID: id"))
        if found is None:
            return {"code": 1002, "message": f"{_singular(module).capitalize()} does not exist."}
        return {"code": 0, "message": "success", _singular(module): copy.deepcopy(found)}

    def books_update_record(self, module: Any, org_id: Any, record_id: Any, data: Any, *_: Any) -> Record:
        module = text_arg(module, "books.updateRecord: module")
        rid = record_id_arg(record_id, "books.updateRecord: id")
        changes = _data(data, "books.updateRecord: data")
        found = self._find("books", module, rid)
        if found is None:
            return {"code": 1002, "message": f"{_singular(module).capitalize()} does not exist."}
        changes.pop(self._id_key("books", module), None)
        found.update(changes)
        return {"code": 0, "message": f"The {_singular(module)} has been updated.",
                _singular(module): copy.deepcopy(found)}


def _singular(module: str) -> str:
    name = module.lower()
    return name[:-1] if name.endswith("s") else name


# --- criteria ------------------------------------------------------------------------

_OPERATORS = ("equals", "not_equal", "starts_with", "greater_than", "greater_equal", "less_than", "less_equal", "in")


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        return None


def _compare(actual: Any, op: str, expected: str) -> bool:
    if isinstance(actual, dict):  # lookups compare by their id (or name)
        actual = actual.get("id", actual.get("name"))
    if op == "in":
        return any(_compare(actual, "equals", part.strip()) for part in expected.split(","))
    if op == "starts_with":
        return actual is not None and str(actual).lower().startswith(expected.lower())
    if op in ("equals", "not_equal"):
        if actual is None:
            same = expected.lower() == "null"
        elif isinstance(actual, bool):
            same = str(actual).lower() == expected.lower()
        else:
            a, e = _number(actual), _number(expected)
            same = a == e if a is not None and e is not None else str(actual).lower() == expected.lower()
        return same if op == "equals" else not same
    if actual is None:
        return False
    a, e = _number(actual), _number(expected)
    left, right = (a, e) if a is not None and e is not None else (str(actual), expected)
    return {"greater_than": left > right, "greater_equal": left >= right,  # type: ignore[operator]
            "less_than": left < right, "less_equal": left <= right}[op]  # type: ignore[operator]


def parse_criteria(text: str) -> Criteria:
    """Parse CRM search criteria, ``(Field:op:value)`` joined by ``and``/``or`` with
    parentheses for grouping (``and`` binds tighter); ``\\(``, ``\\)`` and ``\\,`` escape."""
    parser = _CrmParser(text)
    test = parser.expression()
    parser.skip()
    if parser.pos != len(text):
        raise ValueError(f"criteria: unexpected text at {parser.pos}: {text[parser.pos:]!r}")
    return test


class _CrmParser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def skip(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def keyword(self) -> str | None:
        self.skip()
        for word in ("and", "or"):
            if self.text[self.pos:self.pos + len(word)].lower() == word:
                self.pos += len(word)
                return word
        return None

    def expression(self) -> Criteria:
        terms = [self.conjunction()]
        while True:
            start = self.pos
            if self.keyword() != "or":
                self.pos = start
                break
            terms.append(self.conjunction())
        return terms[0] if len(terms) == 1 else (lambda r: any(t(r) for t in terms))

    def conjunction(self) -> Criteria:
        terms = [self.term()]
        while True:
            start = self.pos
            if self.keyword() != "and":
                self.pos = start
                break
            terms.append(self.term())
        return terms[0] if len(terms) == 1 else (lambda r: all(t(r) for t in terms))

    def term(self) -> Criteria:
        self.skip()
        if self.pos >= len(self.text) or self.text[self.pos] != "(":
            raise ValueError(f"criteria: expected '(' at {self.pos} in {self.text!r}")
        self.pos += 1
        self.skip()
        if self.pos < len(self.text) and self.text[self.pos] == "(":
            inner = self.expression()
            self.skip()
            if self.pos >= len(self.text) or self.text[self.pos] != ")":
                raise ValueError(f"criteria: missing ')' in {self.text!r}")
            self.pos += 1
            return inner
        return self.condition()

    def condition(self) -> Criteria:
        chars: list[str] = []
        while self.pos < len(self.text) and self.text[self.pos] != ")":
            if self.text[self.pos] == "\\" and self.pos + 1 < len(self.text):
                self.pos += 1
            chars.append(self.text[self.pos])
            self.pos += 1
        if self.pos >= len(self.text):
            raise ValueError(f"criteria: missing ')' in {self.text!r}")
        self.pos += 1
        parts = "".join(chars).split(":", 2)
        if len(parts) != 3 or not parts[0].strip():
            raise ValueError(f"criteria: expected (Field:operator:value), got ({''.join(chars)})")
        field, op, value = parts[0].strip(), parts[1].strip().lower(), parts[2]
        if op not in _OPERATORS:
            raise ValueError(f"criteria: unknown operator {op!r} (supported: {', '.join(_OPERATORS)})")
        return lambda r: _compare(r.get(field), op, value)


_CREATOR_TERM = re.compile(r"""\s*(\w+)\s*(==|!=|>=|<=|>|<)\s*("(?:[^"\\]|\\.)*"|[^\s&|()]+)\s*""")
_CREATOR_OPS = {"==": "equals", "!=": "not_equal", ">": "greater_than", ">=": "greater_equal",
                "<": "less_than", "<=": "less_equal"}


def _creator_term(field: str, op: str, value: str) -> Criteria:
    return lambda r: _compare(r.get(field), op, value)


def parse_creator_criteria(text: Any) -> Criteria:
    """Creator criteria: ``Field == "x" && Total > 10``, joined all by ``&&`` or all by ``||``
    (an empty text matches every row). Grouping with parentheses is not supported."""
    if not isinstance(text, str):
        raise ValueError(f"creator criteria must be text, got {type(text).__name__}")
    body = text.strip()
    while body.startswith("(") and body.endswith(")"):
        body = body[1:-1].strip()
    if not body:
        return lambda r: True
    if "&&" in body and "||" in body:
        raise ValueError("creator criteria: mixing && and || is not supported")
    joiner: Callable[[Iterable[bool]], bool] = any if "||" in body else all
    terms: list[Criteria] = []
    for part in re.split(r"&&|\|\|", body):
        match = _CREATOR_TERM.fullmatch(part)
        if match is None:
            raise ValueError(f"creator criteria: cannot read {part.strip()!r} (expected Field == value)")
        field, op, raw = match.groups()
        value = raw[1:-1].replace('\\"', '"') if raw.startswith('"') else raw
        terms.append(_creator_term(field, _CREATOR_OPS[op], value))
    return lambda r: joiner(t(r) for t in terms)
