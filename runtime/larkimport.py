"""lark, imported without the third-party ``regex`` module: the lark names the parser uses
come from here (imported first, so that lark is loaded this way).

lark imports ``regex`` whenever it is installed (Cloudburst installs it for ``replaceAll``
and ``matches`` with a timeout) only to offer ``Lark(regex=True)`` and Unicode categories
(``\\p{..}``) in grammars. Our grammar uses neither, and loading ``regex`` was a third of
lark's import on every first run. While lark is imported here, a finder refuses ``regex``
to lark's own modules (only to them: any other importer, in any thread, gets it), so lark
takes its plain ``re`` path, as on a machine without ``regex``.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["Lark", "Shift", "Token", "UnexpectedCharacters", "UnexpectedEOF", "UnexpectedInput", "UnexpectedToken"]

_IMPORT_MACHINERY = ("importlib._bootstrap", "importlib._bootstrap_external")


class _NoRegexForLark:
    """A meta path finder that makes ``import regex`` fail inside lark's modules."""

    @staticmethod
    def find_spec(name: str, path: Any = None, target: Any = None) -> None:
        if name != "regex":
            return None
        frame = sys._getframe(1)
        while frame is not None and frame.f_globals.get("__name__") in _IMPORT_MACHINERY:
            frame = frame.f_back  # type: ignore[assignment]
        importer = "" if frame is None else str(frame.f_globals.get("__name__", ""))
        if importer == "lark" or importer.startswith("lark."):
            raise ModuleNotFoundError("regex is not used by Cloudburst's grammar", name=name)
        return None


_finder = _NoRegexForLark()
sys.meta_path.insert(0, _finder)
try:
    from lark import Lark, Token
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
    from lark.parsers.lalr_analysis import Shift
finally:
    sys.meta_path.remove(_finder)
