"""Fixtures for the connector store tests: isolated user dirs, keys, stores, a CLI runner,
and a throwaway PostgreSQL server started from the Debian packages when they are installed."""

from __future__ import annotations

import glob
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from cloudburst.cli import main


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never touch the real user's key file or database."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("CLOUDBURST_DATABASE_URL", raising=False)
    monkeypatch.delenv("CLOUDBURST_SECRET_KEY", raising=False)
    return tmp_path


@pytest.fixture
def key() -> str:
    return Fernet.generate_key().decode()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture
def svc(sqlite_url: str, key: str) -> Iterator[Any]:
    from cloudburst.connectors.service import ConnectorService

    service = ConnectorService(sqlite_url, secret_keys=[key])
    yield service
    service.close()


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@dataclass
class Cli:
    """Calls ``main`` with captured streams and an explicit environment."""

    env: dict[str, str]
    answers: list[str] | None = None
    asked: list[tuple[str, bool]] | None = None

    def __call__(self, *argv: str, answers: list[str] | None = None) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        prompt = None
        if answers is not None:
            queue = list(answers)
            self.asked = []

            def prompt(text: str, secret: bool) -> str:
                assert self.asked is not None
                self.asked.append((text, secret))
                return queue.pop(0)

        code = main(list(argv), stdout=out, stderr=err, environ=self.env, prompt=prompt)
        return CliResult(code, out.getvalue(), err.getvalue())


@pytest.fixture
def svc_factory(sqlite_url: str, key: str) -> Iterator[Any]:
    """Opens the same store the ``cli`` fixture uses, after the CLI has written to it."""
    from cloudburst.connectors.service import ConnectorService

    opened: list[Any] = []

    def open_store() -> Any:
        opened.append(ConnectorService(sqlite_url, secret_keys=[key]))
        return opened[-1]

    yield open_store
    for service in opened:
        service.close()


@pytest.fixture
def make_cli() -> type[Cli]:
    """The runner class, for tests that need their own environment."""
    return Cli


@pytest.fixture
def cli(sqlite_url: str, key: str) -> Cli:
    return Cli({"CLOUDBURST_DATABASE_URL": sqlite_url, "CLOUDBURST_SECRET_KEY": key})


# ---------------------------------------------------------------------------- PostgreSQL


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pg_bin() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("pg_ctl")
    return Path(found).resolve().parent if found else None


@dataclass
class PgServer:
    port: int
    admin_url: str

    def new_database(self) -> str:
        import psycopg

        name = "cb_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A throwaway cluster (initdb in a temp dir, trust auth, loopback only, a free port)."""
    bin_dir = _pg_bin()
    if bin_dir is None:
        message = "PostgreSQL server binaries not found (apt-get install -y postgresql)"
        print(f"\nSKIP postgres tests: {message}", file=sys.stderr)
        pytest.skip(message)
    as_user: list[str] = []
    workdir = Path(tempfile.mkdtemp(prefix="cb-pg-"))
    if os.geteuid() == 0:
        runuser = shutil.which("runuser")
        if runuser is None:
            pytest.skip("running as root and runuser is missing, cannot start PostgreSQL")
        as_user = [runuser, "-u", "postgres", "--"]
        shutil.chown(workdir, "postgres")
    data, log, port = workdir / "data", workdir / "server.log", _free_port()
    try:
        subprocess.run([*as_user, str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                        "-E", "UTF8", "--no-sync"], check=True, capture_output=True, timeout=120)
        options = f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run([*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log),
                        "-w", "-t", "60", "start"], check=True, capture_output=True, timeout=90)
    except (subprocess.SubprocessError, OSError) as exc:
        detail = log.read_text()[-500:] if log.exists() else ""
        message = f"PostgreSQL could not start: {exc} {detail}"
        print(f"\nSKIP postgres tests: {message}", file=sys.stderr)
        shutil.rmtree(workdir, ignore_errors=True)
        pytest.skip(message)
    try:
        yield PgServer(port, f"postgresql://postgres@127.0.0.1:{port}/postgres")
    finally:
        subprocess.run([*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same test against a SQLite file and against a real PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'any.db'}"
    server: PgServer = request.getfixturevalue("pg_server")
    return server.new_database()

