"""lark, imported and loaded for what Cloudburst uses of it: the lark names the parser uses
come from here (imported first, so that lark is loaded this way).

Importing lark was most of a first run's start-up, much of it modules lark imports for
features our parse never reaches:

- ``regex`` (installed for ``replaceAll``/``matches`` with a timeout): lark imports it when
  installed only to offer ``Lark(regex=True)`` and Unicode categories in grammars; our
  grammar uses neither. Refused to lark's modules, so lark takes its ``re`` path, as on a
  machine without ``regex``.
- ``tempfile``, ``hashlib`` (OpenSSL), ``pickle``, ``getpass``, ``pkgutil`` (lark's own
  grammar cache and grammar imports), ``traceback`` (logging's, for formatting errors) and
  ``linecache``/``tokenize``/``token`` (inspect's, for reading source): the importing
  module gets a stand-in that imports the real module on the first attribute read.
  Our parser tables are cached by :func:`load` instead, so a parse never reads one.

Both apply only to imports made by those modules while lark itself is being imported
here; any other importer, in any thread, gets the real modules.
"""

from __future__ import annotations

import sys
import threading
from importlib import import_module
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = ["Lark", "Shift", "Token", "UnexpectedCharacters", "UnexpectedEOF", "UnexpectedInput", "UnexpectedToken",
           "load"]

_IMPORT_MACHINERY = ("importlib._bootstrap", "importlib._bootstrap_external")
_REFUSED = "regex"
_DEFERRED = frozenset({"tempfile", "hashlib", "pickle", "getpass", "pkgutil", "traceback", "linecache", "tokenize",
                       "token"})
#: Whose imports of those get stand-ins: lark, and the standard modules it loads that
#: import them for functions our parse never calls (logging's error formatting, inspect's
#: source reading, reached through dataclasses).
_IMPORTERS = ("lark", "logging", "inspect")
_LOCK = threading.Lock()


class _StandIn(ModuleType):
    """What lark holds for a deferred module until it first reads from it."""

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__") and attr.endswith("__"):  # the import system probing it
            raise AttributeError(attr)
        name = self.__name__
        with _LOCK:
            if sys.modules.get(name) is self:
                del sys.modules[name]
        return getattr(import_module(name), attr)


class _Finder:
    """A meta path finder (and loader) answering lark's (and logging's, inspect's) imports
    of the modules above."""

    @staticmethod
    def find_spec(name: str, path: Any = None, target: Any = None) -> ModuleSpec | None:
        if name != _REFUSED and name not in _DEFERRED:
            return None
        frame = sys._getframe(1)
        while frame is not None and frame.f_globals.get("__name__") in _IMPORT_MACHINERY:
            frame = frame.f_back  # type: ignore[assignment]
        importer = "" if frame is None else str(frame.f_globals.get("__name__", ""))
        if importer.split(".")[0] not in _IMPORTERS:
            return None
        if name == _REFUSED:
            raise ModuleNotFoundError("regex is not used by Cloudburst's grammar", name=name)
        return ModuleSpec(name, _Finder)  # type: ignore[arg-type]

    # -- as the stand-ins' loader --
    @staticmethod
    def create_module(spec: ModuleSpec) -> ModuleType:
        return _StandIn(spec.name)

    @staticmethod
    def exec_module(module: ModuleType) -> None:
        return None


sys.meta_path.insert(0, _Finder)
try:
    from lark import Lark, Token
    from lark import __version__ as _LARK_VERSION
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
    from lark.grammar import Rule
    from lark.lark import _LOAD_ALLOWED_OPTIONS
    from lark.lexer import TerminalDef
    from lark.parsers.lalr_analysis import IntParseTable, Reduce, Shift
    from lark.parsers.lalr_parser import LALR_Parser, _Parser
finally:
    sys.meta_path.remove(_Finder)
    for _name in _DEFERRED:
        if isinstance(sys.modules.get(_name), _StandIn):
            del sys.modules[_name]


class _LALRParser(LALR_Parser):
    """lark's LALR parser, reading its cached table faster: lark deserializes each reduce
    action's rule through its generic deserializer (a few thousand calls, a third of
    loading the parser); every one is a reference into the memo of rules, read directly."""

    @classmethod
    def deserialize(cls, data: Any, memo: Any, callbacks: Any, debug: bool = False) -> Any:  # type: ignore[override]
        tokens = data["tokens"]

        def rule(arg: Any) -> Any:
            return memo[arg["@"]] if "@" in arg else Rule.deserialize(arg, memo)

        states = {state: {tokens[token]: (Reduce, rule(arg)) if action == 1 else (Shift, arg)
                          for token, (action, arg) in actions.items()}
                  for state, actions in data["states"].items()}
        inst = cls.__new__(cls)
        inst._parse_table = IntParseTable(states, data["start_states"], data["end_states"])  # type: ignore[no-untyped-call,assignment]
        inst.parser = _Parser(inst._parse_table, callbacks, debug)
        return inst


def load(grammar: str, cache_dir: str | Path, options: dict[str, Any], **load_options: Any) -> Lark:
    """``Lark(grammar, **options, **load_options)`` (an LALR parser), its analysed tables
    kept in ``cache_dir`` as marshal data keyed by the grammar, the options and the lark and
    Python versions: lark's own cache (``cache=True``) hashes with hashlib and reads with
    pickle, the modules deferred above. ``load_options`` are those lark lets a loaded parser
    take (the transformer, plugins)."""
    from cloudburst.script_cache import kept

    load_options["_plugins"] = {"LALR_Parser": _LALRParser, **load_options.get("_plugins", {})}
    built: list[Lark] = []

    def build() -> dict[str, Any]:
        parser = Lark(grammar, cache=True, **options, **load_options)
        built.append(parser)
        data, memo = parser.memo_serialize([TerminalDef, Rule])
        data["options"] = {k: v for k, v in data["options"].items() if k not in _LOAD_ALLOWED_OPTIONS}
        return {"data": data, "memo": memo}

    cached = kept(cache_dir, "lark", (_LARK_VERSION, grammar, sorted(options.items())), build)
    if built:
        return built[0]
    return Lark._load_from_dict(cached["data"], cached["memo"], **load_options)  # type: ignore[no-untyped-call,no-any-return]
