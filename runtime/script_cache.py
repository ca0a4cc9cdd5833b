"""An on-disk cache of compiled scripts, so running an unchanged script skips parsing and
compiling (and never imports the parser). Entries are keyed by a hash of everything that
affects compilation; a missing, stale or unreadable entry is simply recompiled."""

from __future__ import annotations

import hashlib
import marshal
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["cache_key", "load", "store"]

_FORMAT = 2


def cache_key(*parts: object) -> str:
    digest = hashlib.sha256()
    for part in (_FORMAT, sys.version_info[:2], *parts):
        digest.update(repr(part).encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def load(directory: Path, key: str) -> dict[str, Any] | None:
    try:
        with open(directory / f"{key}.bin", "rb") as fh:
            entry = pickle.load(fh)
        entry["code"] = marshal.loads(entry["code"])
    except Exception:  # any problem with the cache means "compile again"
        return None
    return entry if isinstance(entry, dict) else None


def store(directory: Path, key: str, entry: dict[str, Any]) -> None:
    """Write atomically (temp file + rename) so concurrent runs never read half an entry;
    a cache that cannot be written is skipped silently."""
    data = dict(entry, code=marshal.dumps(entry["code"]))
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, directory / f"{key}.bin")
    except OSError:
        return
