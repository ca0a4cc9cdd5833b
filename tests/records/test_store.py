"""RecordStore task by task, called as a host would (plain Python values)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from cloudburst.records import RecordStore

LEAD = "4150868000001234567"
NOW = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)


def store(**extra: Any) -> RecordStore:
    data: dict[str, Any] = {
        "crm": {"Leads": [
            {"id": LEAD, "Last_Name": "Doe", "Lead_Source": "Web", "Revenue": 500, "Owner": {"id": "77", "name": "Ann"}},
            {"id": "4150868000001234568", "Last_Name": "Roe", "Lead_Source": "Referral", "Revenue": 50},
            {"id": 4150868000001234569, "Last_Name": "Dean", "Lead_Source": "Web", "Revenue": 5},
        ]},
        "creator": {"Orders": [{"ID": "3891000000012345678", "Status": "Open", "Total": 10},
                               {"ID": "3891000000012345679", "Status": "Closed", "Total": 99}]},
        "books": {"contacts": [{"contact_id": "460000000026049", "contact_name": "Acme"}]},
        "related": {"Leads": {LEAD: {"Notes": [{"id": "4150868000009000001", "Note_Content": "hi"}]}}},
    }
    data.update(extra)
    return RecordStore(data, clock=lambda: NOW)


def test_get_record_by_id_returns_a_copy_or_an_empty_map() -> None:
    s = store()
    rec = s.crm_get_record_by_id("leads", LEAD)
    assert rec["Last_Name"] == "Doe"
    rec["Last_Name"] = "changed"
    assert s.crm_get_record_by_id("Leads", int(LEAD))["Last_Name"] == "Doe"
    assert s.crm_get_record_by_id("Leads", "4150868000000000001") == {}
    assert s.crm_get_record_by_id("Contacts", LEAD) == {}


def test_numeric_fixture_ids_become_exact_text() -> None:
    assert store().crm_get_record_by_id("Leads", "4150868000001234569")["id"] == "4150868000001234569"


def test_update_record_merges_and_answers_like_zoho() -> None:
    s = store()
    resp = s.crm_update_record("Leads", LEAD, {"Lead_Status": "Qualified", "id": "1", "Seen": dt.date(2026, 1, 1)})
    assert resp == {"id": LEAD, "Modified_Time": "2026-01-02T03:04:05+00:00", "Created_Time": "2026-01-02T03:04:05+00:00"}
    rec = s.crm_get_record_by_id("Leads", LEAD)
    assert (rec["id"], rec["Lead_Status"], rec["Last_Name"], rec["Seen"]) == (LEAD, "Qualified", "Doe", "2026-01-01")


def test_update_of_a_missing_record_is_an_error_response() -> None:
    resp = store().crm_update_record("Leads", "4150868000000000001", {"a": 1})
    assert resp["status"] == "error" and resp["code"] == "INVALID_DATA"


def test_create_record_assigns_a_fresh_19_digit_id() -> None:
    s = store()
    first = s.crm_create_record("Deals", {"Deal_Name": "X"})
    second = s.crm_create_record("Deals", {"Deal_Name": "Y"}, {"trigger": ["workflow"]})
    ids = {first["id"], second["id"], LEAD}
    assert len(ids) == 3 and all(len(i) == 19 and i.isdigit() for i in ids)
    assert s.crm_get_record_by_id("Deals", second["id"])["Deal_Name"] == "Y"


def test_search_records_filters_and_pages() -> None:
    s = store()
    names = lambda rows: [r["Last_Name"] for r in rows]  # noqa: E731
    assert names(s.crm_search_records("Leads", "(Lead_Source:equals:web)")) == ["Doe", "Dean"]
    assert names(s.crm_search_records("Leads", "(Lead_Source:equals:Web)", 2, 1)) == ["Dean"]
    assert s.crm_search_records("Leads", "(Last_Name:equals:Nobody)") == []


def test_get_records_pages() -> None:
    s = store()
    assert [r["Last_Name"] for r in s.crm_get_records("Leads", 2, 2)] == ["Dean"]
    assert len(s.crm_get_records("Leads")) == 3
    assert s.crm_get_records("Unknown") == []


@pytest.mark.parametrize("page, per_page", [(0, 10), (1, 0), (1, 201), ("1", 10), (True, 10)])
def test_bad_paging_is_refused(page: Any, per_page: Any) -> None:
    with pytest.raises(ValueError, match="page"):
        store().crm_get_records("Leads", page, per_page)


def test_related_records_come_from_the_related_section() -> None:
    s = store()
    assert s.crm_get_related_records("notes", "leads", LEAD) == [{"id": "4150868000009000001", "Note_Content": "hi"}]
    assert s.crm_get_related_records("Notes", "Leads", "4150868000001234568") == []


@pytest.mark.parametrize("call", [
    lambda s: s.crm_get_record_by_id("Leads", "12ab"),
    lambda s: s.crm_get_record_by_id("", LEAD),
    lambda s: s.crm_get_record_by_id("Leads", None),
    lambda s: s.crm_update_record("Leads", LEAD, "not a map"),
    lambda s: s.crm_create_record("Leads", ["x"]),
    lambda s: s.crm_search_records("Leads", "Last_Name:equals:Doe"),
])
def test_bad_arguments_raise_value_error(call: Any) -> None:
    with pytest.raises(ValueError):
        call(store())


def test_creator_tasks() -> None:
    s = store()
    created = s.creator_create_record("owner", "app", "Orders", {"Status": "Open", "Total": 3}, {})
    assert created["code"] == 3000 and len(created["data"]["ID"]) == 19
    got = s.creator_get_records("owner", "app", "Orders", 'Status == "Open"', 1, 200)
    assert got["code"] == 3000 and [r["Total"] for r in got["data"]] == [10, 3]
    assert [r["Total"] for r in s.creator_get_records("o", "a", "Orders", "Total > 5 && Status != \"Open\"")["data"]] == [99]
    assert s.creator_get_records("o", "a", "Orders", 'Status == "Nope"')["code"] == 9280
    updated = s.creator_update_record("o", "a", "Orders", "3891000000012345678", {"Status": "Done"}, {})
    assert updated["code"] == 3000 and updated["data"]["ID"] == "3891000000012345678"
    assert len(s.creator_get_records("o", "a", "Orders", "Status == Done")["data"]) == 1
    assert s.creator_update_record("o", "a", "Orders", "1", {"Status": "x"})["code"] == 3100
    with pytest.raises(ValueError, match="creator criteria"):
        s.creator_get_records("o", "a", "Orders", "Status ~ x")


def test_books_tasks() -> None:
    s = store()
    got = s.books_get_records_by_id("contacts", "60001", "460000000026049")
    assert got["code"] == 0 and got["contact"]["contact_name"] == "Acme"
    created = s.books_create_record("contacts", "60001", {"contact_name": "Beta"})
    new_id = created["contact"]["contact_id"]
    assert created["code"] == 0 and len(new_id) == 19
    updated = s.books_update_record("contacts", "60001", new_id, {"contact_name": "Beta Ltd"})
    assert updated["code"] == 0 and updated["contact"]["contact_name"] == "Beta Ltd"
    assert s.books_get_records_by_id("contacts", "60001", "1")["code"] != 0


def test_dump_text_is_the_fixture_format_with_every_digit(tmp_path: Any) -> None:
    import json

    fee = Decimal("0.123456789012345678901234")
    huge = Decimal("1E+6000")  # as an integer it has more digits than json writes
    s = RecordStore({"crm": {"Leads": [{"id": LEAD, "Amount": Decimal("12.50"), "Count": Decimal("3"),
                                        "Fee": fee, "Huge": huge, "Note": '"quoted" text'}]}})
    s.crm_create_record("Deals", {"Deal_Name": "X"})
    text = s.dump_text()
    state = json.loads(text, parse_float=Decimal)
    assert state["crm"]["Leads"] == [{"id": LEAD, "Amount": Decimal("12.50"), "Count": 3, "Fee": fee,
                                      "Huge": huge, "Note": '"quoted" text'}]
    assert state["crm"]["Deals"][0]["Deal_Name"] == "X"
    path = tmp_path / "out.json"
    path.write_text(text, encoding="utf-8")
    assert RecordStore.from_file(str(path)).crm_get_record_by_id("Leads", LEAD)["Fee"] == fee


@pytest.mark.parametrize("bad", [{"crm": []}, {"crm": {"Leads": {"id": "1"}}}, {"hr": {}}, {"crm": {"Leads": [{"id": "x"}]}}])
def test_bad_fixtures_are_refused(bad: Any) -> None:
    with pytest.raises(ValueError):
        RecordStore(bad)
