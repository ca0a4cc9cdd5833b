"""The ``cloudburst`` command tree as completion needs it: every command path with its
subcommands, options and positional arguments, read from the argparse tree itself so a new
option completes without anyone touching the shell scripts."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

__all__ = ["Option", "Node", "walk", "CONNECTORS", "CONNECTIONS", "FILES"]

#: What a value completes to: names from the store, or files.
CONNECTORS = "connectors"
CONNECTIONS = "connections"
FILES = "files"

_FILE_DESTS = frozenset({"file", "files", "path", "paths", "script", "source"})


@dataclass(frozen=True)
class Option:
    flags: tuple[str, ...]
    help: str
    #: Takes a value (``--db URL``), so the next word is not a positional.
    takes_value: bool
    #: What its value completes to (one of the constants above), or None.
    values: str | None
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Node:
    """One command (``()`` is ``cloudburst`` itself, ``("connection", "show")`` a subcommand)."""

    path: tuple[str, ...]
    commands: tuple[tuple[str, str], ...]  # (name, help)
    options: tuple[Option, ...]
    #: What each positional completes to (as an option's value: names or files, and
    #: choices); the last repeats when ``repeats``.
    positionals: tuple[tuple[str | None, tuple[str, ...]], ...]
    repeats: bool


def walk(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> list[Node]:
    """Every node under ``parser``, parents before children."""
    commands: list[tuple[str, str]] = []
    children: list[tuple[str, argparse.ArgumentParser]] = []
    options: list[Option] = []
    positionals: list[tuple[str | None, tuple[str, ...]]] = []
    repeats = False
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help or "" for a in action._choices_actions}
            for name, child in action.choices.items():
                if name in helps:  # aliases and hidden commands have no help row
                    commands.append((name, _one_line(helps[name])))
                    children.append((name, child))
        elif action.help == argparse.SUPPRESS:
            continue
        elif action.option_strings:
            takes = action.nargs != 0
            options.append(Option(tuple(action.option_strings), _one_line(action.help or ""), takes,
                                  _values(path, action) if takes else None, _choices(action)))
        else:
            positionals.append((_values(path, action), _choices(action)))
            repeats = action.nargs in ("+", "*", argparse.REMAINDER)
    nodes = [Node(path, tuple(commands), tuple(options), tuple(positionals), repeats)]
    for name, child in children:
        nodes.extend(walk(child, (*path, name)))
    return nodes


def _values(path: tuple[str, ...], action: argparse.Action) -> str | None:
    """What an argument's value names: link names by where it is (``connection show
    LINK_NAME``, ``--connector``; a ``--link-name`` option gives a new one), files by its name."""
    dest = action.dest
    group = path[0] if path else ""
    if dest == "connector":
        return CONNECTORS
    if dest == "link_name" and not action.option_strings and group in ("connector", "connection"):
        return CONNECTORS if group == "connector" else CONNECTIONS
    metavar = str(action.metavar or "")
    if dest in _FILE_DESTS or "FILE" in metavar or metavar in ("DIR", "PATH"):
        return FILES
    return None


def _choices(action: argparse.Action) -> tuple[str, ...]:
    return tuple(str(c) for c in action.choices or ())


def _one_line(text: str) -> str:
    return " ".join(text.split()).replace("%%", "%")
