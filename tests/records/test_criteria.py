"""The CRM search criteria grammar."""

from __future__ import annotations

import pytest

from cloudburst.records import parse_criteria

ROWS = [
    {"Name": "Alpha", "City": "Berlin", "Amount": 100, "Active": True, "Note": "a:b (x)", "Owner": {"id": "9"}},
    {"Name": "Beta", "City": "Boston", "Amount": 20, "Active": False, "Note": None},
    {"Name": "Gamma", "City": "Berlin", "Amount": 5.5, "Active": True},
]


def names(criteria: str) -> list[str]:
    test = parse_criteria(criteria)
    return [r["Name"] for r in ROWS if test(r)]


@pytest.mark.parametrize("criteria, expected", [
    ("(City:equals:Berlin)", ["Alpha", "Gamma"]),
    ("(City:equals:berlin)", ["Alpha", "Gamma"]),
    ("(City:not_equal:Berlin)", ["Beta"]),
    ("(Name:starts_with:al)", ["Alpha"]),
    ("(Amount:greater_than:20)", ["Alpha"]),
    ("(Amount:less_than:20)", ["Gamma"]),
    ("(Amount:greater_equal:20)", ["Alpha", "Beta"]),
    ("(Amount:less_equal:5.5)", ["Gamma"]),
    ("(Amount:equals:100.0)", ["Alpha"]),
    ("(Active:equals:true)", ["Alpha", "Gamma"]),
    ("(Name:in:Beta,Gamma)", ["Beta", "Gamma"]),
    ("(Owner:equals:9)", ["Alpha"]),
    ("(Note:equals:a:b \\(x\\))", ["Alpha"]),
    ("((City:equals:Berlin)and(Amount:greater_than:10))", ["Alpha"]),
    ("((City:equals:Boston)or(Amount:less_than:10))", ["Beta", "Gamma"]),
    ("(City:equals:Boston) OR (Name:equals:Alpha)", ["Alpha", "Beta"]),
    ("((City:equals:Boston)or(City:equals:Berlin)and(Amount:greater_than:50))", ["Alpha", "Beta"]),
    ("(((City:equals:Boston)or(City:equals:Berlin))and(Amount:greater_than:50))", ["Alpha"]),
])
def test_criteria_select_the_expected_rows(criteria: str, expected: list[str]) -> None:
    assert names(criteria) == expected


@pytest.mark.parametrize("criteria, message", [
    ("City:equals:Berlin", "expected '\\('"),
    ("(City:equals:Berlin", "missing '\\)'"),
    ("(City:like:B)", "unknown operator"),
    ("(City)", "Field:operator:value"),
    ("(City:equals:Berlin)xor(Name:equals:A)", "unexpected text"),
    ("((City:equals:Berlin)", "missing '\\)'"),
])
def test_malformed_criteria_are_clear_errors(criteria: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_criteria(criteria)
