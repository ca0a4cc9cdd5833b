"""Issue 10, defect 2: every number is bounded where it enters a run and in arithmetic.

Before the fix ``1e999999999`` from JSON made ``floor()`` build a billion-digit integer
(minutes, 440 MB), and 5,000-digit numbers leaked Python's "4300 digits" ValueError or
``decimal.Overflow``. Each script here must end at once with a Deluge error that names the
problem and never shows Python's words.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from cloudburst.engine import InputError, Runtime
from cloudburst.errors import CloudburstError, DelugeRuntimeError, DelugeSyntaxError
from cloudburst.numeric import DECIMAL_EMAX
from cloudburst.values import DelugeMap, from_python

PYTHON_WORDS = ("internal error", "4300", "ValueError", "Overflow'", "decimal.", "InvalidOperation", "sys.set_int")
BIG_JSON = '{"amount": 1e999999999}'
DIGITS_5000 = "9" * 5000


def run(source: str, **inputs: object) -> object:
    return Runtime(network=False).compile(source).run(inputs).value


def fails(source: str, *words: str, **inputs: object) -> str:
    """Run ``source``; it must fail quickly with a Deluge error mentioning each of ``words``."""
    started = time.monotonic()
    with pytest.raises(CloudburstError) as caught:
        run(source, **inputs)
    assert time.monotonic() - started < 10, "a bounded number must fail at once (it took minutes before)"
    message = caught.value.message
    assert not any(w in message for w in PYTHON_WORDS), message
    assert len(message) < 300, message
    for word in words:
        assert word in message, message
    return message


@pytest.mark.parametrize("method", ["floor()", "ceil()", "toLong()", "round(2)", "truncate()", "power(2)",
                                    "toString()", "abs()", "sqrt()"])
def test_huge_exponent_in_json_is_refused_at_the_border(method: str) -> None:
    fails(f"payload = {json.dumps(BIG_JSON)}.toMap();\ninfo payload.get(\"amount\").{method};", "too large")


def test_json_integer_of_5000_digits_is_a_rounded_decimal_and_7000_an_error() -> None:
    value = run(f'resp = "{{\\"id\\": {DIGITS_5000}}}".toMap();\nreturn resp.get("id");')
    assert value == Decimal("1E+5000")
    fails(f'resp = "{{\\"id\\": {"9" * 7000}}}".toMap();\ninfo resp.get("id");', "too large")
    fails(f'resp = "[{"9" * 13000}]".toJSONList();', "characters")


@pytest.mark.parametrize("method", ["toLong()", "toNumber()", "toDecimal().toLong()"])
def test_text_of_thousands_of_digits_converts_to_a_clean_error(method: str) -> None:
    fails(f'digits = "9".repeat(5000);\ninfo digits.{method};', "64-bit")


def test_to_decimal_rounds_long_text_and_refuses_what_it_cannot_hold() -> None:
    assert run('return "9".repeat(5000).toDecimal();') == Decimal("1E+5000")
    fails('info "9".repeat(7000).toDecimal();', "too large")
    fails('info "9".repeat(20000).toDecimal();', "too many digits")


def test_in_range_extremes_still_work() -> None:
    script = ('big = "{\\"v\\": 1e6000}".toMap().get("v");\n'
              'tiny = "{\\"v\\": 1e-6000}".toMap().get("v");\n'
              'return {"big": big.toString().length(), "tiny": tiny * 2, "sum": big + 1 > big - 1,'
              ' "max_long": "9223372036854775807".toLong()};')
    result = run(script)
    assert isinstance(result, DelugeMap)
    assert result["big"] == 6003 and result["sum"] is False and result["max_long"] == 2**63 - 1
    assert result["tiny"] == Decimal("2E-6000")


@pytest.mark.parametrize("expression", ["big * big", "big * 100000", "big.power(2)", "big.exp()", "(0 - big) * big"])
def test_arithmetic_past_the_exponent_cap_is_a_catchable_deluge_error(expression: str) -> None:
    script = (f'big = "{{\\"v\\": 1e{DECIMAL_EMAX}}}".toMap().get("v");\n'
              f'try {{ x = {expression}; return "no error"; }} catch (e) {{ return e.message; }}')
    message = run(script)
    assert isinstance(message, str) and message != "no error"
    assert "beyond" in message or "too large" in message, message
    assert not any(w in message for w in PYTHON_WORDS)


def test_doubling_a_decimal_in_a_loop_stops_with_a_range_error() -> None:
    script = "x = 2.0;\nfor each i in {1,2,3,4,5,6,7,8,9,10,11,12,13,14,15}\n{\n  x = x * x;\n}\ninfo x;"
    fails(script, "beyond")


def test_huge_literals_are_syntax_errors_with_a_position() -> None:
    with pytest.raises(DelugeSyntaxError) as caught:
        Runtime(network=False).compile(f"x = {DIGITS_5000};")
    assert caught.value.span is not None and "64-bit" in caught.value.message
    assert not any(w in caught.value.message for w in PYTHON_WORDS)
    with pytest.raises(DelugeSyntaxError) as caught:
        Runtime(network=False).compile(f"x = {'9' * 7000}.5;")
    assert "too large" in caught.value.message


def test_host_inputs_are_bounded_and_named() -> None:
    script = Runtime(network=False).compile("return amount;")
    with pytest.raises(InputError) as caught:
        script.run({"amount": Decimal("1e999999999")})
    assert "amount" in caught.value.message and "too large" in caught.value.message
    with pytest.raises(InputError):
        script.run({"amount": Decimal("NaN")})
    with pytest.raises(ValueError):
        from_python(10**20000)


def test_invokeurl_json_with_a_huge_exponent_is_a_clean_error() -> None:
    from cloudburst.http.convert import parse_body

    with pytest.raises(DelugeRuntimeError) as caught:
        parse_body(BIG_JSON)
    assert "too large" in caught.value.message and "response" in caught.value.message


@pytest.mark.parametrize("arg", [f"x:={'9' * 7000}", "x:=1e999999999", f'x:={{"n": {"9" * 20000}}}'])
def test_cli_arg_numbers_are_bounded(tmp_path: Path, arg: str) -> None:
    script = tmp_path / "show.dg"
    script.write_text("info x;\n")
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "cloudburst", "run", str(script), "--arg", arg],
                          capture_output=True, text=True, timeout=60)
    assert time.monotonic() - started < 30
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr and not any(w in proc.stderr for w in PYTHON_WORDS), proc.stderr
    assert any(w in proc.stderr for w in ("too large", "64-bit", "characters")), proc.stderr


def test_typed_parameter_from_the_command_line_is_bounded() -> None:
    from cloudburst.typecheck import from_text

    for text in ("1e99999", "9" * 7000 + ".5"):
        with pytest.raises(ValueError) as caught:
            from_text(text, "decimal")
        assert "too large" in str(caught.value)
    with pytest.raises(ValueError) as caught:
        from_text(DIGITS_5000, "int")
    assert "64-bit" in str(caught.value) and len(str(caught.value)) < 200
