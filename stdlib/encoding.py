"""Built-ins: URL, Base64 and Base32 encoding, hashes, HMACs and AES (``zoho.encryption.*``).

Formats follow Zoho's documented examples: URL encoding is Java's ``URLEncoder`` (space
as ``+`` for ``encodeUrl``, ``%20`` for ``urlEncode``), hashes default to hex and HMACs to
Base64, and AES is the scheme Zoho's own test vectors decode with (AES-256-CBC, PKCS#7,
UTF-8 key NUL-padded or cut to 32 bytes, random IV prepended, Base64; aesEncode128 is the
same with a 16-byte key). Crypto is the
``cryptography`` package, never our own. Error messages never repeat keys or plaintext.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
from decimal import Decimal
from typing import Any, Callable

from cloudburst.errors import DelugeRuntimeError
from cloudburst.stdlib.registry import builtin, fail
from cloudburst.values import DelugeFile, display, type_name

__all__ = ["url_encode_text", "url_decode_text"]

_CHARSETS = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "utf-16": "utf-16",
    "utf-16le": "utf-16-le",
    "utf-16be": "utf-16-be",
    "iso-8859-1": "latin-1",
    "latin1": "latin-1",
    "us-ascii": "ascii",
    "ascii": "ascii",
}


def _text(fn: str, value: Any, position: int) -> str:
    t = type(value)
    if t is str:
        return value  # type: ignore[no-any-return]
    if t is int or t is Decimal or t is bool:
        return display(value)
    raise DelugeRuntimeError(f"{fn}: argument {position} must be TEXT, got {type_name(value)}")


def _charset(fn: str, value: Any, position: int) -> str:
    if value is None:
        return "utf-8"
    name = _text(fn, value, position).strip().lower()
    codec = _CHARSETS.get(name)
    if codec is None:
        raise fail(f"{fn}: unsupported character set '{value}' (use UTF-8, UTF-16, UTF-16LE, UTF-16BE or ISO-8859-1)")
    return codec


def _encode(fn: str, text: str, codec: str) -> bytes:
    try:
        return text.encode(codec)
    except UnicodeEncodeError:
        raise fail(f"{fn}: the text has characters that {codec} cannot represent") from None


# ---------------------------------------------------------------------------------------
# URL encoding
# ---------------------------------------------------------------------------------------

_URL_SAFE = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-*_")


def url_encode_text(text: str, space: str = "+") -> str:
    """Java ``URLEncoder.encode(text, "UTF-8")``: letters, digits and ``.-*_`` kept,
    space as ``space`` (``+``, or ``%20`` for ``urlEncode``), every other UTF-8 byte as
    ``%XX`` (upper-case hex)."""
    out: list[str] = []
    for byte in text.encode("utf-8", "surrogatepass"):
        if byte in _URL_SAFE:
            out.append(chr(byte))
        elif byte == 0x20:
            out.append(space)
        else:
            out.append(f"%{byte:02X}")
    return "".join(out)


_PERCENT = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def url_decode_text(fn: str, text: str) -> str:
    """Java ``URLDecoder.decode(text, "UTF-8")``: ``+`` is a space, ``%XX`` runs are UTF-8
    bytes; a ``%`` not followed by two hex digits is an error."""
    text = text.replace("+", " ")
    decoded = _PERCENT.sub(lambda m: bytes.fromhex(m.group().replace("%", "")).decode("utf-8", "replace"), text)
    if "%" in _PERCENT.sub("", text):
        raise fail(f"{fn}: malformed percent escape in the text (a '%' must be followed by two hex digits)")
    return decoded


@builtin("zoho.encryption.urlEncode", returns="TEXT", tier=1,
         doc="Percent-encode text for a URL (space becomes %20); anything but TEXT gives null.")
def zoho_url_encode(ctx: Any, text: Any) -> str | None:
    return url_encode_text(text, "%20") if type(text) is str else None


@builtin("zoho.encryption.urlDecode", returns="TEXT", tier=1,
         doc="Decode percent-encoded text (+ becomes a space); anything but TEXT gives null.")
def zoho_url_decode(ctx: Any, text: Any) -> str | None:
    return url_decode_text("zoho.encryption.urlDecode", text) if type(text) is str else None


@builtin("urlEncode", receiver="TEXT", returns="TEXT", tier=1,
         doc="Percent-encode text for a URL (space becomes %20, like zoho.encryption.urlEncode).")
def url_encode(ctx: Any, text: str) -> str:
    return url_encode_text(text, "%20")


@builtin("encodeUrl", receiver="TEXT", returns="TEXT", tier=1,
         doc="Percent-encode text for a URL query (Java URLEncoder: space becomes +).")
def encode_url(ctx: Any, text: str) -> str:
    return url_encode_text(text)


@builtin("decodeUrl", receiver="TEXT", aliases=("urlDecode",), returns="TEXT", tier=1,
         doc="Decode percent-encoded text (same as zoho.encryption.urlDecode).")
def decode_url(ctx: Any, text: str) -> str:
    return url_decode_text("decodeUrl", text)


# ---------------------------------------------------------------------------------------
# Base64 / Base32
# ---------------------------------------------------------------------------------------


def _payload(fn: str, value: Any, codec: str) -> bytes:
    """Bytes to encode: a FILE's content, or text in the given character set."""
    if type(value) is DelugeFile:
        return value.content
    return _encode(fn, _text(fn, value, 1), codec)


_B64_JUNK = re.compile(r"\s+")


@builtin("zoho.encryption.base64Encode", returns="TEXT", tier=2,
         doc="Base64 of the text's bytes (UTF-8 unless a character set is given) or of a FILE.")
def base64_encode(ctx: Any, value: Any, charset: Any = None) -> str:
    fn = "zoho.encryption.base64Encode"
    return base64.b64encode(_payload(fn, value, _charset(fn, charset, 2))).decode("ascii")


@builtin("zoho.encryption.base64Decode", returns="TEXT", tier=2,
         doc="Decode Base64 (standard or URL-safe alphabet, padding optional) to text.")
def base64_decode(ctx: Any, value: Any, charset: Any = None) -> str:
    fn = "zoho.encryption.base64Decode"
    codec = _charset(fn, charset, 2)
    return _b64_bytes(fn, _text(fn, value, 1)).decode(codec, "replace")


def _b64_bytes(fn: str, text: str) -> bytes:
    data = _B64_JUNK.sub("", text).replace("-", "+").replace("_", "/").rstrip("=")
    if len(data) % 4 == 1:
        raise fail(f"{fn}: the text is not valid Base64 (wrong length)")
    try:
        return base64.b64decode(data + "=" * (-len(data) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise fail(f"{fn}: the text is not valid Base64") from None


@builtin("zoho.encryption.base32Encode", returns="TEXT", tier=3,
         doc="Base32 (RFC 4648) of the text's bytes (UTF-8 unless a character set is given) or of a FILE.")
def base32_encode(ctx: Any, value: Any, charset: Any = None) -> str:
    fn = "zoho.encryption.base32Encode"
    return base64.b32encode(_payload(fn, value, _charset(fn, charset, 2))).decode("ascii")


@builtin("zoho.encryption.base32Decode", returns="TEXT", tier=3,
         doc="Decode Base32 (RFC 4648, padding optional, any letter case) to text (UTF-8 unless a character set is given).")
def base32_decode(ctx: Any, value: Any, charset: Any = None) -> str:
    fn = "zoho.encryption.base32Decode"
    codec = _charset(fn, charset, 2)
    data = _B64_JUNK.sub("", _text(fn, value, 1)).upper().rstrip("=")
    try:
        raw = base64.b32decode(data + "=" * (-len(data) % 8))
    except (binascii.Error, ValueError):
        raise fail(f"{fn}: the text is not valid Base32") from None
    return raw.decode(codec, "replace")


# ---------------------------------------------------------------------------------------
# Hashes and HMACs
# ---------------------------------------------------------------------------------------


def _digest_text(fn: str, digest: bytes, output: Any, position: int, default: str) -> str:
    kind = default if output is None else _text(fn, output, position).strip().lower()
    if kind == "hex":
        return digest.hex()
    if kind == "base64":
        return base64.b64encode(digest).decode("ascii")
    if kind == "binary":
        raise fail(f"{fn}: output type 'binary' is not supported (raw bytes are not text); use 'hex' or 'base64'")
    raise fail(f"{fn}: unknown output type '{output}' (use 'hex' or 'base64')")


def _hash(name: str, algorithm: str) -> Callable[..., str]:
    fn = f"zoho.encryption.{name}"

    def impl(ctx: Any, data: Any, output: Any = None) -> str:
        digest = hashlib.new(algorithm, _encode(fn, _text(fn, data, 1), "utf-8")).digest()
        return _digest_text(fn, digest, output, 2, "hex")

    impl.__name__ = name
    impl.__doc__ = f"{algorithm.upper()} digest of the text's UTF-8 bytes (hex by default, or 'base64')."
    return builtin(fn, returns="TEXT", tier=3)(impl)


def _hmac(name: str, algorithm: str) -> Callable[..., str]:
    fn = f"zoho.encryption.{name}"

    def impl(ctx: Any, key: Any, data: Any, output: Any = None) -> str:
        secret = _encode(fn, _text(fn, key, 1), "utf-8")
        message = _encode(fn, _text(fn, data, 2), "utf-8")
        digest = hmac.new(secret, message, algorithm).digest()
        return _digest_text(fn, digest, output, 3, "base64")

    impl.__name__ = name
    impl.__doc__ = f"HMAC-{algorithm.upper()} of the data with the key (Base64 by default, or 'hex')."
    return builtin(fn, returns="TEXT", tier=3)(impl)


md5 = _hash("md5", "md5")
sha1 = _hash("sha1", "sha1")
sha256 = _hash("sha256", "sha256")
sha512 = _hash("sha512", "sha512")
hmacsha1 = _hmac("hmacsha1", "sha1")
hmacsha256 = _hmac("hmacsha256", "sha256")
hmacsha512 = _hmac("hmacsha512", "sha512")


# ---------------------------------------------------------------------------------------
# AES
# ---------------------------------------------------------------------------------------

_BLOCK = 16
#: aesEncode128 with no IV: the largest text, and the most key-derivation rounds (Zoho's page).
_AES128_MAX_TEXT = 500 * 1024
_AES128_MAX_ROUNDS = 200


def _aes_key(fn: str, key: Any, size: int, rounds: int, salt: bytes | None) -> bytes:
    """The key's UTF-8 bytes cut or NUL-padded to ``size``; with ``rounds`` (aesEncode128's
    iteration count) PBKDF2-HMAC-SHA1 of them instead, salted with the IV (16 zero bytes
    without one)."""
    raw = _encode(fn, _text(fn, key, 1), "utf-8")
    if not raw:
        raise fail(f"{fn}: the key must not be empty")
    if rounds:
        return hashlib.pbkdf2_hmac("sha1", raw, salt or bytes(_BLOCK), rounds, size)
    return raw[:size].ljust(size, b"\0")


def _aes_iv(fn: str, iv: Any) -> bytes | None:
    if iv is None:
        return None
    raw = _encode(fn, _text(fn, iv, 3), "utf-8")
    if len(raw) != _BLOCK:
        raise fail(f"{fn}: the initialization vector must be exactly {_BLOCK} bytes, got {len(raw)}")
    return raw


def _aes_rounds(fn: str, count: Any, iv: bytes | None) -> int:
    """aesEncode128's iteration count: a whole number (TEXT on Zoho's page), 0 by default, at
    most 200 when no IV is given."""
    if count is None:
        return 0
    text = _text(fn, count, 4).strip()
    if not text.isdigit():
        raise fail(f"{fn}: argument 4 (the iteration count) must be a whole number, got {display(count)}")
    rounds = int(text)
    if iv is None and rounds > _AES128_MAX_ROUNDS:
        raise fail(f"{fn}: the iteration count is at most {_AES128_MAX_ROUNDS} without an IV, got {rounds}")
    if rounds > 1_000_000:
        raise fail(f"{fn}: the iteration count is at most 1000000, got {rounds}")
    return rounds


def _aes() -> tuple[Any, Any, Any, Any]:
    """cryptography's AES pieces, imported on first use (they cost start-up time)."""
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    return padding, Cipher, algorithms, modes


def _aes_encrypt(fn: str, size: int, key: Any, text: Any, iv: Any, rounds: Any) -> str:
    """AES-CBC with PKCS#7, Base64 of IV + ciphertext (IV random), or of the ciphertext alone
    when an IV is given."""
    given = _aes_iv(fn, iv)
    plain = _encode(fn, _text(fn, text, 2), "utf-8")
    count = 0
    if size == 16:
        count = _aes_rounds(fn, rounds, given)
        if given is None and len(plain) > _AES128_MAX_TEXT:
            raise fail(f"{fn}: without an IV the text may be at most 500KB, got {len(plain)} bytes")
    secret = _aes_key(fn, key, size, count, given)
    vector = given if given is not None else os.urandom(_BLOCK)
    padding, Cipher, algorithms, modes = _aes()
    padder = padding.PKCS7(_BLOCK * 8).padder()
    padded = padder.update(plain) + padder.finalize()
    encryptor = Cipher(algorithms.AES(secret), modes.CBC(vector)).encryptor()
    cipher = encryptor.update(padded) + encryptor.finalize()
    return base64.b64encode(cipher if given is not None else vector + cipher).decode("ascii")


def _aes_decrypt(fn: str, size: int, key: Any, text: Any, iv: Any, rounds: Any) -> str:
    given = _aes_iv(fn, iv)
    count = _aes_rounds(fn, rounds, given) if size == 16 else 0
    secret = _aes_key(fn, key, size, count, given)
    raw = _b64_bytes(fn, _text(fn, text, 2))
    if given is None:
        vector, cipher = raw[:_BLOCK], raw[_BLOCK:]
    else:
        vector, cipher = given, raw
    if not cipher or len(cipher) % _BLOCK:
        raise fail(f"{fn}: the encrypted text has the wrong length for AES")
    padding, Cipher, algorithms, modes = _aes()
    decryptor = Cipher(algorithms.AES(secret), modes.CBC(vector)).decryptor()
    padded = decryptor.update(cipher) + decryptor.finalize()
    unpadder = padding.PKCS7(_BLOCK * 8).unpadder()
    try:
        plain = unpadder.update(padded) + unpadder.finalize()
        return plain.decode("utf-8")  # type: ignore[no-any-return]
    except (ValueError, UnicodeDecodeError):
        raise fail(f"{fn}: cannot decrypt (wrong key or corrupted data)") from None


@builtin("zoho.encryption.aesEncode", returns="TEXT", tier=3,
         doc="AES-256-CBC encrypt the text with the key; Base64 of IV + ciphertext (IV random unless given).")
def aes_encode(ctx: Any, key: Any, text: Any, iv: Any = None) -> str:
    return _aes_encrypt("zoho.encryption.aesEncode", 32, key, text, iv, None)


@builtin("zoho.encryption.aesDecode", returns="TEXT", tier=3,
         doc="Reverse aesEncode with the same key (and the same IV if one was given).")
def aes_decode(ctx: Any, key: Any, text: Any, iv: Any = None) -> str:
    return _aes_decrypt("zoho.encryption.aesDecode", 32, key, text, iv, None)


@builtin("zoho.encryption.aesEncode128", returns="TEXT", tier=3,
         doc="AES-128-CBC encrypt the text (key up to 16 characters); Base64 of IV + ciphertext "
             "(IV random unless given); an iteration count derives the key with PBKDF2.")
def aes_encode128(ctx: Any, key: Any, text: Any, iv: Any = None, iterations: Any = None) -> str:
    return _aes_encrypt("zoho.encryption.aesEncode128", 16, key, text, iv, iterations)


@builtin("zoho.encryption.aesDecode128", returns="TEXT", tier=3,
         doc="Reverse aesEncode128 with the same key, IV and iteration count.")
def aes_decode128(ctx: Any, key: Any, text: Any, iv: Any = None, iterations: Any = None) -> str:
    return _aes_decrypt("zoho.encryption.aesDecode128", 16, key, text, iv, iterations)
