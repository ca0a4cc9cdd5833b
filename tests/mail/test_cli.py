"""``cloudburst run`` mail options: outbox directory, SMTP with STARTTLS and a password
from the environment (never printed), and usage errors."""

from __future__ import annotations

import email
import email.policy
import ssl
from pathlib import Path

import pytest

from cloudburst.cli import EXIT_OK, EXIT_RUNTIME, EXIT_USAGE, main

from .conftest import PASSWORD, USER, Server, free_port

pytestmark = pytest.mark.integration

SCRIPT = 'sendmail [ from: zoho.adminuserid to: "a@example.test" subject: "From the CLI" message: "m" ]\ninfo "sent";\n'


@pytest.fixture
def script(tmp_path: Path) -> str:
    path = tmp_path / "mail.dg"
    path.write_text(SCRIPT, encoding="utf-8")
    return str(path)


def run(*args: str) -> int:
    return main(["run", "--no-cache", *args])


def test_mail_outbox_writes_eml_and_prints_only_info(script: str, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    outbox = tmp_path / "outbox"
    assert run(script, "--mail-outbox", str(outbox)) == EXIT_OK
    assert capsys.readouterr().out == "sent\n"
    [path] = list(outbox.glob("*.eml"))
    assert email.message_from_bytes(path.read_bytes(), policy=email.policy.default)["Subject"] == "From the CLI"


def test_without_mail_options_sendmail_is_disabled(script: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(script) == EXIT_RUNTIME
    assert "'sendmail' is disabled" in capsys.readouterr().err


def test_smtp_plain(script: str, smtp_server: Server, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(script, "--smtp-host", smtp_server.host, "--smtp-port", str(smtp_server.port)) == EXIT_OK
    assert capsys.readouterr().out == "sent\n"
    assert smtp_server.received[0].rcpt_tos == ["a@example.test"]


def test_smtp_starttls_with_password_from_environment(script: str, starttls_server: Server,
                                                       client_context: ssl.SSLContext,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    # The CLI uses the system trust store; trust the test certificate through it.
    monkeypatch.setattr(ssl, "create_default_context", lambda *a, **k: client_context)
    monkeypatch.setenv("CLOUDBURST_SMTP_PASSWORD", PASSWORD)
    code = run(script, "--smtp-host", "127.0.0.1", "--smtp-port", str(starttls_server.port), "--smtp-starttls",
               "--smtp-user", USER)
    out = capsys.readouterr()
    assert code == EXIT_OK, out.err
    assert len(starttls_server.received) == 1
    assert PASSWORD not in out.out + out.err


def test_wrong_password_never_printed(script: str, starttls_server: Server, client_context: ssl.SSLContext,
                                      monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(ssl, "create_default_context", lambda *a, **k: client_context)
    monkeypatch.setenv("CLOUDBURST_SMTP_PASSWORD", "Not-The-Password-123")
    code = run(script, "--smtp-host", "127.0.0.1", "--smtp-port", str(starttls_server.port), "--smtp-starttls",
               "--smtp-user", USER)
    out = capsys.readouterr()
    assert code == EXIT_RUNTIME
    assert "refused the login" in out.err and "Not-The-Password-123" not in out.out + out.err


def test_closed_port(script: str, capsys: pytest.CaptureFixture[str]) -> None:
    port = free_port()
    assert run(script, "--smtp-host", "127.0.0.1", "--smtp-port", str(port)) == EXIT_RUNTIME
    err = capsys.readouterr().err
    assert f"cannot reach the SMTP server 127.0.0.1:{port}" in err and "Traceback" not in err


@pytest.mark.parametrize("args, message", [
    (("--smtp-user", "u"), "need --smtp-host"),
    (("--smtp-host", "h", "--mail-outbox", "d"), "exclude each other"),
    (("--smtp-host", "h", "--smtp-ssl", "--smtp-starttls"), "exclude each other"),
    (("--smtp-host", "h", "--smtp-user", "u"), "CLOUDBURST_SMTP_PASSWORD"),
])
def test_usage_errors(script: str, args: tuple[str, ...], message: str, monkeypatch: pytest.MonkeyPatch,
                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("CLOUDBURST_SMTP_PASSWORD", raising=False)
    assert run(script, *args) == EXIT_USAGE
    assert message in capsys.readouterr().err
