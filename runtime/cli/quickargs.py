"""A command line of a group without subcommands (``run FILE --json ...``), read without
argparse: importing argparse and building the group's parser was a third of a cached
run's start-up. The group's own ``configure`` describes its options to a recorder, so the
options have one definition. Only the plain forms are read here (whole option names,
``--opt VALUE`` or ``--opt=VALUE``, values and positionals not starting with ``-``); for
anything else (help, abbreviations, a bad value, a missing argument) :func:`read` answers
None and argparse reads the line, so its help, errors and exit codes stay the same."""

from __future__ import annotations

from importlib import import_module
from types import SimpleNamespace

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable

__all__ = ["read"]

_KWARGS = frozenset({"action", "default", "type", "choices", "metavar", "help", "dest", "required", "nargs"})


class _Unsupported(Exception):
    """The group's parser uses an argparse feature this reader does not model."""


class _Action:
    __slots__ = ("dest", "kind", "default", "convert", "choices", "required", "many")

    def __init__(self, dest: str, kind: str, default: Any, convert: Callable[[str], Any] | None,
                 choices: Any, required: bool, many: bool) -> None:
        self.dest, self.kind, self.default, self.convert = dest, kind, default, convert
        self.choices, self.required, self.many = choices, required, many

    def value(self, text: str) -> Any:
        """``text`` converted and checked as argparse would; raises when argparse would refuse it."""
        value = text if self.convert is None else self.convert(text)
        if self.choices is not None and value not in self.choices:
            raise ValueError(text)
        return value


class _Recorder:
    """Stands in for the group's ArgumentParser (and its argument groups) in ``configure``."""

    #: Stands for ``argparse.SUPPRESS`` (a default meaning "no attribute unless given"), which
    #: argparse compares by identity: option definitions read it from their parser.
    SUPPRESS = object()

    def __init__(self) -> None:
        self.options: dict[str, _Action] = {}
        self.positionals: list[_Action] = []
        self.actions: list[_Action] = []
        self.defaults: dict[str, Any] = {}

    def add_argument(self, *names: str, **kwargs: Any) -> None:
        if not names or not kwargs.keys() <= _KWARGS:
            raise _Unsupported(names)
        kind = kwargs.get("action") or "store"
        nargs = kwargs.get("nargs")
        if kind not in ("store", "store_true", "append") or nargs not in (None, "+") or (nargs and kind != "store"):
            raise _Unsupported(names)
        default = kwargs.get("default", False if kind == "store_true" else None)
        if (kind == "append" and not (default is None or type(default) is list)) \
                or (isinstance(default, str) and kwargs.get("type") is not None):  # argparse would convert it
            raise _Unsupported(names)
        optional = names[0].startswith("-")
        if optional:
            longs = [n for n in names if n.startswith("--")]
            dest = kwargs.get("dest") or (longs or names)[0].lstrip("-").replace("-", "_")
        else:
            dest = names[0]
        if "default" not in kwargs and dest in self.defaults:
            default = self.defaults[dest]
        action = _Action(dest, kind, default, kwargs.get("type"), kwargs.get("choices"),
                         kwargs.get("required", not optional), nargs == "+")
        self.actions.append(action)
        if optional:
            self.options.update(dict.fromkeys(names, action))
        elif self.positionals and (action.many or self.positionals[0].many):
            raise _Unsupported(names)  # how argparse shares words between such positionals is not modelled
        else:
            self.positionals.append(action)

    def add_argument_group(self, *_title: str, **_description: str) -> _Recorder:
        return self

    def set_defaults(self, **defaults: Any) -> None:
        self.defaults.update(defaults)
        for action in self.actions:
            if action.dest in defaults:
                action.default = defaults[action.dest]

    def __getattr__(self, name: str) -> Any:
        raise _Unsupported(name)  # subcommands, exclusive groups, ...


def read(group: str, argv: list[str]) -> SimpleNamespace | None:
    """The arguments of ``cloudburst GROUP ARGV...`` as argparse would parse them, or None
    when argparse must read them (see the module's docstring)."""
    recorder = _Recorder()
    try:
        import_module(f"cloudburst.cli.{group.replace('-', '_')}").configure(recorder)
    except _Unsupported:
        return None
    try:
        values = _parse(recorder, argv)
    except Exception:  # a value argparse refuses (or reports): let it say so
        return None
    if values is None:
        return None
    return SimpleNamespace(version=False, group=group, **values)


def _parse(recorder: _Recorder, argv: list[str]) -> dict[str, Any] | None:
    values: dict[str, Any] = {}
    for action in recorder.actions:
        if action.default is not recorder.SUPPRESS and action.dest not in values:
            values[action.dest] = action.default
    for dest, default in recorder.defaults.items():
        values.setdefault(dest, default)
    given: set[_Action] = set()
    positionals = iter(recorder.positionals)
    current: _Action | None = None  # a "+" positional still taking words
    closed = False  # an option came after that positional's words
    i = 0
    while i < len(argv):
        word = argv[i]
        i += 1
        if word.startswith("-") and word != "-":
            option, explicit = recorder.options.get(word), None
            if option is None and "=" in word:
                name, _, explicit = word.partition("=")
                option = recorder.options.get(name)
            if option is None or (explicit is not None and option.kind == "store_true"):
                return None
            closed = current is not None
            if option.kind == "store_true":
                values[option.dest] = True
            else:
                if explicit is None:
                    if i == len(argv) or argv[i].startswith("-"):
                        return None
                    explicit = argv[i]
                    i += 1
                value = option.value(explicit)
                values[option.dest] = [*(values.get(option.dest) or ()), value] if option.kind == "append" else value
            given.add(option)
            continue
        if current is not None and not closed:
            values[current.dest].append(current.value(word))
            continue
        positional = next(positionals, None)
        if positional is None:
            return None
        values[positional.dest] = [positional.value(word)] if positional.many else positional.value(word)
        given.add(positional)
        current = positional if positional.many else None
    return values if all(a in given for a in recorder.actions if a.required) else None
