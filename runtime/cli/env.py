"""The process environment as Cloudburst reads it.

This is the only module that knows the ``CLOUDBURST_*`` variables and where the key file
lives; every front door asks it, and hands plain values down to the library (which never
reads the environment itself).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["Env", "terminal_columns"]


class Env:
    """A read-only view of the environment (``os.environ`` unless a test hands in a mapping)."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ: Mapping[str, str] = os.environ if environ is None else environ

    def database_url(self, given: str | None = None) -> str | None:
        """The store URL: ``--db``, else ``$CLOUDBURST_DATABASE_URL``, else None (the default store)."""
        return given or self._environ.get("CLOUDBURST_DATABASE_URL") or None

    def store(self, given: str | None = None) -> str:
        """The ``store`` argument of :class:`~cloudburst.Runtime`: a URL or ``"default"``."""
        return self.database_url(given) or "default"

    def secret_keys(self) -> list[str] | None:
        """The keys in ``$CLOUDBURST_SECRET_KEY`` (comma-separated, newest first); None when
        unset, so the library falls back to the key file."""
        raw = self._environ.get("CLOUDBURST_SECRET_KEY")
        keys = [k.strip() for k in raw.split(",") if k.strip()] if raw else []
        return keys or None

    def key_file(self) -> Path:
        from cloudburst.connectors.secrets import default_key_file

        return default_key_file()

    def existing_keys(self) -> list[str] | None:
        """The keys without creating anything: from the environment or an existing key file."""
        keys = self.secret_keys()
        if keys is not None:
            return keys
        path = self.key_file()
        if not path.is_file():
            return None
        from cloudburst.connectors.secrets import load_keys

        return load_keys(None, path)

    def existing_database_url(self) -> str | None:
        """The store URL when the store is configured or its default file already exists."""
        url = self.database_url()
        if url is not None:
            return url
        from cloudburst.connectors.location import default_database_path

        path = default_database_path()
        return f"sqlite:///{path}" if path.is_file() else None

    def cache_dir(self) -> str:
        """Compiled scripts are cached per user (``$CLOUDBURST_CACHE_DIR`` overrides the place)."""
        override = self._environ.get("CLOUDBURST_CACHE_DIR")
        if override:
            return override
        return os.path.join(_user_cache_dir(), "scripts")

    def smtp_password(self) -> str | None:
        return self._environ.get("CLOUDBURST_SMTP_PASSWORD") or None

    def broker_url(self) -> str | None:
        """The Celery broker of ``worker`` and ``serve --executor celery`` (``$CLOUDBURST_BROKER_URL``)."""
        return self._environ.get("CLOUDBURST_BROKER_URL") or None

    def admin_token(self) -> str | None:
        """The token the server's JSON API asks for (``$CLOUDBURST_ADMIN_TOKEN``; never a flag,
        so it stays out of ``ps`` and the shell history)."""
        return self._environ.get("CLOUDBURST_ADMIN_TOKEN") or None

    def variable(self, name: str) -> str | None:
        """Any environment variable the user named on the command line (``--param-env``)."""
        return self._environ.get(name)


def _user_cache_dir() -> str:
    """``platformdirs.user_cache_dir("cloudburst")``, worked out directly on Linux (the XDG
    rule) because importing platformdirs costs more than a cached run's whole compile."""
    home = os.environ.get("HOME", "")
    if sys.platform == "linux" and os.path.isabs(home) and "ANDROID_DATA" not in os.environ:
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        return os.path.join(xdg if os.path.isabs(xdg) else os.path.join(home, ".cache"), "cloudburst")
    from platformdirs import user_cache_dir

    return user_cache_dir("cloudburst")


def terminal_columns() -> int:
    """The terminal's width as ``shutil.get_terminal_size`` reports it ($COLUMNS, else the
    terminal of standard output, else 80), without importing shutil."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80
