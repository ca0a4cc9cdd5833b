"""Every byte sequence under which a secret can come back from a server.

A server that echoes a request returns a secret as sent, percent-encoded, JSON-, HTML- or
backslash-escaped, base64- or hex-encoded, and in whatever character set it answers in
(UTF-16, UTF-32, an EBCDIC code page, ...). The script may then decode those bytes with
any codec and map the characters back, so masking has to happen on the bytes, for all
spellings at once: :func:`secret_patterns` gives, for one secret, a regular expression
over bytes for each character set Python knows, and :class:`ByteMasker` replaces every
match with the mask spelled in the same character set (a UTF-16 body stays UTF-16).

What is covered: each character of the secret may independently appear as itself or (when
it is not an ASCII letter or digit, which no encoder escapes) as ``%XX`` (either case, also
double-encoded ``%25XX``), ``+`` for a space, ``\\uXXXX``, ``\\xXX``, ``\\/``, the JSON short
escapes, ``&#NN;``, ``&#xHH;`` or a named HTML entity; the whole secret may also appear
base64-encoded (standard or URL-safe alphabet, at any of the three byte alignments inside
a longer base64 text) or hex-encoded. Those texts are then encoded with every text codec of
the standard library, one character at a time. Stateful codecs (UTF-7, ISO-2022, HZ) are
covered where the secret's characters keep their initial state, which holds for every
ASCII letter, digit and common punctuation.
"""

from __future__ import annotations

import base64
import codecs
import functools
import html.entities
import pkgutil
import re
from typing import Iterable

from cloudburst.errors import DelugeRuntimeError

__all__ = ["text_codecs", "secret_patterns", "ByteMasker", "UnmaskableSecret", "ASCII_FAMILIES"]

#: A text is a sequence of units; each unit is the set of single characters that may stand
#: at that place (``%2f`` and ``%2F`` are the same escape).
Units = tuple[frozenset[str], ...]

_JSON_SHORT = {'"': '\\"', "\\": "\\\\", "/": "\\/", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r",
               "\t": "\\t", "'": "\\'"}
_HTML_NAMED: dict[str, list[str]] = {}
for _name, _point in html.entities.name2codepoint.items():
    _HTML_NAMED.setdefault(chr(_point), []).append(f"&{_name};")
_HTML_NAMED.setdefault("'", []).append("&apos;")


def _case_free(text: str) -> Units:
    """``text`` with its letters matching either case (hex digits in escapes)."""
    return tuple(frozenset({c.lower(), c.upper()}) for c in text)


def _exact(text: str) -> Units:
    return tuple(frozenset({c}) for c in text)


def _escapes(ch: str) -> list[Units]:
    """Every escaped spelling of one character (none for ASCII letters and digits)."""
    if ch.isascii() and ch.isalnum():
        return []
    utf8 = ch.encode("utf-8")
    out: list[Units] = []
    percent = tuple(u for b in utf8 for u in (frozenset("%"),) + _case_free(f"{b:02x}"))
    out.append(percent)
    point = ord(ch)
    if point < 0x10000:
        out.append(_exact("\\u") + _case_free(f"{point:04x}"))
    else:
        high, low = 0xD800 + ((point - 0x10000) >> 10), 0xDC00 + ((point - 0x10000) & 0x3FF)
        out.append(_exact("\\u") + _case_free(f"{high:04x}") + _exact("\\u") + _case_free(f"{low:04x}"))
        out.append(_exact("\\U") + _case_free(f"{point:08x}"))
    if point < 0x100:
        out.append(_exact("\\x") + _case_free(f"{point:02x}"))
    out.append(tuple(u for b in utf8 for u in _exact("\\x") + _case_free(f"{b:02x}")))
    out.append(_exact(f"&#{point};"))
    out.append(_exact("&#") + (frozenset("xX"),) + _case_free(f"{point:x}") + _exact(";"))
    if ch in _JSON_SHORT:
        out.append(_exact(_JSON_SHORT[ch]))
    for named in _HTML_NAMED.get(ch, ()):
        out.append(_exact(named))
    if ch == " ":
        out.append(_exact("+"))
    return out


def _b64_texts(data: bytes) -> set[str]:
    """The base64 text of ``data`` alone (padded), and at each of the three byte alignments
    inside a longer base64 text: the run of characters that depend only on ``data``."""
    out = {base64.b64encode(data).decode("ascii")}
    depends = ((0,), (0, 1), (1, 2), (2,))
    n = len(data)
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + data + b"\0" * 3).decode("ascii")
        own = [i for i in range(len(encoded))
               if all(shift <= 3 * (i // 4) + d < shift + n for d in depends[i % 4])]
        if len(own) >= 8:  # shorter runs would mask unrelated base64 text
            out.add(encoded[own[0]:own[-1] + 1])
    return out | {t.translate(str.maketrans("+/", "-_")) for t in out}


def _texts(secret: str) -> set[str]:
    """The secret and its base64 and hex forms."""
    data = secret.encode("utf-8")
    return {secret, data.hex(), data.hex().upper()} | _b64_texts(data)


#: One codec for each distinct way the standard library's text codecs spell the 128 ASCII
#: characters (tests/security checks that every codec Python knows falls in one of these).
#: Escapes, base64 and hex are ASCII, so an ASCII secret needs only these; a secret with
#: other characters is spelled in every codec.
class UnmaskableSecret(DelugeRuntimeError):
    """A response spells a secret in a way masking cannot cut out of the bytes."""


ASCII_FAMILIES = ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "utf-7", "cp037", "cp1026", "cp273",
                  "cp500", "cp864", "cp875", "hz", "mac-arabic", "shift_jis_2004", "unicode-escape", "punycode")


def codecs_for(secret: str) -> tuple[str, ...]:
    return ASCII_FAMILIES if secret.isascii() else text_codecs()


@functools.lru_cache(maxsize=1)
def text_codecs() -> tuple[str, ...]:
    """Every text codec of the standard library by canonical name, UTF-8 first (so the mask
    keeps its UTF-8 spelling where codecs agree)."""
    import encodings
    import encodings.aliases

    names = set(encodings.aliases.aliases.values())
    names |= {m.name for m in pkgutil.iter_modules(encodings.__path__) if not m.name.startswith("_")}
    found: dict[str, None] = {"utf-8": None}
    for name in sorted(names):
        try:
            info = codecs.lookup(name)
        except (LookupError, ImportError):
            continue
        if getattr(info, "_is_text_encoding", True):
            found.setdefault(info.name, None)
    return tuple(found)


@functools.lru_cache(maxsize=65536)
def _unit_bytes(codec: str, ch: str) -> bytes | None:
    """``ch`` (one character, or a whole text) encoded mid-text (after a BOM, between ASCII
    letters), or None when the codec cannot encode it."""
    try:
        one = codecs.encode("a", codec)
        two = codecs.encode("aa", codec)
        full = codecs.encode("a" + ch + "a", codec)
    except (UnicodeError, LookupError):
        return None
    letter = two[len(one):]
    if not letter or not full.startswith(one) or not full.endswith(letter):
        return None
    return full[len(one):len(full) - len(letter)] or None


def _unit_regex(codec: str, unit: frozenset[str]) -> bytes | None:
    spelled = sorted({b for b in (_unit_bytes(codec, c) for c in unit) if b is not None}, key=len, reverse=True)
    if not spelled:
        return None
    if len(spelled) == 1:
        return re.escape(spelled[0])
    return b"(?:" + b"|".join(re.escape(s) for s in spelled) + b")"


def _spelled(codec: str, units: Units, nested: bool) -> tuple[bytes, int] | None:
    """A regex for one spelling, and the longest byte length it can match."""
    parts, size = [], 0
    for unit in units:
        # Inside an escape, its punctuation may be escaped once more: ``%253A`` is ``:``
        # URL-encoded twice, ``\u00253A`` a URL escape inside JSON.
        if nested and len(unit) == 1 and not next(iter(unit)).isalnum():
            inner = _char(codec, next(iter(unit)), False)
            if inner is None:
                return None
            parts.append(inner[0])
            size += inner[1]
            continue
        part = _unit_regex(codec, unit)
        if part is None:
            return None
        parts.append(part)
        size += max(len(_unit_bytes(codec, c) or b"") for c in unit)
    return b"".join(parts), size


@functools.lru_cache(maxsize=65536)
def _char(codec: str, ch: str, nested: bool = True) -> tuple[bytes, int] | None:
    """A regex (bytes) for every spelling of ``ch`` in ``codec`` (escapes inside escapes
    when ``nested``), and the longest byte length it can match."""
    alternatives: list[bytes] = []
    longest = 0
    for spelling in [_exact(ch)] + _escapes(ch):
        spelled = _spelled(codec, spelling, nested and spelling != _exact(ch))
        if spelled is not None:
            alternatives.append(spelled[0])
            longest = max(longest, spelled[1])
    if not alternatives:
        return None
    alternatives.sort(key=len, reverse=True)
    regex = alternatives[0] if len(alternatives) == 1 else b"(?:" + b"|".join(alternatives) + b")"
    return regex, longest


class _Pattern:
    """One spelling family of one secret in one codec: a regex, the literal bytes every
    match contains (the encoding of the secret's longest run of ASCII letters and digits,
    which nothing escapes), and how far a match can reach before and after them. The
    anchor is found with ``bytes.find``; the regex is compiled only when it is."""

    __slots__ = ("source", "anchor", "before", "after", "mask", "codec", "_compiled")

    def __init__(self, source: bytes, anchor: bytes, before: int, after: int, mask: bytes, codec: str) -> None:
        self.source, self.anchor, self.before, self.after, self.mask = source, anchor, before, after, mask
        self.codec = codec
        self._compiled: re.Pattern[bytes] | None = None

    def regex(self) -> re.Pattern[bytes]:
        if self._compiled is None:
            self._compiled = re.compile(self.source)
        return self._compiled

    def spans(self, data: bytes) -> list[tuple[int, int]]:
        """Where this pattern matches ``data``."""
        regex = self.regex()
        if not self.anchor:
            return [m.span() for m in regex.finditer(data)]
        found: list[tuple[int, int]] = []
        at = data.find(self.anchor)
        while at >= 0:
            lo = max(0, at - self.before)
            if found and found[-1][1] > lo:
                lo = found[-1][1]
            m = regex.search(data, lo, at + len(self.anchor) + self.after)
            if m is not None and m.start() <= at:
                found.append(m.span())
                at = data.find(self.anchor, m.end())
            else:
                at = data.find(self.anchor, at + 1)
        return found


def _anchor_run(text: str) -> tuple[int, int]:
    """The longest run of ASCII letters and digits in ``text`` (start, end)."""
    best, start = (0, 0), None
    for i, ch in enumerate(text + "\0"):
        if ch.isascii() and ch.isalnum():
            start = i if start is None else start
        elif start is not None:
            if i - start > best[1] - best[0]:
                best = (start, i)
            start = None
    return best


def _pattern(codec: str, text: str, mask: bytes) -> _Pattern | None:
    """The pattern of ``text`` (the secret or one of its encodings) in ``codec``."""
    chars = [_char(codec, ch) for ch in text]
    if any(c is None for c in chars):
        return None
    parts = [c for c in chars if c is not None]
    a, b = _anchor_run(text)
    anchor = b"".join(_unit_bytes(codec, ch) or b"" for ch in text[a:b])
    if b - a < 4:  # too short an anchor to be worth searching for: scan with the regex
        anchor = b""
    return _Pattern(b"".join(p[0] for p in parts), anchor, sum(p[1] for p in parts[:a]),
                    sum(p[1] for p in parts[b:]), mask, codec)


def secret_patterns(secret: str, mask: str) -> list[_Pattern]:
    """Every covered spelling of ``secret``, one pattern per distinct regex (the codec that
    spells the mask is the first that produced it, UTF-8 before all others)."""
    out: dict[bytes, _Pattern] = {}
    for codec in codecs_for(secret):
        masked = _mask_in(codec, mask)
        for text in _texts(secret):
            pattern = _pattern(codec, text, masked)
            if pattern is not None and pattern.source not in out:
                out[pattern.source] = pattern
            # A stateful codec (UTF-7) may spell a run of characters differently from the
            # characters one by one: add the run as it spells it.
            whole = _unit_bytes(codec, text)
            if whole and whole != b"".join(_unit_bytes(codec, c) or b"" for c in text) and re.escape(whole) not in out:
                out[re.escape(whole)] = _Pattern(re.escape(whole), whole, 0, 0, masked, codec)
    return list(out.values())


def _mask_in(codec: str, mask: str) -> bytes:
    for text in (mask, "*" * len(mask)):
        spelled = [_unit_bytes(codec, c) for c in text]
        if all(s is not None for s in spelled):
            return b"".join(spelled)  # type: ignore[arg-type]
    return b""


class ByteMasker:
    """Replaces every covered spelling of every registered secret in a byte string."""

    def __init__(self, secrets: Iterable[str], mask: str) -> None:
        self._mask = mask
        #: Patterns by anchor, so each distinct anchor is searched for once.
        self._by_anchor: dict[bytes, list[_Pattern]] = {}
        for secret in secrets:
            for pattern in secret_patterns(secret, mask):
                self._by_anchor.setdefault(pattern.anchor, []).append(pattern)

    def with_secrets(self, secrets: Iterable[str]) -> ByteMasker:
        """A new masker that also masks ``secrets`` (this one is left unchanged, so a
        response being masked in another thread never sees a half-built table)."""
        grown = ByteMasker((), self._mask)
        grown._by_anchor = {k: list(v) for k, v in self._by_anchor.items()}
        for secret in secrets:
            for pattern in secret_patterns(secret, self._mask):
                grown._by_anchor.setdefault(pattern.anchor, []).append(pattern)
        return grown

    def _spans(self, data: bytes, codec: str | None = None) -> list[tuple[int, int, bytes]]:
        spans: list[tuple[int, int, bytes]] = []
        for anchor, patterns in self._by_anchor.items():
            if anchor and anchor not in data:
                continue
            for pattern in patterns:
                if codec is None or pattern.codec == codec:
                    spans.extend((s, e, pattern.mask) for s, e in pattern.spans(data))
        return spans

    def mask(self, data: bytes) -> bytes:
        """``data`` with every covered spelling masked. Raises :class:`UnmaskableSecret`
        when the bytes read as UTF-7 still spell a secret: UTF-7 encodes runs of
        characters together, so no byte pattern can cut a secret out of such a run."""
        masked = self._masked(data, self._spans(data))
        if b"+" in masked and self._by_anchor:
            as_utf7 = masked.decode("utf-7", "replace").encode("utf-8", "replace")
            if self._spans(as_utf7, "utf-8"):
                raise UnmaskableSecret("the response spells a connection secret in UTF-7, where it cannot be masked; "
                                       "it was withheld")
        return masked

    @staticmethod
    def _masked(data: bytes, spans: list[tuple[int, int, bytes]]) -> bytes:
        if not spans:
            return data
        spans.sort(key=lambda x: (x[0], -x[1]))
        out: list[bytes] = []
        pos = 0
        for start, end, mask in spans:
            if end <= pos:
                continue
            if start < pos:  # overlaps the previous match: extend the masked region
                start = pos
                mask = b""
            out.append(data[pos:start])
            out.append(mask)
            pos = end
        out.append(data[pos:])
        return b"".join(out)
