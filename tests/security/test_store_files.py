"""Issue 10, defects 5 and 8: the store's files are owner-only, a damaged key file is named.

Before the fix ``connections.db`` (and its ``-wal``/``-shm`` files) was created 0644, and a
key file of random bytes gave ``internal error (UnicodeDecodeError); please report it``.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from cloudburst.connectors.errors import SecretKeyError
from cloudburst.connectors.secrets import generate_key, load_keys

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_store_and_its_wal_files_are_owner_only(tmp_path: Path) -> None:
    from cloudburst.connectors.service import ConnectorService

    db = tmp_path / "connections.db"
    old = os.umask(0o022)  # the usual umask, which made the file 0644
    try:
        svc = ConnectorService(f"sqlite:///{db}", secret_keys=[generate_key()])
        svc.create_connector("Acme CRM", link_name="acme", auth_type="api_key")
        created = [p for p in (db, tmp_path / "connections.db-wal", tmp_path / "connections.db-shm") if p.exists()]
        modes = {p.name: oct(mode(p)) for p in created}
        svc.close()
    finally:
        os.umask(old)
    assert db.name in modes and len(created) >= 2, modes
    assert all(m == oct(0o600) for m in modes.values()), modes


def test_the_default_store_directory_is_owner_only(tmp_path: Path) -> None:
    code = ("import os; os.umask(0o022)\n"
            "from cloudburst.connectors.database import default_database_url, default_database_path\n"
            "default_database_url(); print(oct(os.stat(default_database_path().parent).st_mode & 0o777))")
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == oct(0o700), out.stderr


#: Bytes as random as a damaged disk block, but the same in every pytest worker.
RANDOM_BYTES = bytes((i * 151 + 89) % 256 for i in range(64)) + b"\xff\xfe"


@pytest.mark.parametrize("content", [RANDOM_BYTES, b"not-a-key\n", b"\n\n"], ids=["random-bytes", "not-a-key", "empty"])
def test_a_damaged_key_file_is_named_with_the_problem(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "secret.key"
    path.write_bytes(content)
    path.chmod(0o600)
    with pytest.raises(SecretKeyError) as caught:
        load_keys(None, path)
    message = str(caught.value)
    assert str(path) in message and "Unicode" not in message and "internal error" not in message


def test_the_cli_reports_a_damaged_key_file_without_internal_error(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "HOME": str(tmp_path)}
    env.pop("CLOUDBURST_SECRET_KEY", None)
    env.pop("CLOUDBURST_DATABASE_URL", None)
    locate = "from cloudburst.connectors.secrets import default_key_file; print(default_key_file())"
    key_file = Path(subprocess.run([sys.executable, "-c", locate], env=env, capture_output=True, text=True,
                                   timeout=60).stdout.strip())
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_bytes(RANDOM_BYTES * 3)
    key_file.chmod(0o600)
    proc = subprocess.run([sys.executable, "-m", "cloudburst", "connection", "list"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert str(key_file) in proc.stderr and "damaged" in proc.stderr, proc.stderr
