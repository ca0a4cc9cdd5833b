"""Every validation rule for connectors and connections, as small pure functions.

Each function returns the normalised value or raises :class:`RuleViolation` naming the
field and the rule, so the service, the CLI and the REPL report the same message.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from cloudburst.connectors.errors import RuleViolation

__all__ = [
    "MASK",
    "AUTH_TYPES",
    "GRANT_TYPES",
    "LOCATIONS",
    "DELIMITERS",
    "MAX_SCOPES",
    "MAX_LOGO_BYTES",
    "connector_name",
    "connection_name",
    "derive_link_name",
    "connector_link_name",
    "connection_link_name",
    "description",
    "logo_type",
    "auth_type",
    "grant_type",
    "param_display_name",
    "param_key",
    "location",
    "client_credential",
    "http_url",
    "bearer_name",
    "expiry_seconds",
    "scope_display_name",
    "scope_value",
    "scope_delimiter",
    "check_scope_count",
    "allowed_host",
    "secret_value",
]

MASK = "••••"
MAX_SCOPES = 50
MAX_LOGO_BYTES = 1024 * 1024
NAME_SPECIALS = "*_-@/!:|&~\\+"
DESCRIPTION_SPECIALS = ",.()-_*@/\\!:|~&"
AUTH_TYPES = {"basic": "basic", "api_key": "api_key", "api-key": "api_key", "apikey": "api_key",
              "oauth2": "oauth2", "oauth": "oauth2", "oauth-2.0": "oauth2", "oauth_2.0": "oauth2"}
GRANT_TYPES = {"authorization_code": "authorization_code", "authorization-code": "authorization_code",
               "code": "authorization_code", "client_credentials": "client_credentials",
               "client-credentials": "client_credentials"}
LOCATIONS = {"query": "query", "query_string": "query", "query-string": "query",
             "form": "form", "form_data": "form", "form-data": "form", "header": "header"}
DELIMITERS = {",": ",", "comma": ",", " ": " ", "space": " ", "+": "+", "plus": "+"}
DELIMITER_NAMES = {",": "comma", " ": "space", "+": "plus"}

_LINK_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_CONNECTION_LINK_NAME = re.compile(r"[a-z][a-z0-9_]*")
_HEADER_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_MASK_LIKE = re.compile(r"[•*]+")


def _text(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise RuleViolation(field, "must be text")
    return value


def _length(value: str, field: str, maximum: int, *, minimum: int = 1) -> None:
    if len(value) < minimum:
        raise RuleViolation(field, "must not be empty")
    if len(value) > maximum:
        raise RuleViolation(field, f"must be at most {maximum} characters (got {len(value)})")


def _only(value: str, field: str, specials: str, described: str) -> None:
    for ch in value:
        if not (ch.isalnum() or ch == " " or ch in specials):
            raise RuleViolation(field, f"character {ch!r} is not allowed; only letters, digits, spaces and {described}")


def _named(value: object, field: str, *, first: str) -> str:
    """Shared rule for connector, connection, parameter and scope display names."""
    text = _text(value, field).strip()
    _length(text, field, 50)
    allowed_first = "a letter, a digit or _" if first == "_" else "a letter or a digit"
    if not (text[0].isalnum() or text[0] in first):
        raise RuleViolation(field, f"must start with {allowed_first}")
    _only(text, field, NAME_SPECIALS, "the special characters * _ - @ / ! : | & ~ \\ +")
    return text


def connector_name(value: object) -> str:
    """Connector name: at most 50 characters, starts with a letter, digit or ``_``."""
    return _named(value, "name", first="_")


def connection_name(value: object) -> str:
    """Connection display name: the same rule as a connector name."""
    return _named(value, "name", first="_")


def derive_link_name(name: str) -> str:
    """``"Open Weather"`` -> ``"open_weather"``: ASCII, lowercase, runs of others become ``_``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")
    if not slug or not slug[0].isalpha():
        slug = "c_" + slug if slug else "connector"
    return slug[:50].rstrip("_")


def connector_link_name(value: object, field: str = "link_name") -> str:
    """Connector link name: at most 50, starts with a letter, only letters, digits and ``_``."""
    text = _text(value, field)
    _length(text, field, 50)
    if not text[0].isascii() or not text[0].isalpha():
        raise RuleViolation(field, "must start with a letter")
    if not _LINK_NAME.fullmatch(text):
        raise RuleViolation(field, "may contain only letters, digits and _")
    return text


def connection_link_name(value: object, field: str = "link_name") -> str:
    """Connection link name: lowercase ``[a-z][a-z0-9_]*``, at most 50 characters."""
    text = _text(value, field)
    _length(text, field, 50)
    if not ("a" <= text[0] <= "z"):
        raise RuleViolation(field, "must start with a lowercase letter")
    if not _CONNECTION_LINK_NAME.fullmatch(text):
        raise RuleViolation(field, "may contain only lowercase letters, digits and _")
    return text


def description(value: object) -> str | None:
    """Optional description: at most 255 characters, specials only ``, . ( ) - _ * @ / \\ ! : | ~ &``."""
    if value is None:
        return None
    text = _text(value, "description").strip()
    if not text:
        return None
    _length(text, "description", 255)
    _only(text, "description", DESCRIPTION_SPECIALS, "the special characters , . ( ) - _ * @ / \\ ! : | ~ &")
    return text


def logo_type(data: bytes) -> str:
    """The logo's media type from its first bytes (PNG or JPEG only); the size must be under 1 MB."""
    if len(data) >= MAX_LOGO_BYTES:
        raise RuleViolation("logo", f"must be smaller than 1 MB (got {len(data)} bytes)")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    raise RuleViolation("logo", "must be a PNG or JPEG image (the file's bytes are neither)")


def _choice(value: object, field: str, table: dict[str, str], names: str) -> str:
    text = _text(value, field).strip().lower().replace(" ", "_")
    if text not in table:
        raise RuleViolation(field, f"must be one of {names} (got {value!r})")
    return table[text]


def auth_type(value: object) -> str:
    return _choice(value, "auth_type", AUTH_TYPES, "basic, api_key, oauth2")


def grant_type(value: object) -> str:
    return _choice(value, "grant_type", GRANT_TYPES, "authorization_code, client_credentials")


def location(value: object) -> str:
    return _choice(value, "location", LOCATIONS, "query, form, header")


def param_display_name(value: object, field: str = "display_name") -> str:
    """Parameter display name: starts with a letter or digit, specials ``* _ - @ / ! : | & ~ \\ +``."""
    return _named(value, field, first="")


def param_key(value: object, where: str | None = None, field: str = "key") -> str:
    """Parameter key as the target API names it: visible ASCII, no spaces; a header needs a token."""
    text = _text(value, field)
    _length(text, field, 100)
    if not all(33 <= ord(ch) <= 126 for ch in text):
        raise RuleViolation(field, "may contain only visible ASCII characters (no spaces)")
    if where == "header" and not _HEADER_TOKEN.fullmatch(text):
        raise RuleViolation(field, "must be a valid HTTP header name for location header")
    return text


def client_credential(value: object, field: str) -> str:
    """Client ID/secret: printable ASCII only, single spaces between words, 1-1024 characters."""
    text = _text(value, field)
    _length(text, field, 1024)
    if not all(32 <= ord(ch) <= 126 for ch in text):
        raise RuleViolation(field, "may contain only printable ASCII characters (no other languages)")
    if "  " in text or text != text.strip():
        raise RuleViolation(field, "may contain only single spaces between characters")
    if _MASK_LIKE.fullmatch(text):
        raise RuleViolation(field, "looks like a masked placeholder; give the real value")
    return text


def http_url(value: object, field: str) -> str:
    """A well-formed http(s) URL with a host."""
    text = _text(value, field).strip()
    _length(text, field, 2048)
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise RuleViolation(field, "must be a well-formed http(s) URL") from None
    if parts.scheme not in ("http", "https"):
        raise RuleViolation(field, "must be an http or https URL")
    if not parts.hostname:
        raise RuleViolation(field, "must name a host")
    if any(ch.isspace() for ch in text) or port == 0:
        raise RuleViolation(field, "must be a well-formed http(s) URL")
    return text


def bearer_name(value: object) -> str:
    """Bearer (token prefix) name: an HTTP auth-scheme token (RFC 9110 §11.1: letters, digits
    and ``!#$%&'*+-.^_`|~``, so Zoho's ``Zoho-oauthtoken`` fits), default ``Bearer``."""
    text = _text(value, "bearer_name").strip()
    _length(text, "bearer_name", 50)
    if not text or not all(c.isascii() and (c.isalnum() or c in "!#$%&'*+-.^_`|~") for c in text):
        raise RuleViolation("bearer_name", "may contain only letters, digits and - . _ (no spaces)")
    return text


def expiry_seconds(value: object) -> int:
    """Default token lifetime in seconds: a whole number from 900 to 86400."""
    if isinstance(value, bool):
        raise RuleViolation("expiry_seconds", "must be a number of seconds")
    if isinstance(value, str):
        if not value.strip().isdigit():
            raise RuleViolation("expiry_seconds", f"must be a whole number of seconds (got {value!r})")
        value = int(value.strip())
    if not isinstance(value, int):
        raise RuleViolation("expiry_seconds", "must be a number of seconds")
    if not 900 <= value <= 86400:
        raise RuleViolation("expiry_seconds", f"must be between 900 and 86400 seconds (got {value})")
    return value


def scope_display_name(value: object) -> str:
    return param_display_name(value, "scope display_name")


def scope_value(value: object) -> str:
    """Scope value: 1-255 visible ASCII characters without spaces, commas or plus signs."""
    text = _text(value, "scope value")
    _length(text, "scope value", 255)
    if not all(33 <= ord(ch) <= 126 for ch in text) or any(ch in ",+" for ch in text):
        raise RuleViolation("scope value", "may contain only visible ASCII characters, without spaces, commas or +")
    return text


def scope_delimiter(value: object) -> str:
    text = _text(value, "scope_delimiter")
    key = text if text in DELIMITERS else text.strip().lower()
    if key not in DELIMITERS:
        raise RuleViolation("scope_delimiter", f"must be comma, space or plus (got {value!r})")
    return DELIMITERS[key]


def check_scope_count(count: int) -> None:
    if count > MAX_SCOPES:
        raise RuleViolation("scopes", f"a connector can have at most {MAX_SCOPES} scopes (would have {count})")


def allowed_host(value: object) -> str:
    """An allowed host: ``host``, ``host:port``, ``*.domain`` or ``scheme://host[:port]``, lowercased."""
    text = _text(value, "allowed_host").strip().lower()
    _length(text, "allowed_host", 260)
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "", text
    elif scheme not in ("http", "https"):
        raise RuleViolation("allowed_host", "scheme must be http or https")
    host, _, port = rest.partition(":")
    labels = host[2:].split(".") if host.startswith("*.") else host.split(".")
    if not host or not all(_HOST_LABEL.fullmatch(label) for label in labels):
        raise RuleViolation("allowed_host", f"must be a host name like api.example.com (got {value!r})")
    if port and not (port.isdigit() and 0 < int(port) < 65536):
        raise RuleViolation("allowed_host", f"port must be 1-65535 (got {port!r})")
    return text


def secret_value(value: object, field: str) -> str:
    """A value a user types when authorizing; a masked placeholder is never accepted."""
    text = _text(value, field)
    _length(text, field, 4096)
    if _MASK_LIKE.fullmatch(text):
        raise RuleViolation(field, "looks like a masked placeholder; give the real value")
    if any(ch in "\r\n\x00" for ch in text):
        raise RuleViolation(field, "must not contain line breaks or NUL characters")
    return text
