"""Encryption at rest: MultiFernet over a key list (newest first) from the caller or a 0600 key file.

The library never reads environment variables; the CLI passes ``CLOUDBURST_SECRET_KEY`` in.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from cloudburst.connectors.errors import SecretKeyError

__all__ = ["SecretBox", "default_key_file", "generate_key", "load_keys", "write_key_file"]

CANARY_TEXT = "cloudburst-canary-v1"


class SecretBox:
    """Encrypts with the first key and decrypts with any of them."""

    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise SecretKeyError("no secret key given")
        fernets = []
        for number, key in enumerate(keys, start=1):
            try:
                fernets.append(Fernet(key.encode()))
            except (ValueError, TypeError):
                raise SecretKeyError(
                    f"secret key #{number} is not a valid Fernet key (44 characters of url-safe base64)"
                ) from None
        self._multi = MultiFernet(fernets)
        self.key_count = len(fernets)

    def encrypt(self, text: str) -> str:
        return self._multi.encrypt(text.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._multi.decrypt(token.encode()).decode()
        except InvalidToken:
            raise SecretKeyError("a stored secret cannot be decrypted with the configured secret key(s)") from None

    def rotate(self, token: str) -> str:
        """Re-encrypt ``token`` with the newest key."""
        try:
            return self._multi.rotate(token.encode()).decode()
        except InvalidToken:
            raise SecretKeyError("a stored secret cannot be decrypted with the configured secret key(s)") from None


def generate_key() -> str:
    return Fernet.generate_key().decode()


def default_key_file() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir("cloudburst")) / "secret.key"


def write_key_file(path: Path, keys: list[str]) -> None:
    """Write ``keys`` (one a line) atomically to ``path`` with mode 0600."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("\n".join(keys) + "\n")
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


def _create_key_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w") as handle:
        handle.write(generate_key() + "\n")


def load_keys(keys: list[str] | None, key_file: Path | None = None) -> list[str]:
    """The key list to use: ``keys`` when given, else the key file (created on first use)."""
    if keys is not None:
        cleaned = [k.strip() for k in keys if k.strip()]
        if not cleaned:
            raise SecretKeyError("the secret key list is empty")
        return cleaned
    path = key_file or default_key_file()
    if not path.exists():
        _create_key_file(path)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise SecretKeyError(f"key file {path} is readable by other users (mode {mode:o}); run: chmod 600 {path}")
    return _read_key_file(path)


def _read_key_file(path: Path) -> list[str]:
    """The keys in ``path``, one a line; a damaged file is named with what is wrong, since
    every stored secret depends on it."""
    try:
        text = path.read_bytes().decode("ascii")
    except OSError as exc:
        raise SecretKeyError(f"cannot read key file {path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise SecretKeyError(f"key file {path} is damaged: byte {exc.start + 1} is not text (a key file holds "
                             "one 44-character key a line); restore it from your backup") from None
    cleaned: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        key = line.strip()
        if not key:
            continue
        try:
            Fernet(key.encode())
        except (ValueError, TypeError):
            raise SecretKeyError(f"key file {path}, line {number}: not a valid key (a key is 44 characters of "
                                 "url-safe base64); restore the file from your backup") from None
        cleaned.append(key)
    if not cleaned:
        raise SecretKeyError(f"key file {path} holds no key")
    return cleaned
