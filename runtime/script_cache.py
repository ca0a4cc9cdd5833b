"""An on-disk cache of compiled scripts, so running an unchanged script skips parsing and
compiling (and never imports the parser). Entries are keyed by a hash of everything that
affects compilation; a missing, stale or unreadable entry is simply recompiled.

Entries are written with :mod:`marshal` (code objects, plain data; Deluge constants such as
DECIMAL and date literals as tagged text), so reading one imports neither ``pickle`` nor
anything else: a cached run's start-up is what is measured.
"""

from __future__ import annotations

import marshal
import os
import sys
from _thread import get_ident
from decimal import Decimal

from cloudburst.datetime_types import dt as _dt

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, TypeVar

    #: A directory or file: the functions take str or Path, and use os.path, since pathlib
    #: (with the urllib.parse, ipaddress and fnmatch it loads) is a fifth of an installed
    #: ``cloudburst run``'s start-up.
    Where = str | os.PathLike[str]

try:  # BLAKE2 is built into the interpreter; hashlib would load OpenSSL first
    from _blake2 import blake2b as _hash
except ImportError:  # pragma: no cover - interpreters without the builtin module
    from hashlib import blake2b as _hash

__all__ = ["cache_key", "derived", "kept", "load", "store", "write_atomic"]

_FORMAT = 3

_ENCODE: dict[type, tuple[str, Callable[[Any], str]]] = {
    Decimal: ("decimal", str),
    _dt.datetime: ("datetime", _dt.datetime.isoformat),
    _dt.date: ("date", _dt.date.isoformat),
    _dt.time: ("time", _dt.time.isoformat),
}
_DECODE: dict[str, Callable[[str], Any]] = {
    "decimal": Decimal,
    "datetime": _dt.datetime.fromisoformat,
    "date": _dt.date.fromisoformat,
    "time": _dt.time.fromisoformat,
}
#: Constants marshal stores as they are; code objects are the chunks of a long script.
_PLAIN = (int, str, bool, float, type(None), type((lambda: None).__code__))


def cache_key(*parts: object) -> str:
    digest = _hash(digest_size=32)
    for part in (_FORMAT, sys.version_info[:2], *parts):
        digest.update(repr(part).encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def _encode(value: Any) -> tuple[str, Any]:
    if type(value) in _PLAIN:
        return ("", value)
    tag, text = _ENCODE[type(value)]  # KeyError: a constant the cache cannot hold
    return (tag, text(value))


def load(directory: Where, key: str) -> dict[str, Any] | None:
    try:
        with open(os.path.join(directory, f"{key}.bin"), "rb") as fh:
            entry = marshal.loads(fh.read())
        entry["constants"] = tuple(value if not tag else _DECODE[tag](value) for tag, value in entry["constants"])
    except Exception:  # any problem with the cache means "compile again"
        return None
    return entry if isinstance(entry, dict) else None


def store(directory: Where, key: str, entry: dict[str, Any]) -> None:
    """Write ``entry`` (see :func:`write_atomic`); a constant the cache cannot hold skips it."""
    try:
        data = marshal.dumps(dict(entry, constants=tuple(_encode(c) for c in entry["constants"])))
    except (KeyError, ValueError):
        return
    write_atomic(os.path.join(directory, f"{key}.bin"), data)


def write_atomic(path: Where, data: bytes, mode: int = 0o600) -> None:
    """Write atomically (a file of this process's own, then a rename) so concurrent runs never
    read half an entry; a cache that cannot be written is skipped silently. (Not tempfile:
    it loads ``random`` and ``shutil``, a tenth of a first run's start-up.) Private to the
    user unless ``mode`` says otherwise: compiled scripts may hold their text's secrets."""
    tmp = f"{os.fspath(path)}.{os.getpid()}.{get_ident()}.tmp"
    try:
        os.makedirs(os.path.dirname(tmp), exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass


if TYPE_CHECKING:
    _T = TypeVar("_T")
_DERIVED: dict[str, Any] = {}


def derived(cache_dir: Where | None, label: str, package_dir: str, build: Callable[[], Any],
            load: Callable[[Any], _T] = lambda data: data) -> _T:
    """What ``build()`` computes from the modules in ``package_dir`` (plain data, e.g. the
    names they define), kept in ``cache_dir`` and keyed by those files' names, sizes and
    modification times (as Python keys its byte code), so a run can know it without
    importing the modules; ``load`` turns the data into the value returned (memoized per
    process). Without ``cache_dir`` it is built each time."""
    if cache_dir is None:
        return load(build())
    key = f"{label}-{fingerprint(label, package_dir)}"
    if key in _DERIVED:
        return _DERIVED[key]  # type: ignore[no-any-return]
    path = os.path.join(cache_dir, f"{key}.bin")
    try:
        with open(path, "rb") as fh:
            data = marshal.loads(fh.read())
    except Exception:  # missing or unreadable: build it again
        data = build()
        write_atomic(path, marshal.dumps(data))
    value = _DERIVED[key] = load(data)
    return value


def fingerprint(label: str, package_dir: str) -> str:
    """A key for the ``.py`` files of ``package_dir`` as they are now."""
    from cloudburst import __version__

    files = []
    with os.scandir(package_dir) as entries:
        for item in entries:
            if item.name.endswith(".py"):
                st = item.stat()
                files.append((item.name, st.st_size, st.st_mtime_ns))
    return cache_key(label, __version__, sorted(files))[:32]


def kept(directory: Where, label: str, key_parts: tuple[Any, ...], build: Callable[[], Any]) -> Any:
    """The plain data ``build()`` works out from ``key_parts`` (a grammar, a library's
    version), kept in ``directory`` as ``label-KEY.bin`` so a later process reads it instead.
    Kept beside byte code and, like byte code, readable by every user of the installation and
    not written under ``PYTHONDONTWRITEBYTECODE``; files of other keys (an earlier grammar)
    are removed when a new one is written."""
    name = f"{label}-{cache_key(label, *key_parts)[:32]}.bin"
    path = os.path.join(directory, name)
    try:
        with open(path, "rb") as fh:
            return marshal.loads(fh.read())
    except Exception:  # missing, unreadable or cut short: build it again
        pass
    data = build()
    try:
        blob = marshal.dumps(data)
    except ValueError:  # a value marshal cannot hold: worked out again next time
        return data
    if not sys.dont_write_bytecode:
        try:
            with os.scandir(directory) as entries:
                stale = [e.path for e in entries
                         if e.name.startswith(f"{label}-") and e.name.endswith(".bin") and e.name != name]
        except OSError:
            stale = []
        for old in stale:
            try:
                os.unlink(old)
            except OSError:
                pass
        write_atomic(path, blob, 0o644)
    return data
