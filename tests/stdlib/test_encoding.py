"""Unit tests for the encoding, hashing and encryption built-ins (cloudburst.stdlib.encoding)."""

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
from cloudburst.stdlib.registry import REGISTRY
from cloudburst.values import DelugeFile, DelugeList, DelugeMap

CTX = Execution(limits=Limits(timeout=None))  # module-wide: a 60 s clock from import would run out mid-suite
ENC = "zoho.encryption."


def f(name: str, *args: Any) -> Any:
    fn = REGISTRY.function(name)
    assert fn is not None, name
    return fn(CTX, *args)


def err(name: str, *args: Any) -> str:
    with pytest.raises(DelugeRuntimeError) as info:
        f(name, *args)
    return info.value.message


# -- URL ---------------------------------------------------------------------------------


def test_url_encode_like_java_urlencoder() -> None:
    assert f(ENC + "urlEncode", "Hello World") == "Hello%20World"
    assert f(ENC + "urlEncode", "a&b=c/d?e") == "a%26b%3Dc%2Fd%3Fe"
    assert f(ENC + "urlEncode", "._-*~") == "._-*%7E"
    assert f(ENC + "urlEncode", "é€") == "%C3%A9%E2%82%AC"
    assert f(ENC + "urlEncode", "p.daly+demo1@zylker.com") == "p.daly%2Bdemo1%40zylker.com"
    assert f(ENC + "urlEncode", "") == ""
    assert f("encodeUrl", "a b") == "a+b"
    assert f("urlEncode", "a b") == "a%20b"
    assert REGISTRY.method_dispatcher("encodeUrl")(CTX, "a/b") == "a%2Fb"


def test_url_decode() -> None:
    assert f(ENC + "urlDecode", "Hello+World") == "Hello World"
    assert f(ENC + "urlDecode", "a%20b%2Bc") == "a b+c"
    assert f(ENC + "urlDecode", "%C3%A9") == "é"
    assert f(ENC + "urlDecode", "%c3%a9") == "é"
    assert f("decodeUrl", "x%3Dy") == "x=y"
    assert f("urlDecode", "x+y") == "x y"
    assert "malformed" in err(ENC + "urlDecode", "100%")
    assert "malformed" in err(ENC + "urlDecode", "%zz")


def test_url_encode_space_depends_on_the_name() -> None:
    """Zoho's urlEncode and encodeUrl pages: urlEncode gives %20, encodeUrl gives +."""
    assert f(ENC + "urlEncode", "a b+c") == "a%20b%2Bc"
    assert f("urlEncode", "a b") == REGISTRY.method_dispatcher("urlEncode")(CTX, "a b") == "a%20b"
    assert f("encodeUrl", "a b") == REGISTRY.method_dispatcher("encodeUrl")(CTX, "a b") == "a+b"


@pytest.mark.parametrize("value", [None, 42, Decimal("1.5"), True, DelugeList(["a"]), DelugeMap(), dt.date(2024, 1, 1)])
def test_zoho_url_functions_give_null_for_anything_but_text(value: Any) -> None:
    """The urlEncode / urlDecode pages: every data type except TEXT returns null."""
    assert f(ENC + "urlEncode", value) is None
    assert f(ENC + "urlDecode", value) is None


@given(st.text())
def test_url_round_trip(text: str) -> None:
    encoded = f(ENC + "urlEncode", text.encode("utf-8", "replace").decode("utf-8"))
    assert set(encoded) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-*_+%")
    assert f(ENC + "urlDecode", encoded) == text.encode("utf-8", "replace").decode("utf-8")


# -- Base64 / Base32 ----------------------------------------------------------------------


def test_base64() -> None:
    assert f(ENC + "base64Encode", "user:pass") == "dXNlcjpwYXNz"
    assert f(ENC + "base64Encode", "é") == "w6k="
    assert f(ENC + "base64Encode", "") == ""
    assert f(ENC + "base64Decode", "dXNlcjpwYXNz") == "user:pass"
    assert f(ENC + "base64Decode", "w6k") == "é"  # padding optional
    assert f(ENC + "base64Decode", "w6k=\n") == "é"
    assert f(ENC + "base64Decode", "-_8") == f(ENC + "base64Decode", "+/8")  # URL-safe alphabet
    assert "not valid Base64" in err(ENC + "base64Decode", "a*b")
    assert "not valid Base64" in err(ENC + "base64Decode", "abcde")


def test_base64_charsets_and_files() -> None:
    assert f(ENC + "base64Encode", "A", "UTF-16LE") == "QQA="
    assert f(ENC + "base64Decode", "QQA=", "utf-16le") == "A"
    assert "unsupported character set" in err(ENC + "base64Encode", "A", "EBCDIC")
    assert f(ENC + "base64Encode", DelugeFile("a.bin", b"\x00\xff")) == "AP8="


def test_base32_with_a_character_set() -> None:
    """Zoho's base32Encode/base32Decode pages: an optional character set (UTF-8 default)."""
    assert f(ENC + "base32Encode", "john@zylker.com") == "NJXWQ3SAPJ4WY23FOIXGG33N"
    assert f(ENC + "base32Decode", "MEAHAADJABPQA2YAMUAHSAA", "UTF-16LE") == "api_key"
    assert f(ENC + "base32Decode", f(ENC + "base32Encode", "é", "utf-16be"), "UTF-16BE") == "é"
    assert "unsupported character set" in err(ENC + "base32Encode", "x", "EBCDIC")


def test_base32() -> None:
    assert f(ENC + "base32Encode", "foobar") == "MZXW6YTBOI======"
    assert f(ENC + "base32Decode", "MZXW6YTBOI") == "foobar"
    assert f(ENC + "base32Decode", "mzxw6ytboi======") == "foobar"
    assert "not valid Base32" in err(ENC + "base32Decode", "1")


@given(st.text())
def test_base64_round_trip(text: str) -> None:
    clean = text.encode("utf-8", "replace").decode("utf-8")
    assert f(ENC + "base64Decode", f(ENC + "base64Encode", clean)) == clean


# -- hashes and HMACs ---------------------------------------------------------------------


def test_hashes_default_to_hex() -> None:
    assert f(ENC + "md5", "hello") == "5d41402abc4b2a76b9719d911017c592"
    assert f(ENC + "sha1", "hello") == "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"
    assert f(ENC + "sha256", "hello") == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    assert f(ENC + "sha512", "").startswith("cf83e1357eefb8bdf1542850d66d8007")
    assert f(ENC + "sha256", "hello", "base64") == "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="
    assert "unknown output type" in err(ENC + "sha256", "x", "octal")


def test_hmac_matches_zoho_documentation() -> None:
    # Examples from Zoho's hmacsha256 and hmacsha1 help pages.
    data = "{Order ID: 0932, Currency: USD, Amount: 2500}"
    assert f(ENC + "hmacsha256", "sk_5Ow7B_4eC39H", data) == "E3IZY+esQ59aLmPCYYVjk2R/P1G0k77r9ZGa9Lw94Zw="
    assert f(ENC + "hmacsha256", "sk_5Ow7B_4eC39H", data, "hex") == \
        "13721963e7ac439f5a2e63c261856393647f3f51b493beebf5919af4bc3de19c"
    assert f(ENC + "hmacsha256", "Use me to generate hash", "My#New#Password") == \
        "edYCyxkU4jL2dEjEDO8aUy8WZrpKRvQquNpgKUqe5vA="
    assert f(ENC + "hmacsha1", "Use me to generate hash", "My#New#Password") == "VK9VMxdsbxZBLHKgSEZYMEUlURs="
    assert len(f(ENC + "hmacsha512", "k", "d", "hex")) == 128
    assert "binary" in err(ENC + "hmacsha256", "k", "d", "binary")


# -- AES ---------------------------------------------------------------------------------


def test_aes_decodes_zoho_test_vector() -> None:
    vector = "yf/u6N0HjKWXFFHIEKzG23+CM+BoL4RBPNb4mc0G3hw5q6xPe9KSpUd62Z5sjjSE"
    assert f(ENC + "aesDecode", "passkey", vector) == "This is a secret"


def test_aes_round_trip_and_random_iv() -> None:
    a = f(ENC + "aesEncode", "k", "héllo")
    b = f(ENC + "aesEncode", "k", "héllo")
    assert a != b
    assert f(ENC + "aesDecode", "k", a) == "héllo"
    assert f(ENC + "aesDecode", "k", b) == "héllo"
    long_key = "x" * 40
    assert f(ENC + "aesDecode", long_key, f(ENC + "aesEncode", long_key, "")) == ""


def test_aes_with_given_iv_is_deterministic() -> None:
    iv = "0123456789abcdef"
    a = f(ENC + "aesEncode", "key", "text", iv)
    assert a == f(ENC + "aesEncode", "key", "text", iv)
    assert f(ENC + "aesDecode", "key", a, iv) == "text"
    assert "exactly 16 bytes" in err(ENC + "aesEncode", "key", "text", "short")


def test_aes_errors_do_not_leak_secrets() -> None:
    token = f(ENC + "aesEncode", "right-key", "top secret")
    message = err(ENC + "aesDecode", "wrong-key", token)
    assert "cannot decrypt" in message or "wrong length" in message
    assert "right-key" not in message and "wrong-key" not in message and "top secret" not in message
    assert "must not be empty" in err(ENC + "aesEncode", "", "x")
    assert "wrong length" in err(ENC + "aesDecode", "k", "AAAA")
    assert "not valid Base64" in err(ENC + "aesDecode", "k", "***")


@given(st.text(min_size=1), st.text())
def test_aes_round_trip_property(key: str, text: str) -> None:
    key = key.encode("utf-8", "replace").decode("utf-8")
    text = text.encode("utf-8", "replace").decode("utf-8")
    assert f(ENC + "aesDecode", key, f(ENC + "aesEncode", key, text)) == text


# -- every built-in rejects bad input with a Deluge error only ------------------------------

SAMPLES: list[Any] = [
    None, "", "abc", "%", "hex", "0123456789abcdef", 0, -1, Decimal("1.5"), True,
    DelugeList(["a"]), DelugeMap({"k": "v"}), dt.date(2024, 1, 2), dt.datetime(2024, 1, 2, 3, 4, 5),
    dt.time(1, 2), DelugeFile("f.txt", b"x"),
]


@pytest.mark.parametrize("b", [b for b in REGISTRY.builtins if b.impl.__module__ == "cloudburst.stdlib.encoding"],
                         ids=lambda b: b.name)
def test_bad_arguments_raise_only_deluge_errors(b: Any) -> None:
    hi = b.max_args if b.max_args is not None else b.min_args + 1
    for count in range(b.min_args, hi + 1):
        # a method's function form takes the receiver as one more (first) argument
        for args in itertools.product(SAMPLES, repeat=count + (1 if b.receiver else 0)):
            try:
                if b.receiver:
                    REGISTRY.function(b.name)(CTX, *args)  # type: ignore[misc]
                else:
                    b.impl(CTX, *args)
            except DelugeRuntimeError:
                pass


@pytest.mark.parametrize("name", [ENC + "base64Encode", ENC + "md5", ENC + "sha256"])
def test_null_and_collections_are_rejected(name: str) -> None:
    for bad in (None, DelugeList(), DelugeMap(), dt.date(2024, 1, 1)):
        assert "must be TEXT" in err(name, bad)
