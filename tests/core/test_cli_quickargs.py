"""The quick command-line reader (``cloudburst.cli.quickargs``) against argparse: for every
command line it reads, it must give exactly argparse's arguments, and it must leave to
argparse every line argparse refuses (so help, errors and exit codes stay argparse's)."""

from __future__ import annotations

import argparse
import io
import random

import pytest

from cloudburst.cli import quickargs
from cloudburst.cli.argtree import build_parser
from cloudburst.cli.groups import GROUPS


def _argparse(group: str, argv: list[str]) -> dict[str, object] | None:
    """argparse's arguments for ``cloudburst GROUP ARGV`` (None when it refuses the line)."""
    parser = build_parser(io.StringIO(), io.StringIO(), group)
    try:
        return vars(parser.parse_args([group, *argv]))
    except Exception:  # the tree's parsers raise instead of exiting (usage errors, --help)
        return None


def _quick(group: str, argv: list[str]) -> dict[str, object] | None:
    args = quickargs.read(group, argv)
    return None if args is None else vars(args)


RUN_LINES = [
    ["hello.dg"],
    ["-"],
    ["hello.dg", "--json", "--no-cache", "--warnings", "--no-network", "--creator-forms"],
    ["--max-statements", "0", "--timeout", "2.5", "hello.dg"],
    ["hello.dg", "--max-statements=10", "--timeout=0"],
    ["hello.dg", "--arg", "a=1", "--arg=b:=[1]", "--arg", "input.Qty:=3", "--input", "in.json"],
    ["hello.dg", "--timezone", "Asia/Kolkata", "--integer-division", "decimal"],
    ["hello.dg", "--db", "sqlite:///x.db", "--records", "f.json", "--records-out", "out.json"],
    ["hello.dg", "--connection-for", "zoho.crm=crm", "--connection-for", "zoho=all", "--record", "rec"],
    ["hello.dg", "--replay", "rec"],
    ["hello.dg", "--smtp-host", "mail", "--smtp-port", "2525", "--smtp-starttls", "--smtp-user", "ann"],
    ["hello.dg", "--smtp-ssl", "--mail-outbox", "box"],
    ["hello.dg", "--timezone", ""],
]


@pytest.mark.parametrize("argv", RUN_LINES, ids=" ".join)
def test_run_lines_read_quickly_as_argparse_reads_them(argv: list[str]) -> None:
    quick = _quick("run", argv)
    assert quick is not None
    assert quick == _argparse("run", argv)


def test_the_run_defaults_are_argparse_s_and_a_repeated_option_does_not_share_its_default() -> None:
    first = quickargs.read("run", ["a.dg", "--arg", "x=1"])
    again = quickargs.read("run", ["b.dg"])
    assert first is not None and again is not None
    assert first.arg == ["x=1"] and again.arg == []
    assert vars(again) == _argparse("run", ["b.dg"])
    assert not hasattr(again, "db")  # argparse.SUPPRESS: only there when given


@pytest.mark.parametrize("argv", [
    ["hello.dg", "-h"], ["--help"], [], ["a.dg", "b.dg"], ["hello.dg", "--max-st", "3"], ["hello.dg", "--json=1"],
    ["hello.dg", "--max-statements", "-1"], ["hello.dg", "--max-statements", "x"], ["hello.dg", "--timeout"],
    ["hello.dg", "--integer-division", "floor"], ["hello.dg", "--", "x"], ["-5"], ["hello.dg", "--version"],
    ["hello.dg", "--input", "-"], ["hello.dg", "--smtp-port", "twenty"],
], ids=" ".join)
def test_lines_argparse_must_read_are_left_to_it(argv: list[str]) -> None:
    assert _quick("run", argv) is None


def test_check_reads_its_files_in_one_run_of_words() -> None:
    assert _quick("check", ["a.dg", "b.dg", "--quiet"]) == _argparse("check", ["a.dg", "b.dg", "--quiet"])
    assert _argparse("check", ["a.dg", "--quiet", "b.dg"]) is None
    assert _quick("check", ["a.dg", "--quiet", "b.dg"]) is None


def test_groups_with_subcommands_are_left_to_argparse() -> None:
    assert _quick("connector", ["list"]) is None
    assert _quick("test", ["."]) is None  # an optional list of paths


def _group_parser(group: str) -> argparse.ArgumentParser:
    parser = build_parser(io.StringIO(), io.StringIO(), group)
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[group]


_VALUES = ["a.dg", "b.dg", "-", "-1", "0", "1", "2.5", "x=1", "", "zoho=crm", "Asia/Tokyo"]


def _soup(sub: argparse.ArgumentParser, rng: random.Random) -> list[str]:
    """Any words: the group's options (whole, abbreviated, with ``=``), values, and the
    shapes argparse treats specially."""
    words = [*_VALUES, "--", "-h", "--j", "--no"]
    for action in sub._actions:
        for option in action.option_strings:
            words += [option, f"{option}=1", option[:5]]
        words += [str(c) for c in action.choices or ()]
    return [rng.choice(words) for _ in range(rng.randint(0, 6))]


def _well_formed(sub: argparse.ArgumentParser, rng: random.Random) -> list[str]:
    """Options with values of their kind and positionals in between: mostly lines argparse takes."""
    positionals = [a for a in sub._actions if not a.option_strings]
    optionals = [a for a in sub._actions if a.option_strings]
    chosen = positionals + rng.sample(optionals, min(len(optionals), rng.randint(0, 5)))
    rng.shuffle(chosen)
    argv: list[str] = []
    for action in chosen:
        if not action.option_strings:
            words = [str(c) for c in action.choices] if action.choices else ["a.dg", "b.dg", "-"]
            argv += [rng.choice(words) for _ in range(1 if action.nargs is None else rng.randint(1, 3))]
            continue
        option = rng.choice(action.option_strings)
        if action.nargs == 0:
            argv.append(option)
            continue
        value = str(rng.choice(action.choices)) if action.choices else rng.choice(_VALUES)
        argv += [f"{option}={value}"] if rng.random() < 0.3 else [option, value]
    return argv


@pytest.mark.parametrize("group", GROUPS)
def test_random_lines_read_quickly_are_read_as_argparse_reads_them(group: str) -> None:
    sub = _group_parser(group)
    rng = random.Random(group)
    read = 0
    for i in range(600):
        argv = (_soup if i % 2 else _well_formed)(sub, rng)
        quick = _quick(group, argv)
        if quick is not None:
            read += 1
            assert quick == _argparse(group, argv), argv
    if group in ("run", "check", "fmt", "serve", "worker", "lsp", "repl", "completion"):
        assert read > 30  # the reader really reads this group's lines
