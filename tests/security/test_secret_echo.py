"""Issue 10, defect 1: a script can never read its connection's secret back from a server.

A real server on 127.0.0.1 echoes each request it receives (request line, headers, body),
in the character set and the encoding the test asks for, and repeats the credential
headers as response headers. The script asks for every codec Python knows, as its
``response-decoding`` and as the server's charset, as text, parsed JSON, ``detailed: true``
and FILE. An oracle independent of the masking code then decodes whatever came back with
every text codec, undoes URL, JSON, HTML, base64 and hex encodings, and must find no secret.
Before the fix ``response-decoding: "cp037"`` (or ``utf-16-le``) gave the key back.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import encodings
import encodings.aliases
import html
import json
import pkgutil
import re
from typing import Any, Iterator
from urllib.parse import quote, unquote, unquote_plus

import pytest
from fixtures import catch_all_server
from pytest_httpserver import HTTPServer
from stores import api_key_connection, basic_connection, new_store
from werkzeug import Request, Response

from cloudburst.errors import DelugeRuntimeError
from cloudburst.execution import Execution
from cloudburst.http import MASK, HttpService
from cloudburst.http.spellings import ASCII_FAMILIES
from cloudburst.values import DelugeFile, DelugeMap

pytestmark = [pytest.mark.integration, pytest.mark.filterwarnings("ignore::DeprecationWarning")]

HEADER_KEY = "Hk3y-PR0D+/=~!abc123"
QUERY_KEY = "qK9\u00e9/+ &x=1?zZ0p"
FORM_KEY = "fRm_s3cret:%41;<>\"'"
USER, PASSWORD = "ann", "b4sic pw!/\\"
SECRETS = (HEADER_KEY, QUERY_KEY, FORM_KEY, PASSWORD, f"{USER}:{PASSWORD}")


def _all_codecs() -> list[str]:
    names = set(encodings.aliases.aliases.values()) | set(encodings.aliases.aliases)
    names |= {m.name for m in pkgutil.iter_modules(encodings.__path__) if not m.name.startswith("_")}
    return sorted(names)


ALL_CODECS = _all_codecs()


def _text_codec(name: str) -> codecs.CodecInfo | None:
    try:
        info = codecs.lookup(name)
    except (LookupError, ImportError):
        return None
    return info if getattr(info, "_is_text_encoding", True) else None


TEXT_CODECS = sorted({info.name for info in map(_text_codec, ALL_CODECS) if info is not None})
#: One name per codec (aliases resolve to these), as a script would spell them.
CODEC_NAMES = sorted({info.name for info in map(_text_codec, sorted(set(encodings.aliases.aliases.values())))
                      if info is not None})


# -- the oracle --------------------------------------------------------------------------
_B64_RUN = re.compile(r"[A-Za-z0-9+/_-]{8,}")
_HEX_RUN = re.compile(r"[0-9a-fA-F]{8,}")
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})")


def _unescape_json(text: str) -> str:
    return _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text).replace("\\/", "/")


def _variants(text: str) -> Iterator[str]:
    yield text
    for undo in (unquote, unquote_plus, html.unescape, _unescape_json):
        yield undo(text)
    yield unquote(unquote(text))
    yield html.unescape(_unescape_json(text))


def _decoded_runs(text: str) -> Iterator[bytes]:
    for run in _B64_RUN.findall(text):
        for alphabet in (run, run.translate(str.maketrans("-_", "+/"))):
            for shift in range(4):
                part = alphabet[shift:]
                part = part[: len(part) - len(part) % 4]
                try:
                    yield base64.b64decode(part)
                except (binascii.Error, ValueError):
                    pass
    for run in _HEX_RUN.findall(text):
        for shift in (0, 1):
            part = run[shift:]
            yield bytes.fromhex(part[: len(part) - len(part) % 2])


def leak_in_text(text: str) -> str | None:
    for variant in _variants(text):
        for secret in SECRETS:
            if secret in variant:
                return f"{secret!r} in text"
        for decoded in _decoded_runs(variant):
            for secret in SECRETS:
                if secret.encode("utf-8") in decoded:
                    return f"{secret!r} in base64/hex"
    return None


def leak_in_bytes(data: bytes) -> str | None:
    """Decode ``data`` with every text codec Python knows and look for a secret."""
    seen: set[str] = set()
    for name in TEXT_CODECS:
        try:
            text = data.decode(name, "replace")
        except Exception:  # a codec that cannot decode these bytes at all shows nothing
            continue
        if text in seen:
            continue
        seen.add(text)
        found = leak_in_text(text)
        if found:
            return f"{found} (decoded as {name})"
    return None


# -- the echo server -----------------------------------------------------------------------
def _echo_text(request: Request) -> str:
    head = f"{request.method} {request.full_path}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in request.headers.items())
    return head + "\r\n" + request.get_data(as_text=True)


def _encoded(text: str, mode: str) -> str:
    if mode == "json":
        return json.dumps({"echo": text})
    if mode == "json_all":  # every character that is not a letter or digit as \\uXXXX
        return '{"echo": "' + "".join(c if c.isascii() and c.isalnum() else f"\\u{ord(c):04x}" for c in text) + '"}'
    if mode == "html":
        return "<pre>" + html.escape(text) + "</pre>"
    if mode == "url":
        return quote(text, safe="")
    if mode == "b64":
        return base64.b64encode(text.encode("utf-8")).decode()
    if mode == "b64_shifted":
        return base64.b64encode(b"xy" + text.encode("utf-8")).decode()
    if mode == "hex":
        return text.encode("utf-8").hex()
    return text


def _handler(request: Request) -> Response:
    args = request.args
    charset = args.get("echo_charset", "utf-8")
    body = _encoded(_echo_text(request), args.get("echo_mode", "raw")).encode(charset, "replace")
    headers = {"X-Echo-Auth": request.headers.get("Authorization", ""),
               "X-Echo-Key": request.headers.get("X-Api-Key", ""),
               "X-Echo-Key-B64": base64.b64encode(request.headers.get("X-Api-Key", "").encode()).decode()}
    if "echo_file" in args:
        headers["Content-Disposition"] = f'attachment; filename="echo-{request.headers.get("X-Api-Key", "")}.txt"'
    return Response(body, headers=headers, content_type=f"{args.get('echo_type', 'text/plain')}; charset={charset}")


@pytest.fixture(scope="module")
def echo() -> Iterator[HTTPServer]:
    with catch_all_server(_handler) as server:
        yield server


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    svc = new_store(tmp_path_factory.mktemp("store"))
    api_key_connection(svc, "key_prod", [("X-Api-Key", "header", HEADER_KEY), ("apikey", "query", QUERY_KEY),
                                         ("token", "form", FORM_KEY)])
    basic_connection(svc, "basic_prod", USER, PASSWORD)
    yield svc
    svc.close()


@pytest.fixture(scope="module")
def call(store: Any, echo: HTTPServer) -> Any:
    """invokeurl through a connection; a response withheld because it spells a secret in
    UTF-7 comes back as the error's message (which must hold no secret either)."""
    service = HttpService(connection_service=lambda: store)

    def invoke(connection: str = "key_prod", **task: Any) -> Any:
        query = task.pop("query", {})
        url = echo.url_for("/echo") + "?" + "&".join(f"{k}={quote(str(v))}" for k, v in query.items())
        base = {"url": url, "type": "POST", "connection": connection, "parameters": DelugeMap(note="hi")}
        try:
            return service.invoke(Execution(), {**base, **task})
        except DelugeRuntimeError as exc:
            assert "withheld" in exc.message and leak_in_text(str(exc)) is None, exc.message
            return exc.message

    return invoke


def _check(value: Any, decoding: str | None = None) -> None:
    """No secret in a script's value, nor in the bytes its body text maps back to."""
    texts: list[str] = []
    body = value["responseText"] if isinstance(value, DelugeMap) and "responseText" in value else value

    def walk(v: Any) -> None:
        if isinstance(v, str):
            texts.append(v)
        elif isinstance(v, DelugeMap):
            for k, x in v.items():
                walk(k)
                walk(x)
        elif isinstance(v, DelugeFile):
            texts.append(v.name)
            found = leak_in_bytes(v.content)
            assert found is None, found

    walk(value)
    for text in texts:
        found = leak_in_text(text)
        assert found is None, found
    if decoding is not None and isinstance(body, str):
        back = body.encode(decoding, "replace") if _encodable(decoding) else body.encode("utf-8")
        found = leak_in_bytes(back)
        assert found is None, f"{found} after mapping the {decoding} text back to bytes"


def _encodable(name: str) -> bool:
    try:
        "a".encode(name)
        return True
    except Exception:
        return False


# -- the tests --------------------------------------------------------------------------------
def test_the_echo_really_carries_the_secrets_unmasked(echo: HTTPServer, call: Any) -> None:
    """Guard for the oracle: without masking, the echo of each mode would reveal every secret."""
    call(query={"echo_mode": "raw"})
    request = [r for r, _ in echo.log if r.path == "/echo"][-1]
    raw = _echo_text(request)
    for mode in ("raw", "json", "json_all", "html", "url", "b64", "b64_shifted", "hex"):
        for charset in ("utf-8", "utf-16-le", "cp037"):
            found = leak_in_bytes(_encoded(raw, mode).encode(charset, "replace"))
            assert found is not None and any(s in found for s in (repr(HEADER_KEY), repr(FORM_KEY))), (mode, charset)


@pytest.mark.parametrize("codec", CODEC_NAMES)
def test_no_response_decoding_brings_the_key_back(call: Any, codec: str) -> None:
    result = call(**{"response-decoding": codec, "detailed": True, "response-format": "TEXT"})
    _check(result, codec)


@pytest.mark.parametrize("codec", CODEC_NAMES)
def test_a_server_answering_in_any_charset_echoes_no_key(call: Any, codec: str) -> None:
    text = call(query={"echo_charset": codec}, detailed=True)
    _check(text, codec)
    file = call(query={"echo_charset": codec, "echo_file": "1"}, **{"response-format": "FILE"})
    assert isinstance(file, DelugeFile) or codec == "utf-7"
    _check(file)


@pytest.mark.parametrize("mode", ["json", "json_all", "html", "url", "b64", "b64_shifted", "hex"])
@pytest.mark.parametrize("charset", ["utf-8", "utf-16-be", "utf-32-le", "cp500", "utf-7"])
def test_escaped_and_encoded_echoes_are_masked(call: Any, mode: str, charset: str) -> None:
    for connection in ("key_prod", "basic_prod"):
        _check(call(connection, query={"echo_mode": mode, "echo_charset": charset}, detailed=True, **{
            "response-format": "TEXT"}), charset)
        _check(call(connection, query={"echo_mode": mode, "echo_charset": charset, "echo_file": "1"},
                    **{"response-format": "FILE"}))


def test_parsed_json_and_headers_show_the_mask(call: Any) -> None:
    result = call(query={"echo_mode": "json_all", "echo_type": "application/json"}, detailed=True)
    assert isinstance(result["responseText"], DelugeMap)
    assert MASK in result["responseText"]["echo"]
    assert result["responseHeader"]["X-Echo-Key"] == MASK
    assert result["responseHeader"]["X-Echo-Key-B64"] == MASK
    _check(result)
    basic = call("basic_prod", detailed=True)
    assert basic["responseHeader"]["X-Echo-Auth"] == f"Basic {MASK}"


def test_errors_never_carry_the_key(store: Any) -> None:
    from fixtures import free_port

    service = HttpService(connection_service=lambda: store)
    url = f"http://127.0.0.1:{free_port()}/down"
    with pytest.raises(DelugeRuntimeError) as caught:
        service.invoke(Execution(), {"url": url, "connection": "key_prod"})
    assert leak_in_text(str(caught.value)) is None


@pytest.mark.parametrize("name", ["base64", "rot13", "zlib", "hex", "bz2", "undefined", "no-such-charset"])
def test_only_character_sets_are_response_decodings(store: Any, echo: HTTPServer, name: str) -> None:
    before = len(echo.log)
    service = HttpService(connection_service=lambda: store)
    with pytest.raises(DelugeRuntimeError) as caught:
        service.invoke(Execution(), {"url": echo.url_for("/echo"), "connection": "key_prod", "response-decoding": name})
    message = caught.value.message
    assert "not a character set" in message and name in message
    assert "LookupError" not in message and "codecs" not in message
    assert len(echo.log) == before, "a bad option must be refused before anything is sent"


def test_every_codec_spells_ascii_like_one_masked_family() -> None:
    """Masking an ASCII secret in the families covers every codec Python knows."""
    def ascii_spelling(name: str) -> tuple[bytes | None, ...]:
        out = []
        for i in range(128):
            try:
                one, two, full = (codecs.encode(t, name) for t in ("a", "aa", "a" + chr(i) + "a"))
                letter = two[len(one):]
                out.append(full[len(one):len(full) - len(letter)])
            except Exception:
                out.append(None)
        return tuple(out)

    families = {ascii_spelling(f) for f in ASCII_FAMILIES}
    for name in TEXT_CODECS:
        spelling = ascii_spelling(name)
        assert spelling in families or all(s is None for s in spelling), name
