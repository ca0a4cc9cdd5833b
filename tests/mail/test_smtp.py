"""SmtpMailer against a real SMTP server on 127.0.0.1: delivery, cc/bcc envelopes,
attachments, STARTTLS + AUTH, implicit TLS, and clean Deluge errors on failure."""

from __future__ import annotations

import email
import email.policy
import ssl
from email.message import EmailMessage
from typing import Any

import pytest

from cloudburst.engine import Runtime
from cloudburst.errors import ConfigurationError, DelugeRuntimeError
from cloudburst.mail import SmtpMailer

from .conftest import PASSWORD, USER, Server, free_port

pytestmark = [pytest.mark.integration,
              pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")]

SCRIPT = """
report = "id,total\\n1,20".toFile("report.csv");
sendmail
[
    from: "Shop <shop@example.test>"
    to: "ann@example.test"
    cc: {"bob@example.test", "cy@example.test"}
    bcc: "hidden@example.test"
    reply to: "support@example.test"
    subject: "Order " + 42
    message: "<p>Thanks</p>"
    attachments: file: report
]
info "sent";
"""


def parsed(raw: bytes) -> EmailMessage:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def run(mailer: Any, source: str = SCRIPT) -> list[str]:
    with Runtime(mailer=mailer, network=False, timezone="UTC") as runtime:
        return runtime.run(source).info


def test_script_delivers_to_every_recipient(smtp_server: Server) -> None:
    assert run(SmtpMailer(smtp_server.host, smtp_server.port)) == ["sent"]
    [got] = smtp_server.received
    assert got.mail_from == "shop@example.test"
    assert sorted(got.rcpt_tos) == ["ann@example.test", "bob@example.test", "cy@example.test", "hidden@example.test"]
    msg = parsed(got.content)
    assert msg["Subject"] == "Order 42"
    assert msg["To"] == "ann@example.test"
    assert msg["Cc"] == "bob@example.test, cy@example.test"
    assert msg["Reply-To"] == "support@example.test"
    assert msg["Bcc"] is None, "blind recipients must not be visible in the transmitted message"
    assert b"hidden@example.test" not in got.content


def test_html_body_and_attachment_arrive(smtp_server: Server) -> None:
    run(SmtpMailer(smtp_server.host, smtp_server.port))
    msg = parsed(smtp_server.received[0].content)
    body = msg.get_body(("html", "plain"))
    assert body is not None and body.get_content_type() == "text/html"
    assert body.get_content().strip() == "<p>Thanks</p>"
    [attachment] = list(msg.iter_attachments())
    assert attachment.get_filename() == "report.csv"
    assert attachment.get_content_type() == "text/plain"
    assert attachment.get_payload(decode=True) == b"id,total\n1,20"


def test_plain_text_and_several_messages(smtp_server: Server) -> None:
    source = """
    for each n in {1, 2}
    {
        sendmail [ from: zoho.adminuserid to: "t" + n + "@example.test" subject: "n" + n
                   message: "line one\\nline two" content type: "plaintext" ]
    }
    """
    run(SmtpMailer(smtp_server.host, smtp_server.port), source)
    assert [r.rcpt_tos for r in smtp_server.received] == [["t1@example.test"], ["t2@example.test"]]
    body = parsed(smtp_server.received[1].content).get_body(("plain",))
    assert body is not None and body.get_content().splitlines() == ["line one", "line two"]


def test_starttls_with_auth(starttls_server: Server, client_context: ssl.SSLContext) -> None:
    mailer = SmtpMailer(starttls_server.host, starttls_server.port, starttls=True, username=USER,
                        password=PASSWORD, ssl_context=client_context)
    assert run(mailer) == ["sent"]
    assert len(starttls_server.received) == 1


def test_implicit_tls_with_auth(ssl_server: Server, client_context: ssl.SSLContext) -> None:
    mailer = SmtpMailer("localhost", ssl_server.port, ssl=True, username=USER, password=PASSWORD,
                        ssl_context=client_context)
    assert run(mailer) == ["sent"]
    assert ssl_server.received[0].rcpt_tos[0] == "ann@example.test"


def test_wrong_password_is_a_clean_error_without_the_password(starttls_server: Server,
                                                              client_context: ssl.SSLContext) -> None:
    wrong = "Wrong-Secret-9931"
    mailer = SmtpMailer(starttls_server.host, starttls_server.port, starttls=True, username=USER, password=wrong,
                        ssl_context=client_context)
    with pytest.raises(DelugeRuntimeError) as info:
        run(mailer)
    assert "refused the login" in info.value.message and "535" in info.value.message
    assert wrong not in str(info.value) and wrong not in repr(mailer)
    assert info.value.span is not None and info.value.span.line == 3
    assert starttls_server.received == []


def test_untrusted_certificate_is_a_clean_error(starttls_server: Server) -> None:
    mailer = SmtpMailer(starttls_server.host, starttls_server.port, starttls=True, username=USER,
                        password=PASSWORD)  # the system trust store does not know the test certificate
    with pytest.raises(DelugeRuntimeError) as info:
        run(mailer)
    assert "TLS" in info.value.message and PASSWORD not in str(info.value)


def test_server_requiring_starttls_refuses_plain_mail(starttls_server: Server) -> None:
    with pytest.raises(DelugeRuntimeError) as info:
        run(SmtpMailer(starttls_server.host, starttls_server.port))
    assert info.value.message.startswith("sendmail: the SMTP server") and "530" in info.value.message


def test_closed_port_is_a_catchable_deluge_error() -> None:
    port = free_port()  # nothing listens there any more
    with pytest.raises(DelugeRuntimeError) as info:
        run(SmtpMailer("127.0.0.1", port, timeout=5))
    assert info.value.message == f"sendmail: cannot reach the SMTP server 127.0.0.1:{port}: Connection refused"
    assert info.value.span is not None
    caught = run(SmtpMailer("127.0.0.1", port, timeout=5), """
    try { sendmail [ from: zoho.adminuserid to: "a@example.test" subject: "s" message: "m" ] }
    catch (e) { info "failed: " + e.message; }
    """)
    assert caught == [f"failed: sendmail: cannot reach the SMTP server 127.0.0.1:{port}: Connection refused"]


def test_configuration_errors() -> None:
    with pytest.raises(ConfigurationError):
        SmtpMailer("h", starttls=True, ssl=True)
    with pytest.raises(ConfigurationError):
        SmtpMailer("h", password="x")
    with pytest.raises(ConfigurationError):
        SmtpMailer("")
    text = repr(SmtpMailer("mail.example.test", 587, starttls=True, username="u", password=PASSWORD))
    assert text == "SmtpMailer('mail.example.test', 587, starttls, username='u')"
