"""Where the user's default store lives. Its own module, free of SQLAlchemy, so asking
whether the store exists (a script in a fresh home, shell completion) stays cheap."""

from __future__ import annotations

from pathlib import Path

__all__ = ["default_database_path"]


def default_database_path() -> Path:
    """Where the default store lives: a SQLite file in the user data dir."""
    import platformdirs

    return Path(platformdirs.user_data_dir("cloudburst")) / "connections.db"
