"""End to end: `cloudburst repl` in a real pseudo-terminal (pexpect). Output markers are
computed (`"sta" + "rted"`) so the terminal's echo of the typed line never matches them."""

from __future__ import annotations

import io
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

LOOP = ("for each a in l { for each b in l { for each c in l { for each d in l { for each e in l { "
        "for each f in l { for each g in l { n = n + 1; } } } } } } }")


@pytest.fixture
def terminal(isolated_user_dirs: Path) -> Iterator[pexpect.spawn]:
    env = {**os.environ, "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1"}
    child = pexpect.spawn(sys.executable, ["-m", "cloudburst", "repl"], env=env, encoding="utf-8", timeout=20,
                          dimensions=(30, 120))
    transcript = io.StringIO()
    child.logfile_read = transcript
    try:
        child.expect("dg> ")
        yield child
    finally:
        print(transcript.getvalue())  # shown by pytest when the test fails
        if child.isalive():
            child.terminate(force=True)


def test_repl_in_a_terminal(terminal: pexpect.spawn, isolated_user_dirs: Path) -> None:
    t = terminal
    # a persisted variable
    t.send("x = 40;\r")
    t.send("x + 2\r")
    t.expect("42")
    # multi-line input: the block keeps reading on a continuation line until its '}'
    t.send("if (x > 3) {\r")
    t.expect(r"\.\.\. ")
    t.send('info "bi" + "g";\r')
    t.send("}\r")
    t.expect(r"\.\.\. ")  # a finished if block waits one line for a Zoho-style else
    t.send("\r")
    t.expect("big")
    # else on its own line after '}' belongs to the if: only the else branch runs
    t.send("if (x > 99)\r{\r")
    t.send('info "wr" + "ong";\r}\r')
    t.send("else\r{\r")
    t.send('info "ri" + "ght";\r}\r\r')
    t.expect("right")
    # an error: message, line and caret, and the session goes on
    t.send("y = x / 0;\r")
    t.expect(r"<input>:1:5: error: division by zero")
    t.expect(r"y = x / 0;")
    t.expect(r"\^\^\^\^\^")
    t.send('info "x is " + x;\r')
    t.expect("x is 40")
    # Ctrl-C stops a running script; the session keeps what ran
    t.send('n = 0; l = {1,2,3,4,5,6,7,8,9,10}; info "sta" + "rted";\r')
    t.expect("started")
    t.send(LOOP + "\r")
    time.sleep(1.0)
    t.sendintr()
    t.expect("cancelled")
    t.send("n > 0\r")
    t.expect("true")
    # Ctrl-C drops a half-typed input
    t.send("if (true) {\r")
    t.expect(r"\.\.\. ")
    t.sendintr()
    t.send('info "cl" + "ean";\r')
    t.expect("clean")
    # an error in a bare expression shows the expression as typed
    t.send("x.toUpperCase()\r")
    t.expect(r"<input>:1:1: error: ")
    t.expect(r"\n    x\.toUpperCase\(\)\r*\n    \^\^")
    # Ctrl-D leaves
    t.expect("dg> ")
    time.sleep(0.3)
    t.send("\x04")
    t.expect(pexpect.EOF)
    t.close()
    assert t.exitstatus == 0
    history = isolated_user_dirs / "xdg_state_home" / "cloudburst" / "repl_history"
    assert "x = 40;" in history.read_text(encoding="utf-8")
