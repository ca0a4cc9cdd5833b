"""Fixtures for the REPL tests: isolated user dirs (history, store, keys) and a session
writing to in-memory streams."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from cloudburst.engine import Runtime
from cloudburst.cli.repl import REPL_LIMITS
from cloudburst.cli.repl.session import Session


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never touch the real user's history, key file or database."""
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))
    monkeypatch.delenv("CLOUDBURST_DATABASE_URL", raising=False)
    monkeypatch.delenv("CLOUDBURST_SECRET_KEY", raising=False)
    return tmp_path


@dataclass
class Repl:
    """A session and its two output streams."""

    session: Session
    out: io.StringIO
    err: io.StringIO

    def run(self, text: str) -> bool:
        from cloudburst.cli.repl.commands import execute

        return execute(self.session, text)

    def take(self) -> tuple[str, str]:
        """The output and errors written since the last call."""
        out, err = self.out.getvalue(), self.err.getvalue()
        for stream in (self.out, self.err):
            stream.seek(0)
            stream.truncate()
        return out, err


@pytest.fixture
def repl() -> Iterator[Repl]:
    out, err = io.StringIO(), io.StringIO()
    with Runtime(limits=REPL_LIMITS, network=False) as runtime:
        yield Repl(Session(runtime, out=out, err=err), out, err)
