"""The library is a good guest: it never prints, never reads environment variables on its
own, never configures logging, and its public names are exactly the documented ones."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
from pathlib import Path
from typing import Any

import pytest

import cloudburst

DOC = Path(__file__).resolve().parents[2] / "docs" / "embedding.md"

SCRIPT = """
info "to the info list, not to stdout";
m = {"a": [1, 2.5, null]};
try { x = 1 / 0; } catch (e) { info e; }
r = lookup(m);
return r;
"""


def _exercise() -> None:
    with cloudburst.Runtime(timezone="Europe/Berlin", network=False) as rt:
        rt.register_function("lookup", lambda m: {"got": m})
        script = rt.compile(SCRIPT, name="hygiene.dg")
        assert script.run().info == ["to the info list, not to stdout", "division by zero"]
        for bad in ("info x +;", "info unknownFn();", "info 1 / 0;"):
            with pytest.raises(cloudburst.CloudburstError):
                rt.run(bad)
    assert cloudburst.run('info "one-liner";').info == ["one-liner"]


def test_nothing_is_printed_and_logging_is_untouched(capfd: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    lib_loggers = {name: list(logging.getLogger(name).handlers) for name in ("cloudburst", "httpx2", "httpx")}
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        _exercise()
    captured = capfd.readouterr()
    assert out.getvalue() == "" and err.getvalue() == ""
    assert captured.out == "" and captured.err == ""
    assert root.handlers == handlers and root.level == level
    assert {name: list(logging.getLogger(name).handlers) for name in lib_loggers} == lib_loggers


class _RecordingEnviron(dict[str, str]):
    def __init__(self, data: dict[str, str]) -> None:
        super().__init__(data)
        self.read: list[str] = []

    def __getitem__(self, key: str) -> str:
        self.read.append(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        self.read.append(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self.read.append(str(key))
        return super().__contains__(key)


def test_environment_variables_are_never_read(monkeypatch: pytest.MonkeyPatch) -> None:
    _exercise()  # first use imports what it needs (imports of other libraries may look)
    recorder = _RecordingEnviron(dict(os.environ))
    monkeypatch.setattr(os, "environ", recorder)
    _exercise()
    assert recorder.read == []


def _documented_names() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Public names", 1)[1].split("\n## ", 1)[0]
    return sorted(set(re.findall(r"^- `([A-Za-z_][A-Za-z0-9_]*)`", section, re.MULTILINE)))


def test_all_equals_the_documented_public_names() -> None:
    assert sorted(cloudburst.__all__) == _documented_names()


@pytest.mark.parametrize("name", cloudburst.__all__)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(cloudburst, name) is not None


def test_errors_form_one_tree() -> None:
    for name in ("DelugeSyntaxError", "ResolveError", "DelugeRuntimeError", "ConfigurationError", "InputError"):
        assert issubclass(getattr(cloudburst, name), cloudburst.CloudburstError)
    for name in ("StatementLimitError", "TimeoutLimitError", "RecursionLimitError", "CancelledError"):
        assert issubclass(getattr(cloudburst, name), cloudburst.LimitError)
    assert issubclass(cloudburst.LimitError, cloudburst.DelugeRuntimeError)


def test_package_is_typed() -> None:
    assert (Path(cloudburst.__file__).parent / "py.typed").is_file()
