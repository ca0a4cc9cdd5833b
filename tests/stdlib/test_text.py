"""Unit tests for the TEXT built-ins (cloudburst.stdlib.text)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cloudburst.stdlib  # noqa: F401  (fills the registry)
from cloudburst.errors import DelugeRuntimeError
from cloudburst.execution import Execution, Limits
from cloudburst.stdlib.registry import REGISTRY, TYPES
from cloudburst.stdlib.text import java_regex
from cloudburst.values import DelugeFile, DelugeList, DelugeMap

CTX = Execution(limits=Limits(timeout=None))  # module-wide: a 60 s clock from import would run out mid-suite


def m(name: str, receiver: Any, *args: Any) -> Any:
    """Call ``receiver.name(args)`` the way generated code does."""
    return REGISTRY.method_dispatcher(name)(CTX, receiver, *args)


def f(name: str, *args: Any) -> Any:
    """Call ``name(args)`` the way generated code does."""
    fn = REGISTRY.function(name)
    assert fn is not None, name
    return fn(CTX, *args)


def err(name: str, receiver: Any, *args: Any) -> str:
    with pytest.raises(DelugeRuntimeError) as info:
        m(name, receiver, *args)
    return info.value.message


# -- search and comparison ------------------------------------------------------------


def test_contains_family() -> None:
    assert m("contains", "Hello World", "World") is True
    assert m("contains", "Hello World", "world") is False
    assert m("notContains", "Hello World", "world") is True
    assert m("containsIgnoreCase", "Hello World", "WORLD") is True
    assert m("containsIgnoreCase", "Hello", "xyz") is False
    assert m("contains", "abc", "") is True
    assert m("contains", "order 42", 42) is True  # numbers are compared by their text
    assert "argument 1 must be TEXT" in err("contains", "abc", None)
    assert "got LIST" in err("contains", "abc", DelugeList(["a"]))


def test_names_are_case_insensitive() -> None:
    assert m("CONTAINSIGNORECASE", "abc", "B") is True
    assert m("tolowercase", "ABC") == "abc"


def test_equals_and_equals_ignore_case() -> None:
    assert m("equals", "abc", "abc") is True
    assert m("equals", "abc", "ABC") is False
    assert m("equalsIgnoreCase", "abc", "ABC") is True
    assert m("equalsIgnoreCase", "straße", "STRASSE") is False  # char by char, like Java
    assert m("equalsIgnoreCase", "abc", None) is False
    assert m("equals", "abc", None) is False
    assert m("equals", "12", 12) is True


def test_starts_ends_with() -> None:
    assert m("startsWith", "Invoice-1", "Inv") is True
    assert m("startsWith", "Invoice-1", "inv") is False
    assert m("startsWithIgnoreCase", "Invoice-1", "inv") is True
    assert m("endsWith", "file.PDF", ".pdf") is False
    assert m("endsWithIgnoreCase", "file.PDF", ".pdf") is True
    assert m("endsWithIgnoreCase", "a.b", "a.c") is False  # literal, not regex
    assert m("startsWith", "abc", "") is True


def test_index_of() -> None:
    assert m("indexOf", "Hello World", "o") == 4
    assert m("lastIndexOf", "Hello World", "o") == 7
    assert m("indexOf", "Hello", "z") == -1
    assert m("lastIndexOf", "Hello", "z") == -1
    assert m("indexOf", "Hello", "h") == -1
    assert m("indexOf", "abc", "") == 0
    assert m("lastIndexOf", "abc", "") == 3


def test_find_is_index_of() -> None:
    assert f("find", "Hello", "l") == 2
    assert f("find", "Hello", "H") == 0
    assert f("find", "Hello", "z") == -1
    assert m("find", "Hello", "o") == 4


def test_get_occurence_count() -> None:
    assert m("getOccurenceCount", "banana", "a") == 3
    assert m("getOccurenceCount", "aaaa", "aa") == 2  # non-overlapping
    assert m("getOccurenceCount", "Banana", "b") == 0
    assert m("getOccurrenceCount", "abc", "") == 0


def test_prefix_suffix() -> None:
    assert m("getPrefix", "user@example.com", "@") == "user"
    assert m("getSuffix", "user@example.com", "@") == "example.com"
    assert m("getPrefix", "no at sign", "@") is None
    assert m("getSuffix", "no at sign", "@") is None
    assert m("getSuffix", "a-b-c", "-") == "b-c"
    assert m("getPrefix", "Key: Value", "key") is None
    assert m("getPrefixIgnoreCase", "Key: Value", "key") == ""
    assert m("getSuffixIgnoreCase", "Name: Bob", "NAME: ") == "Bob"
    assert m("getSuffixIgnoreCase", "abc", "x") is None


def test_matches_is_whole_text() -> None:
    assert m("matches", "abc123", "[a-z]+[0-9]+") is True
    assert m("matches", "abc123", "[a-z]+") is False
    assert f("matches", "2024-01-05", r"\d{4}-\d{2}-\d{2}") is True
    assert m("matches", "", "a*") is True
    assert "invalid regular expression" in err("matches", "abc", "(")


# -- replace --------------------------------------------------------------------------


def test_replace_all_regex_by_default() -> None:
    assert m("replaceAll", "+1 (555) 010-9999", "[^0-9]", "") == "15550109999"
    assert m("replaceAll", "a  b   c", " +", " ") == "a b c"
    assert m("replaceAll", "a.b.c", ".", "-") == "-----"
    assert m("replaceAll", "a.b.c", ".", "-", True) == "a-b-c"
    assert m("replaceAll", "a.b.c", ".", "-", False) == "-----"
    assert m("replaceAll", "abc", "x", "y") == "abc"
    assert m("replaceAll", "abc", "", "-") == "-a-b-c-"


def test_replace_first() -> None:
    assert m("replaceFirst", "a1b2c3", "[0-9]", "#") == "a#b2c3"
    assert m("replaceFirst", "a.b.c", ".", "", True) == "ab.c"
    assert m("replaceFirst", "abc", "z", "y") == "abc"


def test_replace_ignore_case() -> None:
    assert m("replaceAllIgnoreCase", "Cat cat CAT", "cat", "dog") == "dog dog dog"
    assert m("replaceFirstIgnoreCase", "Cat cat CAT", "CAT", "dog") == "dog cat CAT"
    assert m("replaceAll", "Cat cat CAT", "cat", "dog") == "Cat dog CAT"
    assert m("replaceAllIgnoreCase", "A.a.A", ".", "-", True) == "A-a-A"


def test_java_replacement_syntax() -> None:
    assert m("replaceAll", "John Smith", "(\\w+) (\\w+)", "$2, $1") == "Smith, John"
    assert m("replaceAll", "2024-01-15", "(?<y>\\d+)-(?<m>\\d+)-(?<d>\\d+)", "${d}/${m}/${y}") == "15/01/2024"
    assert m("replaceAll", "price 5", "(\\d)", "\\$$1") == "price $5"
    assert m("replaceAll", "a", "a", "\\\\") == "\\"
    # $12 with only one group: group 1 followed by a literal 2
    assert m("replaceAll", "x", "(x)", "$12") == "x2"
    # an unmatched optional group inserts nothing
    assert m("replaceAll", "b", "(a)?b", "[$1]") == "[]"
    # a literal replacement keeps $ and backslashes as typed
    assert m("replaceAll", "a", "a", "$1\\", True) == "$1\\"


@pytest.mark.parametrize("template, message", [
    ("$", "illegal group reference"),
    ("$x", "illegal group reference"),
    ("$2", "no group 2"),
    ("${nope}", "no group named"),
    ("x\\", "lone backslash"),
])
def test_bad_replacement_is_a_clean_error(template: str, message: str) -> None:
    assert message in err("replaceAll", "abc", "(b)", template)


@pytest.mark.parametrize("pattern", ["(", "[a-z", "*a", "a{2,1}", "\\", "(?<n>a)\\k<m>", "[a&&b]", "\\G", "\\p{Nope}"])
def test_bad_regex_is_a_clean_error(pattern: str) -> None:
    assert "invalid regular expression" in err("replaceAll", "abc", pattern, "x")


def test_java_regex_translation() -> None:
    assert java_regex("t", "\\Qa.b\\E").fullmatch("a.b")
    assert not java_regex("t", "\\Qa.b\\E").fullmatch("axb")
    assert java_regex("t", "[a-c[x-z]]+").fullmatch("abyz")
    assert java_regex("t", "\\p{Alpha}+\\p{Digit}").fullmatch("ab1")
    assert java_regex("t", "\\p{L}+").fullmatch("Jöße")
    assert java_regex("t", "[\\p{Lu}]").fullmatch("É")
    assert java_regex("t", "\\h").fullmatch("\u00a0")
    assert java_regex("t", "a\\z").search("a")
    assert java_regex("t", "\\0101").fullmatch("A")
    assert java_regex("t", "\\x{1F600}").fullmatch("\U0001F600")
    assert java_regex("t", "(?i)abc").fullmatch("ABC")
    assert java_regex("t", "a(?i)bc").fullmatch("aBC")
    assert not java_regex("t", "a(?i)bc").fullmatch("ABC")
    assert java_regex("t", "(x(?i)y)z").fullmatch("xYz")
    assert not java_regex("t", "(x(?i)y)z").fullmatch("xYZ")
    assert java_regex("t", "a++b").fullmatch("aab")
    # Java's \w and \d are ASCII-only
    assert not java_regex("t", "\\w").fullmatch("é")
    assert not java_regex("t", "\\d").fullmatch("\u0663")


def test_replace_all_respects_text_limit() -> None:
    small = Execution(limits=Limits(max_text_length=10))
    fn = REGISTRY.method_dispatcher("replaceAll")
    with pytest.raises(DelugeRuntimeError, match="text limit"):
        fn(small, "aaaa", "a", "xxxx")


# -- remove ---------------------------------------------------------------------------


def test_remove_family() -> None:
    assert m("remove", "a-b-c", "-") == "abc"
    assert m("remove", "a.b", ".") == "ab"  # literal, not regex
    assert m("removeFirstOccurence", "a-b-c", "-") == "ab-c"
    assert m("removeLastOccurence", "a-b-c", "-") == "a-bc"
    assert m("removeFirstOccurrence", "xx", "x") == "x"
    assert m("removeLastOccurence", "abc", "z") == "abc"
    assert m("remove", "abc", "") == "abc"


def test_alpha_family() -> None:
    assert m("getAlpha", "a1b2-C3 é") == "abC"
    assert m("getAlphaNumeric", "a1b2-C3 é") == "a1b2C3"
    assert m("removeAllAlpha", "a1b2-C3") == "12-3"
    assert m("removeAllAlphaNumeric", "a1b2-C3 !") == "- !"
    assert f("getAlpha", "x9") == "x"


# -- slices, length, padding ------------------------------------------------------------


def test_substring() -> None:
    s = "Hello World"
    assert m("subString", s, 0, 5) == "Hello"
    assert m("subString", s, 6) == "World"
    assert m("subText", s, 6, 11) == "World"
    assert m("mid", s, 1, 4) == "ell"
    assert m("subString", s, 3, 3) == ""
    assert m("subString", s, 6, -1) == "World"
    assert m("subString", s, 11) == ""
    assert m("subString", s, Decimal("2"), Decimal("4")) == "ll"
    assert "out of range" in err("subString", "abc", 5)
    assert "out of range" in err("subString", "abc", 0, 9)
    assert "out of range" in err("subString", "abc", -1)
    assert "before start" in err("subString", "abc", 2, 1)
    assert "must be NUMBER" in err("subString", "abc", "1")
    assert "must be NUMBER" in err("subString", "abc", Decimal("1.5"))


def test_length_and_len() -> None:
    assert m("length", "héllo") == 5
    assert m("length", "") == 0
    assert f("len", "abc") == 3
    assert f("length", "ab") == 2
    with pytest.raises(DelugeRuntimeError, match="has no method"):
        f("len", None)


def test_left_right() -> None:
    assert m("left", "Hello", 2) == "He"
    assert m("right", "Hello", 2) == "lo"
    assert "cannot take 10 characters" in err("left", "Hello", 10)
    assert "cannot take 10 characters" in err("right", "Hello", 10)
    assert m("left", "Hello", 0) == ""
    assert m("right", "Hello", 0) == ""
    assert m("left", "abc", -1) == "abc"
    assert "negative" in err("right", "abc", -1)


def test_padding() -> None:
    assert m("leftpad", "42", 5) == "   42"
    assert m("rightpad", "42", 5) == "42   "
    assert m("leftpad", "12345", 3) == "12345"
    assert m("leftpad", "ab", -2) == "ab"
    assert m("leftpad", "7", 3).replace(" ", "0") == "007"
    with pytest.raises(DelugeRuntimeError, match="text limit"):
        REGISTRY.method_dispatcher("leftpad")(Execution(limits=Limits(max_text_length=5)), "a", 6)


def test_padding_maximum_is_100000() -> None:
    """Zoho's leftpad/rightpad pages give a maximum width ("100,00", read as 100,000)."""
    assert len(m("leftpad", "x", 100_000)) == 100_000
    assert len(f("rightpad", "x", 100_000)) == 100_000
    assert "at most 100000" in err("leftpad", "x", 100_001)
    assert "at most 100000" in err("rightpad", "x", 100_001)


def test_reverse_of_a_non_text_value_reverses_its_text() -> None:
    """Zoho's reverse page: reverse({1, 2, 13}) converts the list to text first."""
    assert f("reverse", DelugeList([1, 2, 13])) == "31,2,1"
    assert f("reverse", 120) == "021"
    assert m("reverse", Decimal("1.25")) == "52.1"


def test_repeat_reverse_concat() -> None:
    assert m("repeat", "ab", 3) == "ababab"
    assert m("repeat", "ab", 0) == ""
    assert "negative" in err("repeat", "ab", -1)
    assert m("reverse", "abc") == "cba"
    assert m("concat", "ab", "cd") == "abcd"
    assert f("concat", "a", 1) == "a1"
    assert "must be TEXT" in err("concat", "a", None)
    with pytest.raises(DelugeRuntimeError, match="text limit"):
        REGISTRY.method_dispatcher("repeat")(Execution(limits=Limits(max_text_length=5)), "ab", 3)


# -- case, whitespace, tests ------------------------------------------------------------


def test_case() -> None:
    assert m("toUpperCase", "abc-é") == "ABC-É"
    assert m("toLowerCase", "ABC-1") == "abc-1"
    assert m("proper", "hello WORLD  foo") == "Hello World  Foo"
    assert m("proper", "o'neil mary-jane") == "O'neil Mary-jane"
    with pytest.raises(DelugeRuntimeError, match="has no method"):
        m("toLower", "ABC")


def test_trim_family() -> None:
    assert m("trim", "  a  b \t\n") == "a  b"
    assert m("ltrim", "  a  ") == "a  "
    assert m("rtrim", "  a  ") == "  a"
    assert m("trim", "   ") == ""
    assert m("ltrim", "") == ""
    assert m("trim", "\u00a0a\u00a0") == "\u00a0a\u00a0"  # Java trim keeps no-break spaces


def test_is_ascii_and_is_text() -> None:
    assert m("isAscii", "abc 123") is True
    assert m("isAscii", "café") is False
    assert m("isAscii", "") is True
    assert f("isText", "abc") is True
    assert f("isText", 12) is False
    assert f("isText", None) is False
    assert m("isText", DelugeList()) is False


# -- splitting and conversions ------------------------------------------------------------


def test_to_list() -> None:
    assert m("toList", "a,b,c", ",") == ["a", "b", "c"]
    assert type(m("toList", "a,b", ",")) is DelugeList
    assert m("toList", "a,b,c") == ["a,b,c"]
    assert m("toList", "a,,b,", ",") == ["a", "", "b", ""]
    assert m("toList", "a|b", "|") == ["a", "b"]  # literal, not regex
    assert m("toList", "a.b", ".") == ["a", "b"]
    assert m("toList", "abc", ";") == ["abc"]
    assert m("toList", "", ",") == []
    assert m("toList", "abc", "") == ["a", "b", "c"]
    assert m("toList", "a::b", "::") == ["a", "b"]


def test_to_list_string() -> None:
    assert m("toListString", "a,b") == ["a", "b"]
    assert m("toListString", "") == []


def test_hex() -> None:
    assert m("textToHex", "Zoho") == "5a6f686f"
    assert m("textToHex", "é") == "c3a9"
    assert m("hexToText", "5a6f686f") == "Zoho"
    assert m("hexToText", "5A6F686F") == "Zoho"
    assert m("hexToText", "") == ""
    assert "hex digits" in err("hexToText", "abc")
    assert "hex digits" in err("hexToText", "zz")


def test_html() -> None:
    assert m("htmlEncode", "<a href=\"x\">Tom & Jerry's</a>") == \
        "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry's&lt;/a&gt;"  # HTML 4 has no &apos;
    assert m("htmlEncode", "café €5 ≤ 6 ✓") == "caf&eacute; &euro;5 &le; 6 ✓"  # named entities only
    assert m("htmlDecode", "&lt;b&gt; &amp; &#39; &quot;") == "<b> & ' \""


# -- properties --------------------------------------------------------------------------


@given(st.text(), st.text(min_size=1))
def test_to_list_round_trips(text: str, sep: str) -> None:
    parts = m("toList", text, sep)
    assert sep.join(parts) == text


@given(st.text())
def test_reverse_twice_and_hex_round_trip(text: str) -> None:
    assert m("reverse", m("reverse", text)) == text
    assert m("hexToText", m("textToHex", text)) == text


@given(st.text(), st.text())
def test_literal_replace_matches_python(text: str, search: str) -> None:
    assert m("replaceAll", text, search, "#", True) == text.replace(search, "#")


# -- every built-in rejects bad input with a Deluge error only -----------------------------

SAMPLES: list[Any] = [
    None, "", "abc", "(", "$1", 0, -1, 3, 2**63 - 1, Decimal("1.5"), True,
    DelugeList(["a"]), DelugeMap({"k": "v"}), dt.date(2024, 1, 2), dt.datetime(2024, 1, 2, 3, 4, 5),
    dt.time(1, 2), DelugeFile("f.txt", b"x"),
]


def _mine(module: str) -> list[Any]:
    return [b for b in REGISTRY.builtins if b.impl.__module__ == module]


@pytest.mark.parametrize("b", _mine("cloudburst.stdlib.text"), ids=lambda b: b.name)
def test_bad_arguments_raise_only_deluge_errors(b: Any) -> None:
    hi = b.max_args if b.max_args is not None else b.min_args + 1
    for count in range(b.min_args, hi + 1):
        for args in itertools.product(SAMPLES, repeat=count):
            for receiver in (["abc", "a(b)c"] if b.receiver else [None]):
                call = (receiver, *args) if b.receiver else args
                try:
                    if b.receiver:
                        REGISTRY.method_dispatcher(b.name)(CTX, *call)
                    else:
                        b.impl(CTX, *call)
                except DelugeRuntimeError:
                    pass


@pytest.mark.parametrize("b", [b for b in _mine("cloudburst.stdlib.text") if b.receiver == ("TEXT",)],
                         ids=lambda b: b.name)
def test_wrong_receiver_is_a_deluge_error(b: Any) -> None:
    handled = {t for other in REGISTRY.methods[b.name.lower()] for r in other.receiver for t in TYPES[r]}
    for receiver in SAMPLES:
        if type(receiver) in handled:  # e.g. LIST.contains belongs to another module
            continue
        with pytest.raises(DelugeRuntimeError):
            REGISTRY.method_dispatcher(b.name)(CTX, receiver, *(["x"] * b.min_args))


def test_documented_size_limits() -> None:
    """Zoho's pages: replaceAllIgnoreCase, replaceFirstIgnoreCase and isAscii take texts up
    to 300 KB; repeat keeps to the run's text limit only (docs/semantics/text.md)."""
    assert len(m("repeat", "ab", 100_000)) == 200_000
    big = "a" * (300 * 1024)
    assert m("isAscii", big) is True
    assert "300 KB" in err("isAscii", big + "a")
    assert "300 KB" in err("isAscii", "é" * (150 * 1024 + 1))
    assert len(m("replaceAllIgnoreCase", big, "A", "b")) == len(big)
    assert "300 KB" in err("replaceAllIgnoreCase", big + "a", "A", "b")
    assert "300 KB" in err("replaceFirstIgnoreCase", big, "A", "bb")
    assert "300 KB" in err("replaceAllIgnoreCase", big, "A", "bb")
    assert m("replaceAll", big + "a", "a", "bb") == "bb" * (len(big) + 1)
