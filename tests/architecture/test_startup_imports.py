"""What ``cloudburst run`` of a plain script loads (start-up is measured: issue 14). A first
run of a new script parses and compiles, so it loads the front end, but not lark (the parse
runs from tables kept beside the grammar; lark is for syntax errors), and never the
Zoho tasks, the HTTP stack, the store, nor what lark imports for features our parse does
not use (``regex``; its grammar cache's ``hashlib``/``pickle``/``tempfile``); a cached run
loads none of the front end either. Run in a fresh interpreter: ``sys.modules`` of the
test process says nothing."""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
from pathlib import Path

import pytest

PLAIN = """\
names = {"Ada", "Grace"};
totals = Map();
for each name in names
{
    totals.put(name, name.length());
}
info totals;
"""

ZOHO_CALL = 'r = zoho.crm.getRecordById("Leads", 1);\n'

#: Never loaded by a run that calls no Zoho task, names no connection and sends no mail.
NEVER = ("httpx2", "httpx", "httpcore", "h11", "anyio", "sqlmodel", "sqlalchemy", "alembic", "cryptography",
         "regex", "hashlib", "_hashlib", "pickle", "tempfile", "shutil", "getpass", "pkgutil", "traceback", "linecache",
         "tokenize", "cloudburst.http", "cloudburst.connectors", "cloudburst.mail", "cloudburst.zoho.crm",
         "cloudburst.zoho.books", "cloudburst.zoho.creator", "cloudburst.zoho.invokeapi", "cloudburst.zoho.live",
         "cloudburst.zoho.wire", "smtplib", "email", "zoneinfo", "platformdirs", "asyncio", "xml", "json",
         # argparse (and the gettext and locale it loads) only for help, usage errors and subcommands:
         # cloudburst.cli.quickargs reads a plain `run FILE --option VALUE` line
         "argparse", "gettext", "locale", "cloudburst.cli.argtree",
         # the C datetime module without datetime.py's pure-Python half (cloudburst.datetime_types)
         "datetime", "encodings.utf_8_sig")
#: Not loaded by a cached run either: the script's compiled code is on disk. ``typing`` alone
#: was a tenth of a cached run: modules on that path import their typing names under
#: ``TYPE_CHECKING = False`` / ``if TYPE_CHECKING:`` (mypy reads that block; annotations are
#: strings with ``from __future__ import annotations``).
NOT_WHEN_CACHED = ("typing", "lark", "cloudburst.parser", "cloudburst.lexing", "cloudburst.nodes", "cloudburst.resolver",
                   "cloudburst.compiler", "cloudburst.pages", "ast", "logging", "dataclasses", "inspect", "random",
                   "difflib", "threading", "unicodedata")  # a run needs no more of threading than _thread gives

#: Not loaded by a first run that parses either, once the grammar's tables are kept.
NOT_WHEN_PARSED = ("lark", "cloudburst.larkimport", "cloudburst.lexing", "cloudburst.lalrtables", "typing",
                   "cloudburst.syntaxerrors", "logging", "dataclasses", "inspect")

_PROBE = """
import sys
from cloudburst.cli import main
status = main(sys.argv[1:])
modules = sorted(sys.modules)
import json
import marshal
print(json.dumps({"status": status, "modules": modules}))
"""


def _env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ, CLOUDBURST_CACHE_DIR=str(tmp / "cache"), XDG_DATA_HOME=str(tmp / "data"),
               XDG_CONFIG_HOME=str(tmp / "config"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _run(script: Path, tmp: Path) -> tuple[str, list[str]]:
    env = _env(tmp)
    done = subprocess.run([sys.executable, "-c", _PROBE, "run", str(script)], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    *info, last = done.stdout.strip().splitlines()
    report = json.loads(last)
    assert report["status"] == 0
    return "\n".join(info), report["modules"]


def _loaded(modules: list[str], names: tuple[str, ...]) -> list[str]:
    return [m for m in modules if any(m == n or m.startswith(n + ".") for n in names)]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, list[str]]]:
    tmp = tmp_path_factory.mktemp("startup")
    warm = tmp / "warm.dg"
    warm.write_text('info "warm";\n', encoding="utf-8")
    _run(warm, tmp)  # builds the indexes beside the cache (from the full stdlib and tasks) once
    script = tmp / "plain.dg"
    script.write_text(PLAIN, encoding="utf-8")
    first = _run(script, tmp)
    cached = _run(script, tmp)
    return {"first": first, "cached": cached}


@pytest.mark.parametrize("which", ["first", "cached"])
def test_a_plain_run_loads_no_zoho_task_http_store_or_regex(runs: dict[str, tuple[str, list[str]]],
                                                            which: str) -> None:
    output, modules = runs[which]
    assert output == '{"Ada":3,"Grace":5}'
    assert "cloudburst.engine" in modules  # the probe saw the run's modules
    assert _loaded(modules, NEVER) == []


def test_a_cached_run_loads_no_parser_or_compiler(runs: dict[str, tuple[str, list[str]]]) -> None:
    assert "cloudburst.parser" in runs["first"][1] and "cloudburst.compiler" in runs["first"][1]
    assert _loaded(runs["cached"][1], NOT_WHEN_CACHED) == []


def _second_run(probe: str, env: dict[str, str]) -> list[str]:
    """The words ``python -c probe`` prints when run a second time (after the first kept
    what it works out)."""
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", probe], env=env, check=True, capture_output=True, text=True,
                              timeout=120)
    return done.stdout.split()


def test_a_first_run_parses_without_lark(runs: dict[str, tuple[str, list[str]]]) -> None:
    assert "cloudburst.lalr" in runs["first"][1]
    assert _loaded(runs["first"][1], NOT_WHEN_PARSED) == []


def test_grammar_tables_are_kept(tmp_path: Path) -> None:
    """The driver's tables are kept beside the grammar's byte code: a later process parses
    with them and never imports lark."""
    env = _env(tmp_path)
    probe = ("import sys; from cloudburst.parser import parse; p = parse('x = 1;\\nif (x > 0) { info x; }'); "
             "print(len(p.body), 'lark' in sys.modules)")
    assert _second_run(probe, env) == ["2", "False"]


def test_kept_data_is_read_back_and_a_damaged_copy_is_rebuilt(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from cloudburst.script_cache import kept

    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    builds: list[int] = []

    def build() -> dict[str, object]:
        builds.append(1)
        return {"actions": [{"NAME": 3, "INT": ~1}], "first": "abc"}

    (tmp_path / "lalr-0123.bin").write_bytes(b"tables of an earlier grammar")
    first = kept(tmp_path, "lalr", (1, "grammar"), build)
    (saved,) = tmp_path.glob("lalr-*.bin")  # the earlier grammar's file is gone
    assert kept(tmp_path, "lalr", (1, "grammar"), build) == first and len(builds) == 1
    assert saved.stat().st_mode & 0o777 == 0o644 & ~_umask()  # readable like byte code
    saved.write_bytes(saved.read_bytes()[:5])
    assert kept(tmp_path, "lalr", (1, "grammar"), build) == first and len(builds) == 2
    assert marshal.loads(saved.read_bytes()) == first  # kept again
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    assert kept(tmp_path, "lalr", (2, "grammar"), build) == first and len(builds) == 3
    assert list(tmp_path.glob("lalr-*.bin")) == [saved]  # like byte code: not written
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    odd = {"name": type("Name", (str,), {})("start")}  # lark's Token: marshal refuses str subclasses
    assert kept(tmp_path, "lalr", (3, "grammar"), lambda: odd) is odd  # used, not kept
    assert list(tmp_path.glob("lalr-*.bin")) == [saved]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_zoho_call_still_finds_its_task(tmp_path: Path) -> None:
    """The task names come from an index; calling one loads the task, which asks for its
    connection (not "task not configured")."""
    script = tmp_path / "zoho.dg"
    script.write_text(ZOHO_CALL, encoding="utf-8")
    env = _env(tmp_path)
    for _ in range(2):  # building the index, then reading it
        done = subprocess.run([sys.executable, "-m", "cloudburst", "run", str(script)], env=env, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 1
        assert "zoho.dg:1:5: error: Zoho tasks need the connection store: no connection is saved yet" in done.stderr
    assert len(list((tmp_path / "cache").glob("zoho-tasks-*.bin"))) == 1


def test_record_initialisers_are_compiled_once_and_kept(tmp_path: Path) -> None:
    """cloudburst.frozen keeps each record's generated ``__init__`` code beside its byte code;
    a later process compiles none of them, and a damaged file or entry only means compiling again."""
    from cloudburst import frozen

    env = _env(tmp_path)
    probe = ("import cloudburst.nodes, cloudburst.frozen as f; from cloudburst.errors import Span; "
             "sp = Span(1, 2, 3, 4); print(len(f._INITS_STATE), sp.line, sp.end_column)")
    assert _second_run(probe, env) == ["1", "1", "4"]  # loaded, nothing compiled; the record works
    saved = Path(frozen._INITS_FILE)
    kept = saved.read_bytes()
    try:
        saved.write_bytes(b"not marshal data")
        damaged = subprocess.run([sys.executable, "-c", probe], env=env, check=True, capture_output=True, text=True,
                                 timeout=120)
        assert damaged.stdout.split() == ["2", "1", "4"]  # compiled again (and written back)
        saved.write_bytes(marshal.dumps({source: b"\x00" for source in marshal.loads(saved.read_bytes())}))
        broken = subprocess.run([sys.executable, "-c", probe], env=env, check=True, capture_output=True, text=True,
                                timeout=120)
        assert broken.stdout.split() == ["2", "1", "4"]  # each record's code is read on its own: damaged, compiled
    finally:
        saved.write_bytes(kept)


@pytest.mark.parametrize("owns_process", [True, False])
def test_the_program_freezes_its_start_up_out_of_the_collector(tmp_path: Path, owns_process: bool) -> None:
    """``cloudburst run`` as the whole process freezes what start-up built (the collector's
    passes and the one at exit then skip it); a host, a test or the REPL calling ``main``
    keeps its collector as it was."""
    script = tmp_path / "plain.dg"
    script.write_text(PLAIN, encoding="utf-8")
    probe = ("import gc, sys\nfrom cloudburst.cli import main\n"
             f"status = main(['run', sys.argv[1]], owns_process={owns_process})\n"
             "print(status, gc.get_freeze_count() > 1000, gc.isenabled())")
    done = subprocess.run([sys.executable, "-c", probe, str(script)], env=_env(tmp_path), capture_output=True,
                          text=True, timeout=120)
    assert done.stdout.splitlines()[-1] == f"0 {owns_process} True"


#: Loaded by the interpreter's start-up in this (editable) checkout, so only an installed
#: layout shows whether a run loads them: pathlib and what it imports were a fifth of an
#: installed ``cloudburst run``.
NOT_INSTALLED = ("pathlib", "urllib", "ipaddress", "fnmatch", "ntpath")


def test_an_installed_run_loads_no_pathlib(tmp_path: Path, installed_tree: Path) -> None:
    import sysconfig

    # -S: no site, so no editable-install hook and its imports; the dependencies stay reachable
    env = dict(_env(tmp_path), PYTHONPATH=os.pathsep.join([str(installed_tree), sysconfig.get_paths()["purelib"]]))
    for which, text in (("warm", 'info "warm";\n'), ("first", PLAIN), ("cached", PLAIN)):
        script = tmp_path / f"{which if which == 'warm' else 'plain'}.dg"
        script.write_text(text, encoding="utf-8")
        done = subprocess.run([sys.executable, "-S", "-c", _PROBE, "run", str(script)], env=env, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout.strip().splitlines()[-1])
        assert report["status"] == 0
        if which != "warm":  # the warm-up builds the indexes beside the cache (from every task module)
            assert _loaded(report["modules"], NOT_INSTALLED) == [], which
    assert "contextlib" not in report["modules"]  # a cached run's (a first run's ast loads it)
