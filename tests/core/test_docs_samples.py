"""Every code sample in README.md and docs/ runs, through the real command, and shows what
the docs say it shows, so the docs cannot drift from the runtime.

How a fenced block is marked (its info string):

- ```` ```deluge [FILE] [check|test|fails] ````: the script runs with ``cloudburst run``
  (saved as FILE, default ``sample.dg``) and must succeed; ``check`` only checks it (it names
  a connection, a form or inputs), ``test`` runs it with ``cloudburst test``, ``fails``
  expects the run to fail.
- ```` ```output ```` right after a sample: exactly what it prints (standard output, then
  standard error).
- ```` ```repl ````: a REPL transcript; the ``dg>`` and ``...`` lines are typed in, the
  rest is what the REPL answers.
- ```` ```python run ````: runs as a Python program in a fresh directory.
- Any block whose info string names a file (```` ```json fixture.json ````) is written into
  the sample directory first, for the samples of the same page.

Other blocks (shell sessions, layouts, JSON shapes) illustrate and are not run.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
_FENCE = re.compile(r"^```(\S*)[ \t]*(.*)$")
_FILE_NAME = re.compile(r"^[\w.-]+\.\w+$")
_RUN_FLAGS = {"check", "test", "fails"}


@dataclass
class Block:
    page: Path
    line: int
    lang: str
    words: list[str]
    text: str

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"

    @property
    def file_name(self) -> str | None:
        return next((w for w in self.words if _FILE_NAME.match(w)), None)


def blocks(page: Path) -> list[Block]:
    found: list[Block] = []
    lines = page.read_text(encoding="utf-8").split("\n")
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if match is None:
            i += 1
            continue
        end = i + 1
        while end < len(lines) and not lines[end].startswith("```"):
            end += 1
        found.append(Block(page, i + 1, match.group(1), match.group(2).split(), "\n".join(lines[i + 1:end]) + "\n"))
        i = end + 1
    return found


def _shown_after(all_blocks: list[Block], index: int) -> str | None:
    """The ```output block right after block ``index`` (only blank lines between)."""
    if index + 1 >= len(all_blocks) or all_blocks[index + 1].lang != "output":
        return None
    here, following = all_blocks[index], all_blocks[index + 1]
    text = here.page.read_text(encoding="utf-8").split("\n")
    between = text[here.line + here.text.count("\n"):following.line - 1]
    return following.text if all(not line.strip() for line in between) else None


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLOUDBURST_", "XDG_"))}
    env["HOME"] = str(home)
    return env


def _run_deluge(block: Block, where: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    name = block.file_name or "sample.dg"
    (where / name).write_text(block.text, encoding="utf-8")
    flags = _RUN_FLAGS & set(block.words)
    command = "check" if "check" in flags else "test" if "test" in flags else "run"
    return subprocess.run([sys.executable, "-m", "cloudburst", command, name], cwd=where, env=env,
                          capture_output=True, text=True, timeout=120)


def _run_repl(block: Block) -> str:
    """Type the transcript's inputs into a REPL session as a terminal would (each input on
    its own, so errors name line 1 of it) and return what the session printed, in order."""
    from cloudburst.cli.repl import REPL_LIMITS
    from cloudburst.cli.repl.commands import execute
    from cloudburst.cli.repl.session import Session
    from cloudburst.engine import Runtime

    shown = io.StringIO()
    with Runtime(limits=REPL_LIMITS, network=False) as runtime:
        session = Session(runtime, out=shown, err=shown)
        inputs: list[list[str]] = []
        for line in block.text.split("\n"):
            if line.startswith("dg> ") and line[4:].strip():
                inputs.append([line[4:]])
            elif line.startswith("... ") and inputs:
                inputs[-1].append(line[4:])
        for typed in inputs:
            execute(session, "\n".join(typed))
    return shown.getvalue()


def _expected_repl(block: Block) -> str:
    kept = [line for line in block.text.split("\n")[2:]  # the command and the banner
            if line.strip() and not line.startswith(("dg>", "... "))]
    return "".join(line + "\n" for line in kept)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_samples_run_as_shown(page: Path, tmp_path: Path) -> None:
    all_blocks = blocks(page)
    env = _env(tmp_path / "home")
    (tmp_path / "home").mkdir()
    where = tmp_path / "samples"
    where.mkdir()
    for block in all_blocks:
        if block.lang not in ("deluge", "repl", "output") and block.file_name:
            (where / block.file_name).write_text(block.text, encoding="utf-8")
    for index, block in enumerate(all_blocks):
        shown = _shown_after(all_blocks, index)
        if block.lang == "deluge":
            proc = _run_deluge(block, where, env)
            if "fails" in block.words:
                assert proc.returncode != 0, f"{block.where}: the sample was meant to fail"
            else:
                assert proc.returncode == 0, f"{block.where}: {proc.stdout}{proc.stderr}"
            if shown is not None:
                assert proc.stdout + proc.stderr == shown, block.where
        elif block.lang == "repl":
            assert _run_repl(block) == _expected_repl(block), block.where
        elif block.lang == "python" and "run" in block.words:
            proc = subprocess.run([sys.executable, "-c", block.text], cwd=where, env=env, capture_output=True,
                                  text=True, timeout=120)
            assert proc.returncode == 0, f"{block.where}: {proc.stderr}"
            if shown is not None:
                assert proc.stdout == shown, block.where


def test_every_deluge_sample_is_marked_with_a_known_word() -> None:
    unknown = [f"{b.where}: {w}" for page in PAGES for b in blocks(page) if b.lang == "deluge"
               for w in b.words if w not in _RUN_FLAGS and not _FILE_NAME.match(w)]
    assert unknown == []


def test_every_page_has_runnable_samples_where_it_shows_deluge() -> None:
    """A bare fence holding Deluge would escape the test: Deluge is always marked."""
    statement = re.compile(r"^\s*(info |\w+ = .*;$|for each |if \()")
    bare = [b.where for page in PAGES for b in blocks(page)
            if b.lang == "" and any(statement.match(line) for line in b.text.split("\n"))]
    assert bare == []


_INTERNAL = re.compile(r"\bissue \d+\b|\bwork items?\b|\b(?:builtins|language|design)\.md §|\bthe brief\b",
                       re.IGNORECASE)


def test_user_docs_do_not_speak_of_how_the_project_was_made() -> None:
    found = [f"{page.relative_to(ROOT)}:{n}: {line.strip()}"
             for page in PAGES if page.name not in ("architecture.md", "design-notes.md")
             for n, line in enumerate(page.read_text(encoding="utf-8").split("\n"), start=1)
             if _INTERNAL.search(line)]
    assert found == []
