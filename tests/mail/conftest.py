"""A real SMTP server on 127.0.0.1 (aiosmtpd) for the mail tests: plain, STARTTLS with AUTH,
and implicit TLS, with a self-signed certificate made for the test run."""

from __future__ import annotations

import datetime as _dt
import ipaddress
import socket
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

USER = "mailer"
PASSWORD = "pw-Very-Secret-4417"


@dataclass
class Received:
    """One message as the server got it: envelope and raw bytes."""

    mail_from: str
    rcpt_tos: list[str]
    content: bytes


@dataclass
class Handler:
    received: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"


@dataclass
class Server:
    host: str
    port: int
    handler: Handler

    @property
    def received(self) -> list[Received]:
        return self.handler.received


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and data.login == USER.encode() and data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 / localhost: (cert.pem, key.pem)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = _dt.datetime.now(_dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _dt.timedelta(minutes=5)).not_valid_after(now + _dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                    x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture(scope="session")
def client_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    """A verifying client context that trusts the test certificate only."""
    return ssl.create_default_context(cafile=str(certificate[0]))


def _server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(certificate[0]), str(certificate[1]))
    return context


def _start(**kwargs: Any) -> tuple[Controller, Server]:
    handler = Handler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    return controller, Server("127.0.0.1", port, handler)


@pytest.fixture
def smtp_server() -> Iterator[Server]:
    """Plain SMTP, no TLS, no AUTH."""
    controller, server = _start()
    yield server
    controller.stop()


@pytest.fixture
def starttls_server(certificate: tuple[Path, Path]) -> Iterator[Server]:
    """STARTTLS required before anything; AUTH (PLAIN/LOGIN) required to send."""
    controller, server = _start(tls_context=_server_context(certificate), require_starttls=True,
                                auth_required=True, authenticator=_authenticate)
    yield server
    controller.stop()


@pytest.fixture
def ssl_server(certificate: tuple[Path, Path]) -> Iterator[Server]:
    """Implicit TLS (SMTPS) with AUTH required (aiosmtpd does not count implicit TLS as TLS
    for AUTH, hence ``auth_require_tls=False``; the connection is encrypted all the same)."""
    controller, server = _start(ssl_context=_server_context(certificate), server_hostname="localhost",
                                auth_required=True, authenticator=_authenticate, auth_require_tls=False)
    yield server
    controller.stop()
