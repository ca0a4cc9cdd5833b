"""Built-ins: FILE values (the objects ``invokeurl`` downloads and ``files:`` uploads)."""

from __future__ import annotations

from typing import Any

from cloudburst.stdlib.registry import builtin, expect
from cloudburst.values import DelugeFile, display


@builtin("setParamName", receiver="FILE", returns="NULL", tier=1,
         doc="Set the multipart field name used when the file is uploaded with invokeurl.")
def set_param_name(ctx: Any, file: DelugeFile, name: Any) -> None:
    file.param_name = expect("setParamName", name, "TEXT")


@builtin("setFileName", receiver="FILE", returns="NULL", tier=1, doc="Rename the file.")
def set_file_name(ctx: Any, file: DelugeFile, name: Any) -> None:
    file.name = expect("setFileName", name, "TEXT")


@builtin("getFileName", receiver="FILE", returns="TEXT", tier=2, doc="The file's name.")
def get_file_name(ctx: Any, file: DelugeFile) -> str:
    return file.name


@builtin("getFileSize", receiver="FILE", returns="NUMBER", tier=2, doc="The file's size in bytes.")
def get_file_size(ctx: Any, file: DelugeFile) -> int:
    return len(file.content)


@builtin("getFileContent", receiver="FILE", returns="TEXT", tier=2,
         doc="The file's content as UTF-8 text (undecodable bytes replaced).")
def get_file_content(ctx: Any, file: DelugeFile) -> str:
    return file.content.decode("utf-8", "replace")


@builtin("isFile", receiver="ANY", function=True, returns="BOOLEAN", tier=2,
         doc="True for a FILE value (such as an invokeurl download), false for anything else.")
def is_file(ctx: Any, value: Any) -> bool:
    return type(value) is DelugeFile


@builtin("toFile", receiver="TEXT", returns="FILE", tier=1,
         doc="Make a FILE named `name` holding the text (UTF-8).")
def to_file(ctx: Any, text: str, name: Any = "file.txt") -> DelugeFile:
    # As Java's getBytes(UTF-8): an unpaired surrogate (reachable through JSON) becomes '?'.
    return DelugeFile(display(expect("toFile", name, "TEXT")), text.encode("utf-8", "replace"), "text/plain")
