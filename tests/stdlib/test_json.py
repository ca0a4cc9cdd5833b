"""Unit tests for stdlib/json.py (JSON reading, getJSON, XML helpers)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

import cloudburst.stdlib  # noqa: F401
from cloudburst.errors import DelugeRuntimeError
from cloudburst.execution import Execution, Limits
from cloudburst.stdlib.json import parse_json
from cloudburst.stdlib.registry import REGISTRY
from cloudburst.values import DelugeList as L
from cloudburst.values import DelugeMap as M
from cloudburst.values import display, to_json_text

ctx = Execution(limits=Limits(timeout=None))  # module-wide: a 60 s clock from import would run out mid-suite


def method(name: str, recv: Any, *args: Any) -> Any:
    return REGISTRY.method_dispatcher(name)(ctx, recv, *args)


def test_to_map_types_and_order() -> None:
    m = method("toMap", '{"z": 1, "a": [true, null, 2.50], "n": {"id": 4876876000001234567}, "s": "x"}')
    assert type(m) is M and list(m) == ["z", "a", "n", "s"]
    assert type(m["a"]) is L and m["a"][0] is True and m["a"][1] is None
    assert type(m["a"][2]) is Decimal and str(m["a"][2]) == "2.50"
    assert type(m["n"]) is M and m["n"]["id"] == 4876876000001234567 and type(m["n"]["id"]) is int
    assert display(m["a"]) == "true,null,2.5"


def test_to_map_big_and_exponent_numbers() -> None:
    m = method("toMap", '{"big": 123456789012345678901234, "e": 1.5e3, "neg": -9223372036854775808}')
    assert m["big"] == Decimal("123456789012345678901234") and type(m["big"]) is Decimal
    assert m["e"] == Decimal("1500") and type(m["e"]) is Decimal
    assert m["neg"] == -(2**63) and type(m["neg"]) is int


def test_to_map_lenient() -> None:
    assert method("toMap", "{name: 'John', 'age': 30}") == {"name": "John", "age": 30}
    assert method("toMap", "{a: hello world, b: [1, 2,], }") == {"a": "hello world", "b": [1, 2]}
    assert method("toMap", "") == {}
    assert method("toMap", "  {}  ") == {}
    assert method("toMap", '{"a":"\\u00e9\\n\\"q\\"", "b": "\\ud83d\\ude00"}') == {"a": "é\n\"q\"", "b": "😀"}
    assert method("toMap", '{"a": 1, "a": 2}') == {"a": 2}


@pytest.mark.parametrize("text", ["{bad", "[1, 2]", "hello", '{"a": 1} trailing', '{"a" 1}', '{"a": "x', "123",
                                  '{"a": [1, 2}', '{"a": "\\q"}', "{,}"])
def test_to_map_errors_name_to_map(text: str) -> None:
    with pytest.raises(DelugeRuntimeError, match="toMap"):
        method("toMap", text)


def test_to_map_deep_nesting_is_clean() -> None:
    with pytest.raises(DelugeRuntimeError, match="toMap"):
        method("toMap", '{"a":' * 1000 + "1" + "}" * 1000)


def test_to_map_on_map_copies() -> None:
    m = M({"a": 1})
    copy = method("toMap", m)
    copy["b"] = 2
    assert m == {"a": 1}


def test_to_json_list() -> None:
    items = method("toJSONList", '[{"id": 1}, {"id": 2}, "x", 3]')
    assert type(items) is L and type(items[0]) is M and items[2] == "x"
    assert method("getJSON", items[1], "id") == 2
    assert method("toJSONList", "") == []
    with pytest.raises(DelugeRuntimeError, match="toJSONList"):
        method("toJSONList", '{"a": 1}')
    with pytest.raises(DelugeRuntimeError, match="toJSONList"):
        method("toJSONList", "[1,")


def test_get_json() -> None:
    text = '{"response": {"employee": {"id": "EMP-001", "n": 5}}, "list": [1, 2]}'
    employee = method("getJSON", method("getJSON", text, "response"), "employee")
    assert method("getJSON", employee, "id") == "EMP-001"
    assert method("getJSON", text, "missing") is None
    assert method("getJSON", text, "list") == [1, 2]
    assert method("getJSON", M({"1": "one"}), 1) == "one"
    assert method("getJSON", '{"1": "one"}', 1) == "one"
    assert method("getJSON", M({1: "num"}), 1) == "num"
    with pytest.raises(DelugeRuntimeError, match="getJSON"):
        method("getJSON", "not json", "a")
    with pytest.raises(DelugeRuntimeError, match="getJSON"):
        method("getJSON", "[1]", "a")
    with pytest.raises(DelugeRuntimeError):
        method("getJSON", None, "a")


def test_json_round_trip_keeps_64_bit_ids() -> None:
    original = '{"id":4876876000001234567,"amount":1234.50,"items":[{"q":1}]}'
    assert to_json_text(parse_json("toMap", original)) == '{"id":4876876000001234567,"amount":1234.5,"items":[{"q":1}]}'


XML = "<?xml version='1.0'?><root><item id='1'><name>A</name></item><item id='2'><name>B</name></item></root>"


def test_execute_xpath() -> None:
    assert method("executeXPath", XML, "/root/item/name/text()") == "AB"
    assert method("executeXPath", XML, "/root/item[2]/name/text()") == "B"
    assert method("executeXPath", XML, "//item/@id") == "<id>1</id><id>2</id>"  # Zoho's page chains /id/text()
    assert method("executeXPath", method("executeXPath", XML, "//item[2]/@id"), "/id/text()") == "2"
    assert method("executeXPath", '{"a": {"b": [1, 2]}}', "/root/a/b[2]/text()") == "2"  # JSON under <root>
    assert method("executeXPath", XML, "//item[@id='2']/name") == "<name>B</name>"
    assert method("executeXPath", XML, "/root/missing") == ""
    with pytest.raises(DelugeRuntimeError, match="executeXPath"):
        method("executeXPath", "<root>", "/root")
    with pytest.raises(DelugeRuntimeError, match="executeXPath"):
        method("executeXPath", XML, "count(//item)")
    with pytest.raises(DelugeRuntimeError, match="executeXPath"):
        method("executeXPath", XML, "")


def test_to_xml_list_and_to_xml() -> None:
    nodes = method("executeXPath", XML, "/root/item")
    items = method("toXmlList", nodes)
    assert items == ['<item id="1"><name>A</name></item>', '<item id="2"><name>B</name></item>']
    assert method("executeXPath", items[1], "/item/name/text()") == "B"
    assert method("toXmlList", "") == []
    with pytest.raises(DelugeRuntimeError, match="toXmlList"):
        method("toXmlList", "<a>")
    xml = method("toXML", M({"order": M({"id": 5, "tags": L(["x", "y"]), "note": "a<b", "none": None})}))
    assert xml == "<root><order><id>5</id><tags>x</tags><tags>y</tags><note>a&lt;b</note><none></none></order></root>"
    assert method("toXML", '{"a": 1}') == "<root><a>1</a></root>"
    with pytest.raises(DelugeRuntimeError, match="toXML"):
        method("toXML", M({"bad key": 1}))
