"""Helpers of the backup tests: keys, the test database's URL, and re-sealing an altered backup."""

import base64
import io
import os
import subprocess
import sys
import tarfile
from pathlib import Path

from django.db import connection

from cppcc_portal.core.backup_crypto import decrypt_file, encrypt_file

ROOT = Path(__file__).resolve().parents[1]


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def database_url_for_tests(name: str | None = None) -> str:
    """The URL of the database the tests use (committed rows are what another process sees)."""
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{name or db['NAME']}"


def manage(*args, env: dict, timeout: int = 300) -> subprocess.CompletedProcess:
    """Run manage.py in its own process with the portal's settings and `env` on top (None unsets)."""
    full = {k: v for k, v in os.environ.items() if not k.startswith("BACKUP_")}
    full.update(DEBUG="0", DJANGO_SETTINGS_MODULE="cppcc_portal.settings")
    full.update(env)
    full = {k: v for k, v in full.items() if v is not None}  # None unsets a variable
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def reseal(backup: Path, key: str, change) -> None:
    """Decrypt a backup, let `change(name, data) -> data` alter its members, encrypt it again with `key`.

    What a backup made by a faulty program, or forged by someone holding the key, would look like.
    """
    work = backup.with_name(backup.name + ".work")
    work.mkdir()
    plain, altered = work / "plain.tar.gz", work / "altered.tar.gz"
    decrypt_file(backup, plain, [key])
    with tarfile.open(plain) as source, tarfile.open(altered, "w:gz") as target:
        for member in source.getmembers():
            data = change(member.name, source.extractfile(member).read())
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    encrypt_file(altered, backup, key)
    for path in work.iterdir():
        path.unlink()
    work.rmdir()
