"""sendmail in real scripts through ``Runtime(mailer=OutboxMailer())``: the chunks of
``sendmail.dg`` and the mailer seam.

``sendmail.dg`` uses the spec format (``// expect: TEXT``, ``// expect error: TEXT``) plus
``// expect mails: N`` (messages the chunk sent), and ``// expect header: Name: value``
(empty value: header absent), ``// expect body: text`` and ``// expect attachment: name``
(in order), which describe the last message sent.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pytest

from cloudburst.engine import Runtime
from cloudburst.errors import DelugeRuntimeError
from cloudburst.mail import Mailer, OutboxMailer, SmtpMailer

SPEC = Path(__file__).parent / "sendmail.dg"
_EXPECT = re.compile(r"//\s*expect( error| mails| header| body| attachment)?:[ \t]?(.*)$")


@dataclass
class Chunk:
    line: int
    source: str
    info: list[str] = field(default_factory=list)
    error: str | None = None
    mails: int | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: str | None = None
    attachments: list[str] = field(default_factory=list)


def _chunks() -> list[Chunk]:
    lines = SPEC.read_text(encoding="utf-8").split("\n")
    found: list[Chunk] = []
    start = 0
    for i, line in enumerate(lines + ["---"]):
        if line.strip() != "---":
            continue
        chunk = Chunk(start + 1, "\n" * start + "\n".join(lines[start:i]))
        for raw in lines[start:i]:
            m = _EXPECT.search(raw)
            if not m:
                continue
            kind, text = (m.group(1) or "").strip(), m.group(2).strip()
            if kind == "":
                chunk.info.append(text)
            elif kind == "error":
                chunk.error = text
            elif kind == "mails":
                chunk.mails = int(text)
            elif kind == "header":
                name, _, value = text.partition(":")
                chunk.headers.append((name.strip(), value.strip()))
            elif kind == "body":
                chunk.body = text
            else:
                chunk.attachments.append(text)
        found.append(chunk)
        start = i + 1
    return found


CHUNKS = _chunks()


@pytest.mark.parametrize("chunk", CHUNKS, ids=[f"sendmail.dg:{c.line}" for c in CHUNKS])
def test_chunk(chunk: Chunk) -> None:
    outbox = OutboxMailer()
    runtime = Runtime(mailer=outbox, network=False, timezone="UTC")
    lines: list[str] = []
    try:
        runtime.compile(chunk.source, str(SPEC)).run(on_info=lines.append)
    except DelugeRuntimeError as exc:
        assert chunk.error is not None, f"unexpected error: {exc}"
        assert chunk.error.lower() in exc.message.lower(), exc.message
        assert exc.span is not None
        assert outbox.messages == [], "a failed sendmail must send nothing"
    else:
        assert chunk.error is None, f"expected an error containing {chunk.error!r}"
    assert lines == chunk.info
    if chunk.mails is not None:
        assert len(outbox.messages) == chunk.mails
    if chunk.headers or chunk.body is not None or chunk.attachments:
        assert outbox.messages, "the chunk sent no message"
        last = outbox.messages[-1]
        for name, value in chunk.headers:
            assert (last[name] or "") == value, name
        if chunk.body is not None:
            body = last.get_body(("html", "plain"))
            assert body is not None and body.get_content().strip() == chunk.body
        assert [a.get_filename() for a in last.iter_attachments()] == chunk.attachments


def test_spec_file_has_enough_chunks() -> None:
    assert len(CHUNKS) >= 30
    assert sum(c.error is not None for c in CHUNKS) >= 15


def test_outbox_writes_eml_files(tmp_path: Path) -> None:
    outbox = OutboxMailer(tmp_path / "out")
    Runtime(mailer=outbox, network=False).run("""
    sendmail [ from: zoho.adminuserid to: "a@example.test" bcc: "b@example.test" subject: "One" message: "1" ]
    sendmail [ from: zoho.adminuserid to: "a@example.test" subject: "Two" message: "2" ]
    """)
    files = sorted((tmp_path / "out").glob("*.eml"))
    assert len(files) == 2 and len(outbox.messages) == 2
    subjects = set()
    for path in files:
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        subjects.add(msg["Subject"])
        assert msg["Message-ID"] and msg["Date"]
    assert subjects == {"One", "Two"}


def test_outbox_directory_that_cannot_be_written(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(DelugeRuntimeError, match="cannot write to the mail outbox"):
        Runtime(mailer=OutboxMailer(blocker / "sub"), network=False).run(
            'sendmail [ from: zoho.adminuserid to: "a@example.test" subject: "s" message: "m" ]')


def test_date_header_uses_the_run_time_zone() -> None:
    outbox = OutboxMailer()
    Runtime(mailer=outbox, network=False, timezone="Asia/Kolkata").run(
        'sendmail [ from: zoho.adminuserid to: "a@example.test" subject: "s" message: "m" ]')
    assert outbox.messages[0]["Date"].endswith("+0530")


def test_system_values_feed_the_sender() -> None:
    outbox = OutboxMailer()
    Runtime(mailer=outbox, network=False, system={"adminuserid": "owner@example.test"}).run(
        'sendmail [ from: zoho.adminuserid to: "a@example.test" subject: "s" message: "m" ]')
    assert outbox.messages[0]["From"] == "owner@example.test"
    assert outbox.messages[0]["Message-ID"].endswith("@example.test>")


class Recorder:
    def __init__(self, fail: Exception | None = None) -> None:
        self.sent: list[EmailMessage] = []
        self.fail = fail

    def send(self, message: EmailMessage) -> None:
        if self.fail is not None:
            raise self.fail
        self.sent.append(message)


def test_any_object_with_send_is_a_mailer() -> None:
    recorder = Recorder()
    assert isinstance(recorder, Mailer) and isinstance(OutboxMailer(), Mailer) and isinstance(SmtpMailer("h"), Mailer)
    result = Runtime(mailer=recorder, network=False).run(
        'sendmail [ from: zoho.adminuserid to: "a@example.test" subject: "s" message: "m" ]\ninfo "after";')
    assert result.info == ["after"] and len(recorder.sent) == 1


def test_host_mailer_failure_becomes_a_deluge_error() -> None:
    runtime = Runtime(mailer=Recorder(RuntimeError("quota exceeded")), network=False)
    with pytest.raises(DelugeRuntimeError) as info:
        runtime.run('x = 1;\nsendmail [ from: zoho.adminuserid to: "a@example.test" subject: "s" message: "m" ]')
    assert info.value.message == "sendmail: the mailer failed (RuntimeError: quota exceeded)"
    assert info.value.span is not None and info.value.span.line == 2


def test_object_without_send_is_refused_cleanly() -> None:
    with pytest.raises(DelugeRuntimeError, match="no send"):
        Runtime(mailer=object(), network=False).run(
            'sendmail [ from: zoho.adminuserid to: "a@example.test" subject: "s" message: "m" ]')
