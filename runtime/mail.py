"""``sendmail [ ... ]``: the task's keys checked and turned into an ``EmailMessage``, handed
to a pluggable :class:`Mailer`.

Two mailers ship: :class:`SmtpMailer` (smtplib, one connection per message) and
:class:`OutboxMailer` (keeps messages in a list and optionally writes ``.eml`` files, for
hosts, tests and ``cloudburst run --mail-outbox``). A host may pass any object with a
``send(message)`` method as ``Runtime(mailer=...)``. Decisions are in ``docs/mail.md``.
"""

from __future__ import annotations

import datetime as _dt
import mimetypes
import re
import smtplib
import ssl
import threading
import uuid
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, make_msgid
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from cloudburst.errors import ConfigurationError, DelugeRuntimeError
from cloudburst.values import DelugeFile, DelugeList, DelugeMap, display, type_name

__all__ = ["Mailer", "SmtpMailer", "OutboxMailer", "send_task", "build_message", "KEYS"]

#: The keys ``sendmail`` accepts (as the parser normalises them: lower case, spaces → ``-``).
KEYS = ("from", "to", "cc", "bcc", "reply-to", "subject", "message", "content-type", "attachments")
_REQUIRED = ("from", "to", "subject", "message")
_HTML = frozenset({"html", "text/html"})
_PLAIN = frozenset({"plaintext", "plain text", "plain", "text", "text/plain"})
_DOMAIN_LABEL = r"[^\s@.<>()\[\],;:\"\\]+"
_ADDR_SPEC = re.compile(rf"[^\s@<>()\[\],;:\"\\]+@{_DOMAIN_LABEL}(?:\.{_DOMAIN_LABEL})*")


@runtime_checkable
class Mailer(Protocol):
    """What ``Runtime(mailer=...)`` needs. ``send`` raises on failure; the Bcc header, when
    present, lists blind recipients and must not be transmitted (``smtplib`` strips it)."""

    def send(self, message: EmailMessage) -> None: ...


def send_task(ctx: Any, mailer: Any, items: dict[str, Any]) -> None:
    """Run one ``sendmail`` task: validate, build, send. Deluge's sendmail returns nothing."""
    if not isinstance(mailer, Mailer):
        raise DelugeRuntimeError("sendmail: the runtime's mailer has no send(message) method")
    now = ctx.now().replace(tzinfo=ctx.tz) if ctx is not None else None
    message = build_message(items, now)
    try:
        mailer.send(message)
    except DelugeRuntimeError:
        raise
    except Exception as exc:  # a host mailer's failure is the script's runtime error
        raise DelugeRuntimeError(f"sendmail: the mailer failed ({type(exc).__name__}: {exc})") from None
    return None


def build_message(items: dict[str, Any], now: _dt.datetime | None = None) -> EmailMessage:
    """The e-mail a sendmail task describes (``now``: its Date, time-zone aware); raises
    :class:`DelugeRuntimeError` on bad keys or values."""
    unknown = [k for k in items if k not in KEYS]
    if unknown:
        raise DelugeRuntimeError(f"sendmail: unknown key '{unknown[0]}' (allowed: {', '.join(KEYS)})")
    for key in _REQUIRED:
        if _absent(items.get(key)):
            raise DelugeRuntimeError(f"sendmail: '{key}' is missing")
    sender = _addresses("from", items["from"])
    if len(sender) != 1:
        raise DelugeRuntimeError("sendmail: 'from' must be a single address")
    msg = EmailMessage()
    msg["From"] = str(sender[0])
    for key, header in (("to", "To"), ("cc", "Cc"), ("bcc", "Bcc"), ("reply-to", "Reply-To")):
        value = items.get(key)
        if not _absent(value):
            found = _addresses(key, value)
            if found:
                msg[header] = ", ".join(str(a) for a in found)
    if "To" not in msg:
        raise DelugeRuntimeError("sendmail: 'to' is missing")
    msg["Subject"] = " ".join(_text("subject", items["subject"]).splitlines())
    msg["Date"] = format_datetime(now if now is not None and now.tzinfo is not None else _dt.datetime.now().astimezone())
    msg["Message-ID"] = make_msgid(domain=sender[0].domain or "localhost")
    body = _text("message", items["message"])
    if _is_html(items.get("content-type")):
        msg.set_content(body, subtype="html")
    else:
        msg.set_content(body)
    for file in _attachments(items.get("attachments")):
        maintype, subtype = _mime_type(file)
        msg.add_attachment(file.content, maintype=maintype, subtype=subtype, filename=file.name or "attachment")
    return msg


def _absent(value: Any) -> bool:
    return value is None or (type(value) is str and not value.strip()) or (
        isinstance(value, (DelugeList, DelugeMap)) and not value)


def _text(key: str, value: Any) -> str:
    if isinstance(value, DelugeFile):
        raise DelugeRuntimeError(f"sendmail: '{key}' must be TEXT, got FILE")
    return display(value)


def _addresses(key: str, value: Any) -> list[Address]:
    """Addresses from TEXT (several separated by ``,`` or ``;``) or a LIST of TEXT;
    blank entries are skipped."""
    if type(value) is str:
        texts = [value]
    elif isinstance(value, DelugeList):
        texts = []
        for i, item in enumerate(value):
            if type(item) is not str:
                raise DelugeRuntimeError(f"sendmail: '{key}' list element {i} must be TEXT, got {type_name(item)}")
            texts.append(item)
    else:
        raise DelugeRuntimeError(f"sendmail: '{key}' must be TEXT or a LIST of TEXT, got {type_name(value)}")
    found: list[Address] = []
    for text in texts:
        if not text.strip():
            continue
        for name, spec in getaddresses([text.replace(";", ",")]):
            found.append(_address(key, name, spec, text))
    return found


def _address(key: str, name: str, spec: str, raw: str) -> Address:
    shown = raw if len(raw) <= 80 else raw[:77] + "..."
    if not _ADDR_SPEC.fullmatch(spec):
        raise DelugeRuntimeError(f"sendmail: '{key}' is not a valid e-mail address: '{shown}'")
    local, _, domain = spec.rpartition("@")
    try:
        return Address(display_name=" ".join(name.split()), username=local, domain=domain)
    except (ValueError, TypeError):
        raise DelugeRuntimeError(f"sendmail: '{key}' is not a valid e-mail address: '{shown}'") from None


def _is_html(value: Any) -> bool:
    """HTML unless the task asks for plain text (Zoho sends HTML by default)."""
    if value is None:
        return True
    if type(value) is not str:
        raise DelugeRuntimeError(f"sendmail: 'content type' must be TEXT, got {type_name(value)}")
    kind = " ".join(value.lower().split())
    if kind in _HTML:
        return True
    if kind in _PLAIN:
        return False
    raise DelugeRuntimeError(f"sendmail: unknown content type '{value}' (use \"html\" or \"plaintext\")")


def _attachments(value: Any) -> list[DelugeFile]:
    if value is None:
        return []
    items = list(value) if isinstance(value, DelugeList) else [value]
    for item in items:
        if type(item) is str:
            raise DelugeRuntimeError(f"sendmail: attachment '{item}' names a Zoho template, view or report, "
                                     "which is not available here; attach a FILE instead")
        if not isinstance(item, DelugeFile):
            raise DelugeRuntimeError(f"sendmail: 'attachments' must be a FILE or a LIST of FILE, got {type_name(item)}")
    return items


def _mime_type(file: DelugeFile) -> tuple[str, str]:
    kind = (file.content_type or "").split(";")[0].strip().lower()
    if not kind or kind == "application/octet-stream":
        kind = mimetypes.guess_type(file.name or "")[0] or "application/octet-stream"
    maintype, _, subtype = kind.partition("/")
    if not maintype or not subtype or maintype in ("multipart", "message") or not re.fullmatch(r"[a-z0-9.+-]+", maintype + subtype):
        return "application", "octet-stream"
    return maintype, subtype


class SmtpMailer:
    """Sends each message over a new SMTP connection (thread-safe, nothing held open).

    ``ssl`` connects with implicit TLS (SMTPS, usually port 465); ``starttls`` upgrades a
    plain connection (usually 587). ``ssl_context`` defaults to the system's verified
    context. The password is kept private: it never appears in ``repr`` or in errors.
    """

    def __init__(self, host: str, port: int = 25, *, starttls: bool = False, ssl: bool = False,
                 username: str | None = None, password: str | None = None, timeout: float = 30,
                 ssl_context: Any = None) -> None:
        if starttls and ssl:
            raise ConfigurationError("SmtpMailer: choose either starttls or ssl, not both")
        if password is not None and username is None:
            raise ConfigurationError("SmtpMailer: a password needs a username")
        if not host:
            raise ConfigurationError("SmtpMailer: host is required")
        self.host = host
        self.port = port
        self.starttls = starttls
        self.ssl = ssl
        self.username = username
        self.timeout = timeout
        self._password = password
        self._context = ssl_context

    def __repr__(self) -> str:
        mode = "ssl" if self.ssl else "starttls" if self.starttls else "plain"
        user = f", username={self.username!r}" if self.username else ""
        return f"SmtpMailer({self.host!r}, {self.port}, {mode}{user})"

    def send(self, message: EmailMessage) -> None:
        where = f"{self.host}:{self.port}"
        try:
            with self._connect() as smtp:
                if self.username is not None:
                    try:
                        smtp.login(self.username, self._password or "")
                    except smtplib.SMTPAuthenticationError as exc:
                        raise DelugeRuntimeError(
                            f"sendmail: the SMTP server {where} refused the login for '{self.username}' "
                            f"(code {exc.smtp_code})") from None
                smtp.send_message(message)
        except DelugeRuntimeError:
            raise
        except smtplib.SMTPRecipientsRefused as exc:
            raise DelugeRuntimeError(f"sendmail: the SMTP server {where} refused the recipients "
                                     f"{', '.join(sorted(exc.recipients))}") from None
        except smtplib.SMTPNotSupportedError as exc:
            raise DelugeRuntimeError(f"sendmail: the SMTP server {where} does not support {_reason(exc)}") from None
        except smtplib.SMTPResponseException as exc:
            raise DelugeRuntimeError(f"sendmail: the SMTP server {where} answered {exc.smtp_code} "
                                     f"{_server_text(exc.smtp_error)}") from None
        except smtplib.SMTPException as exc:
            raise DelugeRuntimeError(f"sendmail: SMTP with {where} failed: {_reason(exc)}") from None
        except ssl.SSLError as exc:
            raise DelugeRuntimeError(f"sendmail: TLS with the SMTP server {where} failed: {exc.reason or exc}") from None
        except TimeoutError:
            raise DelugeRuntimeError(f"sendmail: the SMTP server {where} did not answer within {self.timeout:g} s") from None
        except OSError as exc:
            raise DelugeRuntimeError(f"sendmail: cannot reach the SMTP server {where}: {exc.strerror or exc}") from None

    def _connect(self) -> smtplib.SMTP:
        context = self._context or ssl.create_default_context()
        if self.ssl:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.starttls:
            try:
                smtp.starttls(context=context)
            except BaseException:
                smtp.close()
                raise
        return smtp


def _reason(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def _server_text(raw: bytes | str) -> str:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return " ".join(text.split())[:200]


class OutboxMailer:
    """Keeps every message in :attr:`messages` (in order); with ``directory``, also writes
    each as an ``.eml`` file there (Bcc header kept, so the file shows every recipient)."""

    def __init__(self, directory: str | Path | None = None) -> None:
        self.messages: list[EmailMessage] = []
        self.directory = None if directory is None else Path(directory)
        self._lock = threading.Lock()

    def send(self, message: EmailMessage) -> None:
        with self._lock:
            self.messages.append(message)
        if self.directory is None:
            return
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        path = self.directory / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            path.write_bytes(message.as_bytes())
        except OSError as exc:
            raise DelugeRuntimeError(f"sendmail: cannot write to the mail outbox {self.directory}: "
                                     f"{exc.strerror or exc}") from None
