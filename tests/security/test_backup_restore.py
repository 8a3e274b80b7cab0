"""An operator restores an encrypted backup into a new, empty database (docs/backup.md)."""

import json
import os
import tarfile
import uuid

import psycopg2
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from cppcc_portal.core.audit import record_event
from cppcc_portal.core.backup import table_row_counts
from cppcc_portal.core.backup_crypto import decrypt_file
from tests.backup_support import manage as run_manage
from tests.backup_support import new_key, reseal
from tests.factories import MemberFactory, UserFactory


def _admin_dsn(dbname="postgres"):
    db = connection.settings_dict
    return {"host": db["HOST"], "port": db["PORT"] or 5432, "user": db["USER"], "dbname": dbname}


@pytest.fixture
def empty_database():
    """A newly created database with no tables, dropped after the test."""
    name = f"cppcc_restore_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(**_admin_dsn())
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{name}"
    yield name, url
    admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def manage(*args, database_url, media_root, key):
    return run_manage(
        *args, env={"DATABASE_URL": database_url, "MEDIA_ROOT": str(media_root), "BACKUP_KEY": key}
    )


@pytest.fixture
def portal_data(transactional_db):
    """Members, an audit row and two uploaded files, committed so pg_dump sees them."""
    staff = UserFactory(username="backup_staff")
    members = [MemberFactory(name=f"委员{i}") for i in range(3)]
    record_event(actor=staff, action="member.updated", obj=members[0], changes={"name": ["甲", "乙"]})
    default_storage.save("duty/2017/evidence.pdf", ContentFile(b"%PDF-1.4 evidence"))
    default_storage.save("proposals/回复.txt", ContentFile("答复正文".encode()))
    return members


def only_backup(folder):
    [archive] = folder.glob("*.tar.gz.enc")
    return archive


def test_backup_then_restore_into_an_empty_database_finds_every_row_and_file_once(
    portal_data, empty_database, backup_settings, tmp_path
):
    counts = table_row_counts()
    assert counts["members_member"] == 3
    call_command("backup")
    archive = only_backup(backup_settings.BACKUP_DIR)
    key = backup_settings.BACKUP_KEY

    plain = tmp_path / "plain.tar.gz"
    decrypt_file(archive, plain, [key])
    with tarfile.open(plain) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert {"manifest.json", "database.dump", "media/duty/2017/evidence.pdf"} <= set(names)
    assert manifest["tables"]["members_member"] == 3
    assert set(manifest["files"]) == {"duty/2017/evidence.pdf", "proposals/回复.txt"}

    name, url = empty_database
    restored_media = tmp_path / "restored-media"
    result = manage("restore", str(archive), database_url=url, media_root=restored_media, key=key)
    assert result.returncode == 0, result.stderr
    assert "verified against the manifest" in result.stdout

    with psycopg2.connect(**_admin_dsn(name)) as conn, conn.cursor() as cursor:
        for table, expected in counts.items():
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            assert cursor.fetchone()[0] == expected, table
        cursor.execute("SELECT name FROM members_member ORDER BY name")
        assert [row[0] for row in cursor.fetchall()] == ["委员0", "委员1", "委员2"]
        cursor.execute("SELECT action, ip_address FROM core_auditevent")
        assert cursor.fetchall() == [("member.updated", None)]
    assert (restored_media / "duty/2017/evidence.pdf").read_bytes() == b"%PDF-1.4 evidence"
    assert (restored_media / "proposals/回复.txt").read_text() == "答复正文"

    # A second restore into the now filled database is refused, unless forced.
    again = manage("restore", str(archive), database_url=url, media_root=restored_media, key=key)
    assert again.returncode != 0
    assert "the database is not empty" in again.stderr
    assert "Traceback" not in again.stderr
    forced = manage("restore", str(archive), "--force", database_url=url, media_root=restored_media, key=key)
    assert forced.returncode == 0, forced.stderr


def test_restore_of_something_that_is_not_a_backup_fails_clearly(db, tmp_path):
    bogus = tmp_path / "notes.tar.gz"
    bogus.write_text("not an archive")
    here = os.environ["DATABASE_URL"]
    result = manage("restore", str(bogus), database_url=here, media_root=tmp_path, key=new_key())
    assert result.returncode != 0
    assert "is not an encrypted backup of this portal" in result.stderr
    assert "Traceback" not in result.stderr

    missing = manage(
        "restore", str(tmp_path / "nope.enc"), database_url=here, media_root=tmp_path, key=new_key()
    )
    assert missing.returncode != 0
    assert "no backup at" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_backup_creates_its_folder_and_fails_clearly_where_a_file_is_in_the_way(
    db, backup_settings, tmp_path
):
    backup_settings.BACKUP_DIR = tmp_path / "new" / "backups"
    call_command("backup")
    assert len(list(backup_settings.BACKUP_DIR.glob("*.tar.gz.enc"))) == 1
    assert backup_settings.BACKUP_DIR.stat().st_mode & 0o077 == 0

    (tmp_path / "a-file").write_text("x")
    backup_settings.BACKUP_DIR = tmp_path / "a-file"
    with pytest.raises(CommandError, match="BACKUP_DIR .*a-file cannot be created"):
        call_command("backup")


def test_restore_notices_a_damaged_database_file(portal_data, empty_database, backup_settings, tmp_path):
    call_command("backup")
    archive = only_backup(backup_settings.BACKUP_DIR)
    # Re-encrypted with the right key, so only the manifest's checksum can catch it.
    reseal(
        archive,
        backup_settings.BACKUP_KEY,
        lambda name, data: data[:-10] + b"0123456789" if name == "database.dump" else data,
    )
    _, url = empty_database
    result = manage(
        "restore", str(archive), database_url=url, media_root=tmp_path / "m", key=backup_settings.BACKUP_KEY
    )
    assert result.returncode != 0
    assert "does not match its checksum" in result.stderr


def test_sqlite_backup_restore_drill_and_restore_round_trip(tmp_path):
    """The embedded mode: the database file is copied with SQLite's backup API, drilled into a temp file."""
    backups, offsite = tmp_path / "backups", tmp_path / "offsite"
    backups.mkdir()
    offsite.mkdir()
    env = {
        "VAR_DIR": str(tmp_path / "var"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "BACKUP_KEY": new_key(),
        "BACKUP_DIR": str(backups),
        "BACKUP_COPY_DIR": str(offsite),
        "BACKUP_ENABLED": "1",
        # Unset: the embedded default.
        "DATABASE_URL": None,
        "REDIS_URL": None,
    }
    assert run_manage("migrate", "-v0", env=env).returncode == 0
    (tmp_path / "media" / "a").mkdir(parents=True)
    (tmp_path / "media" / "a" / "f.txt").write_text("x")
    made = run_manage("backup", env=env)
    assert made.returncode == 0, made.stderr
    archive = only_backup(backups)
    assert (offsite / archive.name).is_file()

    drill = run_manage("restore_drill", env=env)
    assert drill.returncode == 0, drill.stderr
    assert "restore drill passed" in drill.stdout and "1 files verified" in drill.stdout

    fresh = env | {"VAR_DIR": str(tmp_path / "var2"), "MEDIA_ROOT": str(tmp_path / "media2")}
    (tmp_path / "var2").mkdir()
    (tmp_path / "var2" / "secret_key").write_text((tmp_path / "var" / "secret_key").read_text())
    result = run_manage("restore", str(archive), env=fresh)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "media2" / "a" / "f.txt").read_text() == "x"
    assert settings.MEDIA_ROOT != tmp_path / "media2"
