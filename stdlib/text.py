"""Built-ins: TEXT methods (search, slice, case, trim, split, regex, padding, misc).

Deluge runs on Java, so regular expressions follow ``java.util.regex`` rules: patterns are
translated to Python's ``re`` (see :func:`java_regex`) and replacement strings use Java's
``$1`` / ``${name}`` / ``\\$`` syntax (see :func:`java_replacement`). Character positions
are 0-based everywhere (``find`` is ``indexOf``, as Zoho's indexOf page documents).
"""

from __future__ import annotations

import functools
import re
import sys
import warnings
from decimal import Decimal

from cloudburst.errors import DelugeRuntimeError, TimeoutLimitError
from cloudburst.lazy import lazy_pattern
from cloudburst.stdlib.registry import builtin, expect, fail
from cloudburst.values import INT_MAX, INT_MIN, DelugeList, display, type_name

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, TypeVar

__all__ = [
    "java_regex",
    "java_replacement",
    "text_arg",
    "int_arg",
    "java_trim",
]

# ---------------------------------------------------------------------------------------
# Argument helpers
# ---------------------------------------------------------------------------------------


def text_arg(fn: str, value: Any, position: int = 1) -> str:
    """A text argument: TEXT as is; NUMBER, DECIMAL and BOOLEAN by their display text
    (Deluge converts scalars where text is expected); null or any other type is an error."""
    t = type(value)
    if t is str:
        return value  # type: ignore[no-any-return]
    if t is int or t is Decimal or t is bool:
        return display(value)
    what = "receiver" if position == 0 else f"argument {position}"
    raise DelugeRuntimeError(f"{fn}: {what} must be TEXT, got {type_name(value)}")


def int_arg(fn: str, value: Any, position: int = 1) -> int:
    """A whole-number argument: NUMBER, or a DECIMAL with no fractional part."""
    t = type(value)
    if t is int:
        return value  # type: ignore[no-any-return]
    if t is Decimal and value.is_finite() and value == value.to_integral_value():
        if not INT_MIN <= value <= INT_MAX:  # a NUMBER is 64-bit; 1E+30 is no count or index
            what = "receiver" if position == 0 else f"argument {position}"
            raise DelugeRuntimeError(f"{fn}: {what} is outside the 64-bit NUMBER range: {display(value)}")
        return int(value)
    return expect(fn, value, "NUMBER", position)  # type: ignore[no-any-return]


def bool_arg(fn: str, value: Any, position: int) -> bool:
    return expect(fn, value, "BOOLEAN", position)  # type: ignore[no-any-return]


def _check_length(ctx: Any, fn: str, length: int) -> None:
    limit = ctx.limits.max_text_length
    if length > limit:
        raise fail(f"{fn}: the result would be longer than the {limit}-character text limit")


#: Zoho's pages of replaceAllIgnoreCase, replaceFirstIgnoreCase and isAscii: each text in
#: or out "can be up to 300 KB".
IGNORE_CASE_MAX_BYTES = 300 * 1024


def _within_kb(fn: str, *texts: str) -> None:
    """UTF-8 size check; a character takes at most 4 bytes, so short texts skip encoding."""
    for text in texts:
        if len(text) * 4 > IGNORE_CASE_MAX_BYTES < len(text.encode("utf-8", "surrogatepass")):
            raise fail(f"{fn}: a text in or out may be at most 300 KB")


def java_trim(text: str) -> str:
    """Java ``String.trim``: strip every character up to U+0020 at both ends."""
    start, end = 0, len(text)
    while start < end and text[start] <= " ":
        start += 1
    while end > start and text[end - 1] <= " ":
        end -= 1
    return text[start:end]


def _ci_find(text: str, search: str) -> re.Match[str] | None:
    """Case-insensitive literal search that keeps positions in the original text (lower-
    casing first could shift them: some characters change length)."""
    return re.search(re.escape(search), text, re.IGNORECASE)


# ---------------------------------------------------------------------------------------
# Java regular expressions
# ---------------------------------------------------------------------------------------

_POSIX = {
    "lower": "a-z",
    "upper": "A-Z",
    "ascii": "\\x00-\\x7f",
    "alpha": "a-zA-Z",
    "digit": "0-9",
    "alnum": "a-zA-Z0-9",
    "punct": "!-/:-@\\[-`{-~",
    "graph": "!-~",
    "print": " -~",
    "blank": " \\t",
    "cntrl": "\\x00-\\x1f\\x7f",
    "xdigit": "0-9a-fA-F",
    "space": " \\t\\n\\x0b\\f\\r",
    "alphabetic": None,  # Unicode letters, via the category table
    "letter": None,
}
_HSPACE = " \\t\\xa0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000"
_VSPACE = "\\n\\x0b\\f\\r\\x85\\u2028\\u2029"
_SIMPLE_ESCAPES = {"h": _HSPACE, "v": _VSPACE}
_SIMPLE_NEGATED = {"H": _HSPACE, "V": _VSPACE}


@functools.lru_cache(maxsize=64)
def _category_class(prefix: str) -> str:
    """Class body (ranges) of every code point whose Unicode general category starts with
    ``prefix`` (``L``, ``Lu``, ``Nd``...). Built once per category, on first use."""
    import unicodedata  # only here: a run that calls no such pattern does not load the table

    parts: list[str] = []
    start = -1
    for cp in range(sys.maxunicode + 2):
        inside = cp <= sys.maxunicode and unicodedata.category(chr(cp)).startswith(prefix)
        if inside and start < 0:
            start = cp
        elif not inside and start >= 0:
            end = cp - 1
            parts.append(f"\\U{start:08x}" if start == end else f"\\U{start:08x}-\\U{end:08x}")
            start = -1
    return "".join(parts)


_CATEGORIES = {"L", "Lu", "Ll", "Lt", "Lm", "Lo", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No",
               "P", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "S", "Sm", "Sc", "Sk", "So",
               "Z", "Zs", "Zl", "Zp", "Cc", "Cf", "Co", "Cs"}


def _property_body(name: str) -> str:
    """Class body for ``\\p{name}``; raises ValueError for properties we do not know."""
    key = name[2:] if name.startswith("Is") and len(name) > 2 else name
    posix = key.lower()
    if posix in _POSIX:
        body = _POSIX[posix]
        return body if body is not None else _category_class("L")
    if key in _CATEGORIES:
        return _category_class(key)
    if key in ("Lowercase", "Uppercase"):
        return _category_class("Ll" if key == "Lowercase" else "Lu")
    if key == "White_Space" or key == "WhiteSpace":
        return " \\t\\n\\x0b\\f\\r\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
    raise ValueError(f"unsupported character property \\p{{{name}}}")


_FLAG_RE = lazy_pattern(r"\(\?([idmsuxU]*)(?:-([idmsuxU]*))?\)")
#: The ``(?`` groups Java has (the ``regex`` module would also read branch resets,
#: recursion, conditionals, comments and its own flags, none of which Java accepts).
_JAVA_GROUP = lazy_pattern(r"\(\?(?::|=|!|<=|<!|>|<[A-Za-z]|[idmsuxU]*(?:-[idmsuxU]*)?[:)])")
_GROUP_NAME = lazy_pattern(r"[A-Za-z][A-Za-z0-9]*>")
#: A Java repetition count; anything else after ``{`` is an error in Java (and would be
#: fuzzy matching, ``{e<=3}``, in the ``regex`` module).
#: Largest pattern once counts are multiplied out: ``(?:a{1000}){1000}`` took seconds
#: and gigabytes to compile, outside any time limit.
REGEX_MAX_WEIGHT = 20_000
_JAVA_COUNT = lazy_pattern(r"\{[0-9]+(?:,[0-9]*)?\}")


@functools.lru_cache(maxsize=512)
def _translate(pattern: str) -> str:
    """Rewrite a Java regex as an equivalent Python ``re`` pattern (ValueError if it uses
    a construct Python cannot express)."""
    out: list[str] = []
    i, n = 0, len(pattern)
    in_class = 0  # nesting depth of [...]; Java's nested classes are unions, so flattened
    class_start = False  # just after "[" or "[^", where "]" is a literal
    depth = 0  # open groups
    wraps: list[int] = []  # group depth of each "(?flags:" opened for a mid-pattern "(?flags)"
    # Size once counts are expanded (the regex module unrolls a{1000} when compiling): the
    # pattern's weight per open group, and the weight of the last atom a count applies to.
    weights, last = [0], 0
    while i < n:
        c = pattern[i]
        if c == "\\":
            piece, i = _escape(pattern, i, in_class > 0)
            out.append(piece)
            class_start = False
            if not in_class:
                weights[-1] += 1
                last = 1
            continue
        if in_class:
            if c == "[":
                if pattern.startswith("[^", i):
                    raise ValueError("negated nested character classes are not supported")
                in_class += 1
            elif c == "]" and not class_start:
                in_class -= 1
                if in_class == 0:
                    out.append("]")
                    weights[-1] += 1
                    last = 1
            elif c == "&" and pattern.startswith("&&", i):
                raise ValueError("character class intersection (&&) is not supported")
            elif c in "-~|&" and pattern.startswith(c + c, i):
                out.append("\\" + c)  # Python warns about these as future set operations
            else:
                out.append(c)
            class_start = False
            i += 1
            continue
        if c == "[":
            in_class = 1
            out.append("[")
            i += 1
            if i < n and pattern[i] == "^":
                out.append("^")
                i += 1
            class_start = True
            continue
        if c == "(":
            m = _FLAG_RE.match(pattern, i)
            if m:
                on = "".join(ch for ch in (m.group(1) or "") if ch in "imsx")
                off = "".join(ch for ch in (m.group(2) or "") if ch in "imsx")
                i = m.end()
                if on and not off and not out:
                    out.append(f"(?{on})")  # Python needs global flags first
                elif on or off:
                    out.append(f"(?{on}{'-' + off if off else ''}:")
                    wraps.append(depth)
                continue
            weights.append(0)
            if pattern.startswith("(?<", i) and pattern[i + 3:i + 4] not in ("=", "!", ""):
                if not _GROUP_NAME.match(pattern, i + 3):
                    raise ValueError("a group name must be a letter followed by letters or digits: (?<name>...)")
                out.append("(?P<")
                i += 3
            elif pattern.startswith("(?", i) and not _JAVA_GROUP.match(pattern, i):
                raise ValueError(f"'{pattern[i:i + 4]}...' is not a Java group; Java has (?:...), (?=...), (?!...), "
                                 "(?<=...), (?<!...), (?>...), (?<name>...) and flags such as (?i)")
            else:
                out.append("(")
                i += 1
            depth += 1
            continue
        if c == ")":
            while wraps and wraps[-1] == depth:
                wraps.pop()
                out.append(")")
            depth = max(depth - 1, 0)
            out.append(")")
            i += 1
            last = weights.pop() if len(weights) > 1 else 0
            weights[-1] += last
            continue
        if c == "{":
            m = _JAVA_COUNT.match(pattern, i)
            if m is None:
                raise ValueError("illegal repetition: '{' must start a count such as {2}, {2,} or {1,3} "
                                 "(write \\{ for the character itself)")
            out.append(m.group())
            i = m.end()
            low, _, high = m.group()[1:-1].partition(",")
            times = max(int(low), int(high or low))
            weights[-1] += last * (times - 1)
            last *= times
            if weights[-1] > REGEX_MAX_WEIGHT:
                raise ValueError(f"the pattern is too large once its counts are multiplied out "
                                 f"(more than {REGEX_MAX_WEIGHT} elements)")
            continue
        out.append(c)
        i += 1
        if c not in "*+?|^$":
            weights[-1] += 1
            last = 1
    if in_class:
        raise ValueError("unclosed character class")
    out.extend(")" for _ in wraps)
    return "".join(out)


def _escape(pattern: str, i: int, in_class: bool) -> tuple[str, int]:
    """Translate the escape sequence at ``pattern[i]`` (a backslash); return the Python
    text and the index after the sequence."""
    n = len(pattern)
    if i + 1 >= n:
        raise ValueError("unexpected end of pattern after \\")
    d = pattern[i + 1]
    if d == "Q":
        end = pattern.find("\\E", i + 2)
        literal = pattern[i + 2:] if end < 0 else pattern[i + 2:end]
        return "".join(ch if ch.isalnum() or ch == "_" else "\\" + ch for ch in literal), (n if end < 0 else end + 2)
    if d in "pP":
        if pattern[i + 2:i + 3] == "{":
            close = pattern.find("}", i + 3)
            if close < 0:
                raise ValueError("unclosed character property")
            name, nxt = pattern[i + 3:close], close + 1
        elif i + 2 < n:
            name, nxt = pattern[i + 2], i + 3
        else:
            raise ValueError("unexpected end of pattern after \\p")
        body = _property_body(name)
        if in_class:
            if d == "P":
                raise ValueError("a negated property inside a character class is not supported")
            return body, nxt
        return ("[^" if d == "P" else "[") + body + "]", nxt
    if d in _SIMPLE_ESCAPES or d in _SIMPLE_NEGATED:
        negated = d in _SIMPLE_NEGATED
        body = _SIMPLE_NEGATED[d] if negated else _SIMPLE_ESCAPES[d]
        if in_class:
            if negated:
                raise ValueError(f"\\{d} inside a character class is not supported")
            return body, i + 2
        return ("[^" if negated else "[") + body + "]", i + 2
    if d == "R" and not in_class:
        return "(?:\\r\\n|[" + _VSPACE + "])", i + 2
    if d == "k" and pattern[i + 2:i + 3] == "<":
        close = pattern.find(">", i + 3)
        if close < 0:
            raise ValueError("unclosed group name in \\k<...>")
        return f"(?P={pattern[i + 3:close]})", close + 1
    if d == "z":
        return "\\Z", i + 2
    if d == "Z":
        return "(?=\\n?\\Z)", i + 2
    if d == "e":
        return "\\x1b", i + 2
    if d == "G":
        raise ValueError("\\G is not supported")
    if d == "c":
        if i + 2 >= n:
            raise ValueError("missing control character after \\c")
        return f"\\x{ord(pattern[i + 2]) ^ 64:02x}", i + 3
    if d == "0":
        j = i + 2
        while j < n and j < i + 5 and pattern[j] in "01234567":
            j += 1
        if j == i + 2:
            raise ValueError("illegal octal escape")
        if int(pattern[i + 2:j], 8) > 0o377:
            j -= 1
        return f"\\x{int(pattern[i + 2:j], 8):02x}", j
    if d == "x" and pattern[i + 2:i + 3] == "{":
        close = pattern.find("}", i + 3)
        if close < 0:
            raise ValueError("unclosed hexadecimal escape")
        return f"\\U{int(pattern[i + 3:close], 16):08x}", close + 1
    return "\\" + d, i + 2


@functools.lru_cache(maxsize=512)
def _compile(pattern: str, ignore_case: bool) -> Any:
    """Compile with the ``regex`` module: same syntax as ``re`` for the translated pattern,
    but its matching can be given a timeout (a pattern like ``(a+)+$`` backtracks for
    hours, and ``re`` cannot be interrupted)."""
    import regex  # type: ignore[import-untyped]

    translated = _translate(pattern)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        re.compile(translated)  # the same syntax rules (and messages) as before
    return regex.compile(translated, regex.ASCII | regex.VERSION0 | (regex.IGNORECASE if ignore_case else 0))


#: No single regular-expression call may take longer than this, even in a run without a
#: time limit.
REGEX_SECONDS = 10.0


def regex_timeout(ctx: Any) -> float:
    """Seconds a regular-expression call may take: the run's time left, capped."""
    left = ctx.time_left() if ctx is not None else None
    return REGEX_SECONDS if left is None else max(0.001, min(left, REGEX_SECONDS))


if TYPE_CHECKING:
    T = TypeVar("T")


def bounded_match(ctx: Any, fn: str, call: Callable[[float], T]) -> T:
    """Run one regular-expression call (given its own timeout in seconds) so that it ends
    within :func:`regex_timeout`. The ``regex`` module's timeout alone overshoots by
    seconds on some patterns (``(.*?,){30}z``), so the match runs in a helper thread with the
    GIL released and the run stops waiting at the cap; the abandoned match ends by its
    own timeout."""
    from cloudburst.workers import call_within

    limit = regex_timeout(ctx)
    try:
        finished, value = call_within(lambda: call(limit), limit, getattr(ctx, "cancelled", None))
    except TimeoutError:
        raise timed_out(fn) from None
    if not finished:
        raise timed_out(fn)
    return value  # type: ignore[return-value]


def timed_out(fn: str) -> TimeoutLimitError:
    return TimeoutLimitError(f"{fn}: the regular expression took too long (catastrophic backtracking?)")


def java_regex(fn: str, pattern: str, ignore_case: bool = False) -> Any:
    """Compile a Java-syntax regular expression; a bad pattern is a Deluge runtime error.

    Java's defaults are kept: ``\\w``, ``\\d``, ``\\s``, ``\\b`` and case-insensitive
    matching are ASCII-only (use ``\\p{L}`` for Unicode letters)."""
    try:
        return _compile(pattern, ignore_case)
    except (re.error, ValueError, FutureWarning, DeprecationWarning, OverflowError, RecursionError) as exc:
        raise fail(f"{fn}: invalid regular expression '{pattern}': {exc}") from None


if TYPE_CHECKING:
    Replacement = Callable[[Any], str]


def java_replacement(fn: str, template: str, regex: Any) -> Replacement:
    """Turn a Java ``Matcher.appendReplacement`` template into a function for ``re.sub``:
    ``$n`` (greedy while the group exists), ``${name}``, ``\\x`` = literal x."""
    parts: list[str | int] = []  # literal text or a group number / name
    groups = regex.groups
    literal: list[str] = []
    i, n = 0, len(template)
    while i < n:
        c = template[i]
        if c == "\\":
            if i + 1 >= n:
                raise fail(f"{fn}: replacement ends with a lone backslash")
            literal.append(template[i + 1])
            i += 2
            continue
        if c != "$":
            literal.append(c)
            i += 1
            continue
        if i + 1 >= n:
            raise fail(f"{fn}: illegal group reference in replacement: '$' at the end")
        if literal:
            parts.append("".join(literal))
            literal = []
        d = template[i + 1]
        if d == "{":
            close = template.find("}", i + 2)
            name = template[i + 2:close] if close > 0 else ""
            if close < 0 or not name:
                raise fail(f"{fn}: illegal named group reference in replacement")
            if name not in regex.groupindex:
                raise fail(f"{fn}: no group named '{name}' in the pattern")
            parts.append(regex.groupindex[name])
            i = close + 1
            continue
        if not d.isdigit() or not d.isascii():
            raise fail(f"{fn}: illegal group reference '${d}' in replacement (use \\$ for a dollar sign)")
        ref = int(d)
        if ref > groups:
            raise fail(f"{fn}: no group {ref} in the pattern")
        i += 2
        while i < n and template[i].isascii() and template[i].isdigit() and ref * 10 + int(template[i]) <= groups:
            ref = ref * 10 + int(template[i])
            i += 1
        parts.append(ref)
    if literal:
        parts.append("".join(literal))
    if all(isinstance(p, str) for p in parts):
        constant = "".join(p for p in parts if isinstance(p, str))
        return lambda m: constant

    def expand(m: Any) -> str:
        return "".join(p if isinstance(p, str) else (m.group(p) or "") for p in parts)

    return expand


def _replace(ctx: Any, fn: str, text: str, search: Any, repl: Any, literal: Any,
             count: int, ignore_case: bool) -> str:
    expect(fn, text, "TEXT", 0)
    pattern = text_arg(fn, search, 1)
    replacement = text_arg(fn, repl, 2)
    if ignore_case:
        _within_kb(fn, text, pattern, replacement)
    if literal is not None and bool_arg(fn, literal, 3):
        regex = re.compile(re.escape(pattern), re.IGNORECASE if ignore_case else 0)
        result = regex.sub(_capped(ctx, fn, len(text), lambda m: replacement), text, count=count)
    else:
        regex = java_regex(fn, pattern, ignore_case)
        expand = _capped(ctx, fn, len(text), java_replacement(fn, replacement, regex))
        result = bounded_match(ctx, fn, lambda limit: regex.sub(expand, text, count=count, timeout=limit,
                                                                 concurrent=True))
    _check_length(ctx, fn, len(result))
    if ignore_case:
        _within_kb(fn, result)
    return result


def _capped(ctx: Any, fn: str, length: int, expand: Callable[[Any], str]) -> Callable[[Any], str]:
    """``expand`` that keeps the size the result will have and stops the replacement as
    soon as it would pass the text limit, before the whole result is built."""
    size = [length]

    def capped(m: Any) -> str:
        piece = expand(m)
        size[0] += len(piece) - (m.end() - m.start())
        _check_length(ctx, fn, size[0])
        return piece

    return capped


# ---------------------------------------------------------------------------------------
# Search and comparison
# ---------------------------------------------------------------------------------------


@builtin("contains", receiver="TEXT", returns="BOOLEAN", tier=1,
         doc="True if the text contains the given text (case-sensitive).")
def contains(ctx: Any, text: str, search: Any) -> bool:
    return text_arg("contains", search) in text


@builtin("notContains", receiver="TEXT", returns="BOOLEAN", tier=1,
         doc="True if the text does not contain the given text (case-sensitive).")
def not_contains(ctx: Any, text: str, search: Any) -> bool:
    return text_arg("notContains", search) not in text


@builtin("containsIgnoreCase", receiver="TEXT", returns="BOOLEAN", tier=1,
         doc="True if the text contains the given text, ignoring case.")
def contains_ignore_case(ctx: Any, text: str, search: Any) -> bool:
    return _ci_find(text, text_arg("containsIgnoreCase", search)) is not None


def _equal_arg(fn: str, other: Any) -> str | None:
    return None if other is None else text_arg(fn, other)


@builtin("equals", receiver="TEXT", returns="BOOLEAN", tier=2,
         doc="Case-sensitive equality with another text; null gives false.")
def equals(ctx: Any, text: str, other: Any) -> bool:
    value = _equal_arg("equals", other)
    return value is not None and text == value


@builtin("equalsIgnoreCase", receiver="TEXT", returns="BOOLEAN", tier=2,
         doc="Case-insensitive equality with another text; null gives false.")
def equals_ignore_case(ctx: Any, text: str, other: Any) -> bool:
    value = _equal_arg("equalsIgnoreCase", other)
    if value is None or len(value) != len(text):
        return False
    return all(a == b or a.upper() == b.upper() or a.lower() == b.lower() for a, b in zip(text, value))


@builtin("startsWith", receiver="TEXT", returns="BOOLEAN", tier=1,
         doc="True if the text begins with the given text (case-sensitive).")
def starts_with(ctx: Any, text: str, prefix: Any) -> bool:
    return text.startswith(text_arg("startsWith", prefix))


@builtin("endsWith", receiver="TEXT", returns="BOOLEAN", tier=1,
         doc="True if the text ends with the given text (case-sensitive).")
def ends_with(ctx: Any, text: str, suffix: Any) -> bool:
    return text.endswith(text_arg("endsWith", suffix))


@builtin("startsWithIgnoreCase", receiver="TEXT", returns="BOOLEAN", tier=1,
         doc="True if the text begins with the given text, ignoring case.")
def starts_with_ignore_case(ctx: Any, text: str, prefix: Any) -> bool:
    prefix = text_arg("startsWithIgnoreCase", prefix)
    return re.match(re.escape(prefix), text, re.IGNORECASE) is not None


@builtin("endsWithIgnoreCase", receiver="TEXT", returns="BOOLEAN", tier=1,
         doc="True if the text ends with the given text, ignoring case.")
def ends_with_ignore_case(ctx: Any, text: str, suffix: Any) -> bool:
    suffix = text_arg("endsWithIgnoreCase", suffix)
    return re.search("(?:" + re.escape(suffix) + r")\Z", text, re.IGNORECASE) is not None


@builtin("indexOf", receiver="TEXT", aliases=("find",), returns="NUMBER", tier=1,
         doc="0-based position of the first occurrence of the given text, or -1 (find is the same).")
def index_of(ctx: Any, text: str, search: Any) -> int:
    return text.find(text_arg("indexOf", search))


@builtin("lastIndexOf", receiver="TEXT", returns="NUMBER", tier=1,
         doc="0-based position of the last occurrence of the given text, or -1.")
def last_index_of(ctx: Any, text: str, search: Any) -> int:
    return text.rfind(text_arg("lastIndexOf", search))


@builtin("getOccurenceCount", receiver="TEXT", aliases=("getOccurrenceCount",),
         returns="NUMBER", tier=2,
         doc="How many non-overlapping times the given text occurs (case-sensitive).")
def get_occurence_count(ctx: Any, text: str, search: Any) -> int:
    search = text_arg("getOccurenceCount", search)
    return text.count(search) if search else 0


@builtin("matches", receiver="TEXT", returns="BOOLEAN", tier=2,
         doc="True if the whole text matches the Java regular expression.")
def matches(ctx: Any, text: str, pattern: Any) -> bool:
    regex = java_regex("matches", text_arg("matches", pattern))
    found = bounded_match(ctx, "matches", lambda limit: regex.fullmatch(text, timeout=limit, concurrent=True))
    return found is not None


@builtin("getPrefix", receiver="TEXT", returns="TEXT", tier=1,
         doc="Text before the first occurrence of the given text; null when absent.")
def get_prefix(ctx: Any, text: str, search: Any) -> str | None:
    at = text.find(text_arg("getPrefix", search))
    return None if at < 0 else text[:at]


@builtin("getSuffix", receiver="TEXT", returns="TEXT", tier=1,
         doc="Text after the first occurrence of the given text; null when absent.")
def get_suffix(ctx: Any, text: str, search: Any) -> str | None:
    search = text_arg("getSuffix", search)
    at = text.find(search)
    return None if at < 0 else text[at + len(search):]


@builtin("getPrefixIgnoreCase", receiver="TEXT", returns="TEXT", tier=1,
         doc="Like getPrefix, ignoring case when searching.")
def get_prefix_ignore_case(ctx: Any, text: str, search: Any) -> str | None:
    m = _ci_find(text, text_arg("getPrefixIgnoreCase", search))
    return None if m is None else text[:m.start()]


@builtin("getSuffixIgnoreCase", receiver="TEXT", returns="TEXT", tier=1,
         doc="Like getSuffix, ignoring case when searching.")
def get_suffix_ignore_case(ctx: Any, text: str, search: Any) -> str | None:
    m = _ci_find(text, text_arg("getSuffixIgnoreCase", search))
    return None if m is None else text[m.end():]


# ---------------------------------------------------------------------------------------
# Replace and remove
# ---------------------------------------------------------------------------------------


@builtin("replaceAll", receiver="TEXT", returns="TEXT", tier=1,
         doc="Replace every match of a Java regex (or of literal text when the 3rd argument is true).")
def replace_all(ctx: Any, text: str, search: Any, replacement: Any, literal: Any = None) -> str:
    return _replace(ctx, "replaceAll", text, search, replacement, literal, 0, False)


@builtin("replaceFirst", receiver="TEXT", returns="TEXT", tier=1,
         doc="Replace the first match of a Java regex (or of literal text when the 3rd argument is true).")
def replace_first(ctx: Any, text: str, search: Any, replacement: Any, literal: Any = None) -> str:
    return _replace(ctx, "replaceFirst", text, search, replacement, literal, 1, False)


@builtin("replaceAllIgnoreCase", receiver="TEXT", returns="TEXT", tier=1,
         doc="replaceAll, matching without regard to case.")
def replace_all_ignore_case(ctx: Any, text: str, search: Any, replacement: Any, literal: Any = None) -> str:
    return _replace(ctx, "replaceAllIgnoreCase", text, search, replacement, literal, 0, True)


@builtin("replaceFirstIgnoreCase", receiver="TEXT", returns="TEXT", tier=1,
         doc="replaceFirst, matching without regard to case.")
def replace_first_ignore_case(ctx: Any, text: str, search: Any, replacement: Any, literal: Any = None) -> str:
    return _replace(ctx, "replaceFirstIgnoreCase", text, search, replacement, literal, 1, True)


@builtin("remove", receiver="TEXT", returns="TEXT", tier=1,
         doc="Delete every occurrence of the given text (literal, case-sensitive).")
def remove(ctx: Any, text: str, search: Any) -> str:
    search = text_arg("remove", search)
    return text.replace(search, "") if search else text


@builtin("removeFirstOccurence", receiver="TEXT", aliases=("removeFirstOccurrence",),
         returns="TEXT", tier=1, doc="Delete the first occurrence of the given text.")
def remove_first_occurence(ctx: Any, text: str, search: Any) -> str:
    search = text_arg("removeFirstOccurence", search)
    return text.replace(search, "", 1) if search else text


@builtin("removeLastOccurence", receiver="TEXT", aliases=("removeLastOccurrence",),
         returns="TEXT", tier=1, doc="Delete the last occurrence of the given text.")
def remove_last_occurence(ctx: Any, text: str, search: Any) -> str:
    search = text_arg("removeLastOccurence", search)
    at = text.rfind(search) if search else -1
    return text if at < 0 else text[:at] + text[at + len(search):]


def _keep(fn: str, text: Any, pattern: str) -> str:
    expect(fn, text, "TEXT", 0)
    return re.sub(pattern, "", text)


@builtin("getAlpha", receiver="TEXT", returns="TEXT", tier=2,
         doc="Only the ASCII letters of the text.")
def get_alpha(ctx: Any, text: str) -> str:
    return _keep("getAlpha", text, "[^A-Za-z]")


@builtin("getAlphaNumeric", receiver="TEXT", returns="TEXT", tier=2,
         doc="Only the ASCII letters and digits of the text.")
def get_alpha_numeric(ctx: Any, text: str) -> str:
    return _keep("getAlphaNumeric", text, "[^A-Za-z0-9]")


@builtin("removeAllAlpha", receiver="TEXT", returns="TEXT", tier=2,
         doc="The text without its ASCII letters.")
def remove_all_alpha(ctx: Any, text: str) -> str:
    return _keep("removeAllAlpha", text, "[A-Za-z]")


@builtin("removeAllAlphaNumeric", receiver="TEXT", returns="TEXT", tier=2,
         doc="The text without its ASCII letters and digits.")
def remove_all_alpha_numeric(ctx: Any, text: str) -> str:
    return _keep("removeAllAlphaNumeric", text, "[A-Za-z0-9]")


# ---------------------------------------------------------------------------------------
# Slices, length, padding
# ---------------------------------------------------------------------------------------


@builtin("subString", receiver="TEXT", aliases=("subText", "mid"), returns="TEXT", tier=1,
         doc="Slice from start (inclusive, 0-based) to end (exclusive); end omitted or negative = to the end.")
def substring(ctx: Any, text: str, start: Any, end: Any = None) -> str:
    begin = int_arg("subString", start, 1)
    size = len(text)
    stop = size if end is None else int_arg("subString", end, 2)
    if stop < 0:
        stop = size
    if begin < 0 or begin > size:
        raise fail(f"subString: start index {begin} is out of range for a text of length {size}")
    if stop > size:
        raise fail(f"subString: end index {stop} is out of range for a text of length {size}")
    if stop < begin:
        raise fail(f"subString: end index {stop} is before start index {begin}")
    return text[begin:stop]


@builtin("length", receiver="TEXT", aliases=("len",), returns="NUMBER", tier=1,
         doc="Number of characters in the text.")
def length(ctx: Any, text: str) -> int:
    return len(text)


def _count(fn: str, n: Any) -> int:
    count = int_arg(fn, n, 1)
    if count < 0:
        raise fail(f"{fn}: the count must not be negative, got {count}")
    return count


def _within(fn: str, text: str, n: Any) -> int:
    """A left/right count that must not exceed the text's length (Zoho: a runtime error)."""
    count = int_arg(fn, n, 1)
    if count > len(text):
        raise fail(f"{fn}: cannot take {count} characters from a text of length {len(text)}")
    return count


@builtin("left", receiver="TEXT", returns="TEXT", tier=2,
         doc="The first n characters; a negative n gives the whole text, n beyond the length is an error.")
def left(ctx: Any, text: str, n: Any) -> str:
    count = _within("left", text, n)
    return text if count < 0 else text[:count]


@builtin("right", receiver="TEXT", returns="TEXT", tier=2,
         doc="The last n characters; a negative n or one beyond the length is an error.")
def right(ctx: Any, text: str, n: Any) -> str:
    count = _count("right", n)
    _within("right", text, count)
    return text[len(text) - count:]


#: Zoho's leftpad and rightpad pages: "Maximum value: 100,00" (read as 100,000: the comma
#: groups thousands, a zero is missing).
PAD_MAX = 100_000


def _pad_width(ctx: Any, fn: str, n: Any) -> int:
    width = int_arg(fn, n, 1)
    _check_length(ctx, fn, width)
    if width > PAD_MAX:
        raise fail(f"{fn}: the width must be at most {PAD_MAX}, got {width}")
    return width


@builtin("leftpad", receiver="TEXT", returns="TEXT", tier=1,
         doc="Pad with spaces on the left up to n characters (at most 100,000); longer text is unchanged.")
def leftpad(ctx: Any, text: str, n: Any) -> str:
    return text.rjust(_pad_width(ctx, "leftpad", n))


@builtin("rightpad", receiver="TEXT", returns="TEXT", tier=1,
         doc="Pad with spaces on the right up to n characters (at most 100,000); longer text is unchanged.")
def rightpad(ctx: Any, text: str, n: Any) -> str:
    return text.ljust(_pad_width(ctx, "rightpad", n))


@builtin("repeat", receiver="TEXT", returns="TEXT", tier=2,
         doc="The text repeated n times.")
def repeat(ctx: Any, text: str, n: Any) -> str:
    count = _count("repeat", n)
    _check_length(ctx, "repeat", len(text) * count)
    return text * count


@builtin("reverse", receiver=("TEXT", "NUMBER", "DECIMAL", "BOOLEAN", "LIST", "MAP"), function=True,
         returns="TEXT", tier=2,
         doc="The characters in reverse order; another value is reversed as its text ({1,2,13} gives '31,2,1').")
def reverse(ctx: Any, value: Any) -> str:
    return (value if type(value) is str else display(value))[::-1]


@builtin("concat", receiver="TEXT", returns="TEXT", tier=2,
         doc="The text followed by the given text (same as +).")
def concat(ctx: Any, text: str, other: Any) -> str:
    result = text + text_arg("concat", other)
    _check_length(ctx, "concat", len(result))
    return result


# ---------------------------------------------------------------------------------------
# Case, whitespace, tests
# ---------------------------------------------------------------------------------------


@builtin("toUpperCase", receiver="TEXT", aliases=("upper",), returns="TEXT", tier=1, doc="The text in upper case.")
def to_upper_case(ctx: Any, text: str) -> str:
    return text.upper()


@builtin("toLowerCase", receiver="TEXT", aliases=("lower",), returns="TEXT", tier=1, doc="The text in lower case.")
def to_lower_case(ctx: Any, text: str) -> str:
    return text.lower()


_WORD = lazy_pattern(r"\S+")


@builtin("proper", receiver="TEXT", returns="TEXT", tier=3,
         doc="First letter of each whitespace-separated word upper-cased, the rest lower-cased.")
def proper(ctx: Any, text: str) -> str:
    return _WORD.sub(lambda m: m.group()[:1].upper() + m.group()[1:].lower(), text)


@builtin("trim", receiver="TEXT", returns="TEXT", tier=1,
         doc="The text without leading and trailing whitespace (Java trim).")
def trim(ctx: Any, text: str) -> str:
    return java_trim(text)


@builtin("ltrim", receiver="TEXT", returns="TEXT", tier=1,
         doc="The text without leading whitespace.")
def ltrim(ctx: Any, text: str) -> str:
    start = 0
    while start < len(text) and text[start] <= " ":
        start += 1
    return text[start:]


@builtin("rtrim", receiver="TEXT", returns="TEXT", tier=1,
         doc="The text without trailing whitespace.")
def rtrim(ctx: Any, text: str) -> str:
    end = len(text)
    while end > 0 and text[end - 1] <= " ":
        end -= 1
    return text[:end]


@builtin("isAscii", receiver="TEXT", returns="BOOLEAN", tier=2,
         doc="True if every character is ASCII (also for the empty text).")
def is_ascii(ctx: Any, text: str) -> bool:
    _within_kb("isAscii", text)
    return text.isascii()


@builtin("isText", receiver="ANY", function=True, returns="BOOLEAN", tier=2,
         doc="True if the value is a TEXT (of any content); false for every other type and null.")
def is_text(ctx: Any, value: Any) -> bool:
    return type(value) is str


# ---------------------------------------------------------------------------------------
# Splitting and conversions
# ---------------------------------------------------------------------------------------


@builtin("toList", receiver="TEXT", returns="LIST", tier=1,
         doc="Split on a literal separator; without one, a one-element list of the whole text.")
def to_list(ctx: Any, text: str, separator: Any = None) -> DelugeList:
    if text == "":
        return DelugeList()
    if separator is None:
        return DelugeList([text])
    sep = text_arg("toList", separator)
    _check_parts(ctx, "toList", len(text) if sep == "" else text.count(sep) + 1)
    if sep == "":
        return DelugeList(text)
    return DelugeList(text.split(sep))


def _check_parts(ctx: Any, fn: str, parts: int) -> None:
    """Refuse a split whose list would pass the run's collection limit, before building it
    (10 million parts cost about a gigabyte)."""
    limit = ctx.limits.max_collection_size if ctx is not None else None
    if limit is not None and parts > limit:
        raise fail(f"{fn}: the text would split into {parts} parts; a collection may hold at most {limit} elements")


@builtin("toListString", receiver=("TEXT", "LIST"), function=True, returns="LIST", tier=3,
         doc="Comma-separated text, or a list, as a list of texts (Zoho's page takes both).")
def to_list_string(ctx: Any, value: Any) -> DelugeList:
    if isinstance(value, DelugeList):
        return DelugeList(display(v) for v in value)
    if not value:
        return DelugeList()
    _check_parts(ctx, "toListString", value.count(",") + 1)
    return DelugeList(value.split(","))


@builtin("textToHex", receiver="TEXT", returns="TEXT", tier=2,
         doc="Lower-case hex of the text's UTF-8 bytes.")
def text_to_hex(ctx: Any, text: str) -> str:
    return text.encode("utf-8", "surrogatepass").hex()


@builtin("hexToText", receiver="TEXT", returns="TEXT", tier=2,
         doc="Decode hex digits (UTF-8 bytes) back to text.")
def hex_to_text(ctx: Any, text: str) -> str:
    digits = text.strip()
    if digits[:2].lower() == "0x":
        digits = digits[2:]
    if len(digits) % 2 or not all(ch in "0123456789abcdefABCDEF" for ch in digits):
        raise fail("hexToText: the text is not a valid even-length sequence of hex digits")
    return bytes.fromhex(digits).decode("utf-8", "replace")


@builtin("htmlEncode", receiver="TEXT", returns="TEXT", tier=3,
         doc="Replace the characters HTML 4 has named entities for (&, <, >, \", é, € ...); ' stays.")
def html_encode(ctx: Any, text: str) -> str:
    """Java's ``escapeHtml4``, as Zoho's htmlEncode page shows (HTML 4: ``order's`` keeps its
    apostrophe, ``<br />`` becomes ``&lt;br /&gt;``)."""
    from html.entities import codepoint2name

    return "".join(f"&{codepoint2name[ord(c)]};" if ord(c) in codepoint2name else c for c in text)


@builtin("htmlDecode", receiver="TEXT", returns="TEXT", tier=3,
         doc="Turn HTML entities back into characters.")
def html_decode(ctx: Any, text: str) -> str:
    import html

    return html.unescape(text)
