"""Random input never produces anything but a clean syntax (or resolve) error."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cloudburst.engine import Runtime
from cloudburst.errors import CloudburstError, DelugeSyntaxError, ResolveError

RUNTIME = Runtime(network=False)

_TOKENS = st.sampled_from([
    "x", "y", "=", ";", "{", "}", "(", ")", "[", "]", ",", ":", ".", "+", "-", "*", "/", "%", "==", "!=",
    "<", ">", "&&", "||", "!", "if", "else", "for each", "in", "info", "return", "try", "catch", "break",
    "\"txt\"", "'01-Jan-2024'", "'bad'", "1", "2.5", "true", "null", "Map()", "List()", "invokeurl", "url:",
    "type:", "GET", "get", "put", "\n", " ", "//c\n", "/*", "*/", "\"", "'", "\\", "void", "string", "f",
    "sendmail", "insert into", "sort by", "zoho.crm.x", "thisapp.", ":ui", "9999999999999999999999",
])


def _compile(source: str) -> None:
    try:
        RUNTIME.compile(source, "<fuzz>")
    except (DelugeSyntaxError, ResolveError) as exc:
        assert exc.message and "Traceback" not in exc.message
        if exc.span is not None:
            assert exc.span.line >= 1 and exc.span.column >= 1
    except CloudburstError as exc:  # any other Cloudburst error is a bug in classification
        raise AssertionError(f"unexpected {type(exc).__name__}: {exc}") from exc


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200))
def test_random_text_gives_clean_errors(source: str) -> None:
    _compile(source)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TOKENS, max_size=40).map(" ".join))
def test_random_token_soup_gives_clean_errors(source: str) -> None:
    _compile(source)


def test_deep_nesting_is_a_clean_error() -> None:
    for source in ("x = " + "(" * 5000 + "1" + ")" * 5000 + ";", "if (true) {" * 500 + "}" * 500,
                   "x = " + "{" * 3000 + "}" * 3000 + ";"):
        _compile(source)
