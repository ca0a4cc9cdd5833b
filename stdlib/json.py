"""JSON and XML built-ins: toMap, toJSONList, getJSON, executeXPath, toXmlList, toXML.

JSON is read leniently, like the Java org.json reader Zoho's examples imply: unquoted keys,
single-quoted strings, unquoted text values and trailing commas are accepted. Objects
become insertion-ordered maps, arrays lists; whole numbers stay exact 64-bit NUMBERs
(larger ones become DECIMAL) and fractions become DECIMAL exactly as written.
"""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any

from cloudburst.numeric import NumberRangeError, number_from_text
from cloudburst.stdlib.registry import builtin, fail

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET
from cloudburst.values import DelugeList, DelugeMap, display, type_name

__all__ = ["parse_json"]

_NUMBER = re.compile(r"-?(?:\d+)(?:\.\d+)?(?:[eE][+-]?\d+)?")
_BARE_STOP = set(",:]}/\\\"'[{;=#\n\r")
_ESCAPES = {'"': '"', "'": "'", "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_MAX_DEPTH = 128


class _Reader:
    """A recursive-descent reader over one JSON text; errors name the calling built-in."""

    def __init__(self, fn: str, text: str) -> None:
        self.fn = fn
        self.text = text
        self.pos = 0

    def error(self, reason: str) -> Exception:
        return fail(f"{self.fn}: invalid JSON at position {self.pos}: {reason}")

    def skip(self) -> str:
        text, n = self.text, len(self.text)
        while self.pos < n and text[self.pos] in " \t\r\n\ufeff":
            self.pos += 1
        return text[self.pos] if self.pos < n else ""

    def value(self, depth: int) -> Any:
        if depth > _MAX_DEPTH:
            raise self.error("nested too deeply")
        ch = self.skip()
        if ch == "{":
            return self.obj(depth)
        if ch == "[":
            return self.array(depth)
        if ch in ('"', "'"):
            return self.string(ch)
        if ch == "":
            raise self.error("unexpected end of text")
        return self.bare()

    def obj(self, depth: int) -> DelugeMap:
        self.pos += 1
        out = DelugeMap()
        while True:
            ch = self.skip()
            if ch == "}":
                self.pos += 1
                return out
            if ch in ('"', "'"):
                key = self.string(ch)
            elif ch and ch not in _BARE_STOP:
                key = self.bare_text()
            else:
                raise self.error("expected a key or '}'")
            if self.skip() not in (":", "="):
                raise self.error(f"expected ':' after key {key!r}")
            self.pos += 1
            out[key] = self.value(depth + 1)
            ch = self.skip()
            if ch in (",", ";"):
                self.pos += 1
            elif ch != "}":
                raise self.error("expected ',' or '}'")

    def array(self, depth: int) -> DelugeList:
        self.pos += 1
        out = DelugeList()
        while True:
            ch = self.skip()
            if ch == "]":
                self.pos += 1
                return out
            out.append(self.value(depth + 1))
            ch = self.skip()
            if ch in (",", ";"):
                self.pos += 1
            elif ch != "]":
                raise self.error("expected ',' or ']'")

    def string(self, quote: str) -> str:
        self.pos += 1
        text, parts = self.text, []
        start = self.pos
        while True:
            if self.pos >= len(text):
                raise self.error("unterminated string")
            ch = text[self.pos]
            if ch == quote:
                parts.append(text[start:self.pos])
                self.pos += 1
                return "".join(parts)
            if ch == "\\":
                parts.append(text[start:self.pos])
                parts.append(self.escape())
                start = self.pos
            else:
                self.pos += 1

    def escape(self) -> str:
        text = self.text
        code = text[self.pos + 1:self.pos + 2]
        if code in _ESCAPES:
            self.pos += 2
            return _ESCAPES[code]
        if code == "u":
            digits = text[self.pos + 2:self.pos + 6]
            if not re.fullmatch(r"[0-9a-fA-F]{4}", digits):
                raise self.error("bad \\u escape")
            self.pos += 6
            unit = int(digits, 16)
            if 0xD800 <= unit < 0xDC00 and text[self.pos:self.pos + 2] == "\\u":
                low = text[self.pos + 2:self.pos + 6]
                if re.fullmatch(r"[dD][c-fC-F][0-9a-fA-F]{2}", low):
                    self.pos += 6
                    return chr(0x10000 + ((unit - 0xD800) << 10) + (int(low, 16) - 0xDC00))
            return chr(unit)
        raise self.error(f"bad escape '\\{code}'")

    def bare_text(self) -> str:
        start = self.pos
        text, n = self.text, len(self.text)
        while self.pos < n and text[self.pos] not in _BARE_STOP:
            self.pos += 1
        return text[start:self.pos].strip()

    def bare(self) -> Any:
        token = self.bare_text()
        if token == "":
            raise self.error(f"unexpected character {self.text[self.pos]!r}")
        if token in ("true", "false"):
            return token == "true"
        if token == "null":
            return None
        if _NUMBER.fullmatch(token):
            try:
                return number_from_text(token)
            except NumberRangeError as exc:
                raise self.error(exc.message) from None
        return token


def parse_json(fn: str, text: str) -> Any:
    """Parse one JSON value (leniently); trailing non-space text is an error."""
    reader = _Reader(fn, text)
    result = reader.value(0)
    if reader.skip():
        raise reader.error("unexpected text after the JSON value")
    return result


# -- JSON built-ins -----------------------------------------------------------------------
@builtin("toMap", receiver=("TEXT", "MAP"), returns="MAP", tier=1,
         doc="Parse JSON object text into a map (lenient: unquoted keys, single quotes); empty text gives an empty map.")
def to_map(ctx: Any, source: Any) -> DelugeMap:
    if isinstance(source, DelugeMap):
        return DelugeMap(source)
    if source.strip() == "":
        return DelugeMap()
    result = parse_json("toMap", source)
    if not isinstance(result, DelugeMap):
        raise fail(f"toMap: the text is a JSON {_json_kind(result)}, not an object")
    return result


@builtin("toJSONList", receiver=("TEXT", "LIST"), returns="LIST", tier=2,
         doc="Parse JSON array text into a list (objects become maps); empty text gives an empty list.")
def to_json_list(ctx: Any, source: Any) -> DelugeList:
    if isinstance(source, DelugeList):
        return DelugeList(source)
    if source.strip() == "":
        return DelugeList()
    result = parse_json("toJSONList", source)
    if not isinstance(result, DelugeList):
        raise fail(f"toJSONList: the text is a JSON {_json_kind(result)}, not an array")
    return result


@builtin("getJSON", receiver=("TEXT", "MAP"), returns="ANY", tier=1,
         doc="Value of key in JSON object text or a map; null when absent; nested objects come back as maps.")
def get_json(ctx: Any, source: Any, key: Any) -> Any:
    if isinstance(key, (DelugeList, DelugeMap)):
        raise fail(f"getJSON: a {type_name(key)} cannot be used as a key")
    if isinstance(source, DelugeMap):
        mapping = source
    else:
        mapping = parse_json("getJSON", source)
        if not isinstance(mapping, DelugeMap):
            raise fail(f"getJSON: the text is a JSON {_json_kind(mapping)}, not an object")
    if key in mapping:
        return mapping[key]
    return mapping.get(display(key)) if type(key) is not str else None


def _json_kind(value: Any) -> str:
    if isinstance(value, DelugeList):
        return "array"
    if isinstance(value, DelugeMap):
        return "object"
    return "text" if type(value) is str else "value"


# -- XML built-ins ------------------------------------------------------------------------
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_XML_NAME = re.compile(r"[A-Za-z_][\w.\-]*")


def _parse_xml(fn: str, text: str) -> ET.Element:
    import xml.etree.ElementTree as ET  # imported on first use: XML is rare in scripts

    try:
        return ET.fromstring(text)
    except ET.ParseError as exc:
        raise fail(f"{fn}: invalid XML: {exc}") from None
    except UnicodeEncodeError:  # an unpaired surrogate (from JSON "\ud800") is no XML character
        raise fail(f"{fn}: invalid XML: the text holds an unpaired surrogate character") from None


def _element_text(element: ET.Element) -> str:
    import xml.etree.ElementTree as ET

    alone = copy.copy(element)
    alone.tail = None
    return ET.tostring(alone, encoding="unicode")


@builtin("executeXPath", receiver="TEXT", returns="TEXT", tier=2,
         doc="Evaluate an XPath (ElementTree subset plus trailing /text() and /@attr) over XML text; matches are concatenated.")
def execute_xpath(ctx: Any, xml: str, path: Any) -> str:
    if type(path) is not str or not path.strip():
        raise fail(f"executeXPath: the path must be non-empty TEXT, got {type_name(path)}")
    import xml.etree.ElementTree as ET

    document = ET.Element("document")
    if xml.lstrip().startswith("{"):  # JSON: read as the XML toXML makes, under <root> (Zoho's page)
        xml = to_xml(ctx, xml)
    document.append(_parse_xml("executeXPath", xml))
    expr, mode, attribute = path.strip(), "element", ""
    if expr.endswith("/text()"):
        expr, mode = expr[: -len("/text()")], "text"
    else:
        match = re.search(r"/@([\w.\-:]+)$", expr)
        if match:
            expr, mode, attribute = expr[: match.start()], "attribute", match.group(1)
    expr = "." + expr if expr.startswith("/") else "./" + expr
    try:
        found = document.findall(expr)
    except (SyntaxError, KeyError, TypeError) as exc:
        raise fail(f"executeXPath: unsupported path '{path}': {exc}") from None
    if mode == "text":
        return "".join(e.text or "" for e in found)
    if mode == "attribute":  # each value as an element named for the attribute (Zoho's page)
        return "".join(f"<{attribute}>{_escape_xml(e.get(attribute, ''))}</{attribute}>"
                       for e in found if attribute in e.attrib)
    return "".join(_element_text(e) for e in found)


@builtin("toXmlList", receiver="TEXT", returns="LIST", tier=2,
         doc="Split XML text into a list of its top-level elements, each as XML text.")
def to_xml_list(ctx: Any, xml: str) -> DelugeList:
    body = _XML_DECL.sub("", xml, count=1)
    if not body.strip():
        return DelugeList()
    wrapper = _parse_xml("toXmlList", f"<document>{body}</document>")
    return DelugeList(_element_text(e) for e in wrapper)


@builtin("toXML", receiver=("TEXT", "MAP"), returns="TEXT", tier=2,
         doc="XML text under <root> from a map or JSON object text: each key becomes an element, list values repeat it.")
def to_xml(ctx: Any, source: Any) -> str:
    mapping = source if isinstance(source, DelugeMap) else to_map(ctx, source)
    parts: list[str] = ["<root>"]
    _map_to_xml(mapping, parts, 0)
    parts.append("</root>")
    return "".join(parts)


def _escape_xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _map_to_xml(mapping: DelugeMap, out: list[str], depth: int) -> None:
    if depth > _MAX_DEPTH:
        raise fail("toXML: the map is nested too deeply")
    for key, value in mapping.items():
        name = display(key)
        if not _XML_NAME.fullmatch(name) or name.lower().startswith("xml"):
            raise fail(f"toXML: '{name}' is not a valid XML element name")
        for item in value if isinstance(value, DelugeList) else (value,):
            out.append(f"<{name}>")
            if isinstance(item, DelugeMap):
                _map_to_xml(item, out, depth + 1)
            elif item is not None:
                out.append(_escape_xml(display(item)))
            out.append(f"</{name}>")
