"""Python ↔ Deluge values at the embedding boundary: run inputs, results, host functions
and integration tasks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from cloudburst import (
    DelugeFile,
    DelugeList,
    DelugeMap,
    DelugeRuntimeError,
    Runtime,
    from_python,
    to_python,
)

BERLIN = dt.timezone(dt.timedelta(hours=2))


@pytest.mark.parametrize(("given", "expected", "kind"), [
    ("text", "text", str),
    (42, 42, int),
    (-(2**63), -(2**63), int),
    (2**63, Decimal(2**63), Decimal),
    (-(2**80) - 1, Decimal(-(2**80) - 1), Decimal),
    (0.1, Decimal("0.1"), Decimal),
    (1e20, Decimal("1e+20"), Decimal),
    (Decimal("12.50"), Decimal("12.50"), Decimal),
    (True, True, bool),
    (None, None, type(None)),
    (dt.date(2024, 2, 29), dt.date(2024, 2, 29), dt.date),
    (dt.datetime(2024, 2, 29, 13, 5, 9), dt.datetime(2024, 2, 29, 13, 5, 9), dt.datetime),
    (dt.time(8, 30), dt.time(8, 30), dt.time),
])
def test_scalars_from_python(given: Any, expected: Any, kind: type) -> None:
    value = from_python(given)
    assert value == expected
    assert type(value) is kind


def test_containers_from_python_are_converted_copies() -> None:
    given = {"a": [1, 2.5, {"b": (True, None)}], 7: "seven"}
    value = from_python(given)
    assert type(value) is DelugeMap
    assert type(value["a"]) is DelugeList
    assert type(value["a"][2]) is DelugeMap
    assert type(value["a"][2]["b"]) is DelugeList
    assert value["a"][1] == Decimal("2.5") and type(value["a"][1]) is Decimal
    assert list(value) == ["a", 7]
    value["a"].append("more")
    assert given["a"] == [1, 2.5, {"b": (True, None)}]


def test_bytes_become_a_file() -> None:
    value = from_python(b"\x00\x01")
    assert isinstance(value, DelugeFile)
    assert value.content == b"\x00\x01" and value.name == "file"


def test_aware_datetimes_move_to_the_given_zone_and_lose_the_zone() -> None:
    aware = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.timezone.utc)
    assert from_python(aware, BERLIN) == dt.datetime(2024, 6, 1, 14, 0)
    assert from_python(aware, BERLIN).tzinfo is None


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), object(), {1, 2}, 1j])
def test_unconvertible_values_raise_type_error(bad: Any) -> None:
    with pytest.raises(TypeError, match="cannot convert"):
        from_python(bad)


def test_subclasses_become_plain_values() -> None:
    import enum

    class Colour(enum.IntEnum):
        RED = 1

    class Name(str):
        pass

    assert type(from_python(Colour.RED)) is int
    assert type(from_python(Name("x"))) is str
    assert type(from_python(False)) is bool


def test_to_python_gives_plain_containers() -> None:
    deluge = DelugeMap({"l": DelugeList([1, DelugeMap({"k": Decimal("1.5")})]), "d": dt.date(2024, 1, 2)})
    plain = to_python(deluge)
    assert plain == {"l": [1, {"k": Decimal("1.5")}], "d": dt.date(2024, 1, 2)}
    assert type(plain) is dict and type(plain["l"]) is list and type(plain["l"][1]) is dict


def test_round_trip_through_a_script() -> None:
    rt = Runtime(timezone="Europe/Berlin")
    record = {"name": "Ada", "age": 36, "big": 2**70, "price": 0.1, "exact": Decimal("0.2"), "ok": True,
              "none": None, "born": dt.date(1815, 12, 10), "seen": dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.timezone.utc),
              "tags": ["a", "b"], "blob": b"xyz"}
    result = rt.run('r = map(); r.putAll(record); r.put("sum", record.get("price") + record.get("exact")); '
                    'r.put("older", record.get("age") + 1); r.put("bigger", record.get("big") + 1); return r;',
                    {"record": record})
    out = result.python_value()
    assert out["sum"] == Decimal("0.3")
    assert out["older"] == 37
    assert out["bigger"] == Decimal(2**70 + 1)
    assert out["seen"] == dt.datetime(2024, 6, 1, 14, 0)
    assert out["tags"] == ["a", "b"] and type(out["tags"]) is list
    assert out["born"] == dt.date(1815, 12, 10) and out["none"] is None and out["ok"] is True
    assert isinstance(out["blob"], DelugeFile) and out["blob"].content == b"xyz"
    assert type(result.value) is DelugeMap


def test_caught_error_comes_back_as_plain_text() -> None:
    result = Runtime().run("try { x = 1 / 0; } catch (e) { return e; }")
    assert result.python_value() == "division by zero"
    assert type(result.python_value()) is str


# -- host functions ----------------------------------------------------------------------


def test_host_function_receives_and_returns_plain_python() -> None:
    seen: list[tuple[type, ...]] = []

    def lookup_customer(key: Any, options: Any, when: Any, amount: Any) -> Any:
        seen.append((type(key), type(options), type(options["tags"]), type(when), type(amount)))
        return {"id": key, "tags": options["tags"] + ["vip"], "score": 9.5, "huge": 2**64, "when": when,
                "nested": [(1, 2), {"x": None}]}

    rt = Runtime()
    rt.register_function("lookupCustomer", lookup_customer)
    result = rt.run('c = lookupCustomer("C-1", {"tags": ["new"]}, \'2024-01-02\', 10.25); '
                    'info c.get("tags"); info c.get("score") * 2; info c.get("huge"); info c.get("nested"); return c;')
    assert seen == [(str, dict, list, dt.date, Decimal)]
    assert result.info == ["new,vip", "19.0", "18446744073709551616.0", '1,2,{"x":null}']
    assert result.python_value()["when"] == dt.date(2024, 1, 2)


def test_host_function_names_are_case_insensitive() -> None:
    rt = Runtime()
    rt.register_function("Double", lambda x: x * 2)
    assert rt.run("info double(21); info DOUBLE(1);").info == ["42", "2"]


def test_host_function_exception_is_a_deluge_error_naming_the_function() -> None:
    def explode(x: Any) -> Any:
        raise ValueError(f"no customer {x}")

    rt = Runtime()
    rt.register_function("lookupCustomer", explode)
    with pytest.raises(DelugeRuntimeError) as caught:
        rt.run('info lookupCustomer("C-9");')
    assert "lookupCustomer" in caught.value.message and "no customer C-9" in caught.value.message
    assert caught.value.span is not None and caught.value.span.line == 1
    # Scripts can catch it like any runtime error.
    out = rt.run('try { lookupCustomer("C-9"); } catch (e) { info "caught: " + e; }').info
    assert out == ["caught: lookupCustomer failed: ValueError: no customer C-9"]


def test_host_function_returning_an_unconvertible_value_is_a_deluge_error() -> None:
    rt = Runtime()
    rt.register_function("leak", lambda: object())
    with pytest.raises(DelugeRuntimeError, match="leak returned a value Deluge cannot hold"):
        rt.run("info leak();")


def test_host_function_deluge_error_passes_through() -> None:
    def refuse() -> Any:
        raise DelugeRuntimeError("quota exceeded")

    rt = Runtime()
    rt.register_function("refuse", refuse)
    with pytest.raises(DelugeRuntimeError) as caught:
        rt.run("refuse();")
    assert caught.value.message == "quota exceeded"


def test_integration_receives_plain_values_and_errors_name_the_task() -> None:
    calls: list[tuple[Any, ...]] = []

    def get_record(module: Any, record_id: Any) -> Any:
        calls.append((module, record_id, type(record_id)))
        if record_id == 0:
            raise KeyError("missing")
        return {"id": record_id, "Owner": {"name": "Ada"}}

    rt = Runtime()
    rt.register_integration("zoho.crm.getRecordById", get_record)
    out = rt.run('r = zoho.crm.getRecordById("Leads", 123456789012); info r.get("Owner").get("name"); return r;')
    assert out.info == ["Ada"]
    assert calls == [("Leads", 123456789012, int)]
    with pytest.raises(DelugeRuntimeError) as caught:
        rt.run('r = zoho.crm.getRecordById("Leads", 0);')
    assert "zoho.crm.getRecordById" in caught.value.message and "KeyError" in caught.value.message


def test_unregistered_integration_explains_how_to_register() -> None:
    with pytest.raises(DelugeRuntimeError, match="register_integration"):
        Runtime().run('r = zoho.crm.getRecordById("Leads", 1);')
