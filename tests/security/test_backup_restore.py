"""An operator backs the portal up to one archive and restores it into a new, empty database."""

import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection

from cppcc_portal.core.audit import record_event
from cppcc_portal.core.backup import table_row_counts
from tests.factories import MemberFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]


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


def manage(*args, database_url, media_root):
    env = dict(os.environ, DATABASE_URL=database_url, MEDIA_ROOT=str(media_root), DEBUG="0")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
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


def test_backup_then_restore_into_an_empty_database_finds_every_row_and_file_once(
    portal_data, empty_database, tmp_path
):
    archive = tmp_path / "portal.tar.gz"
    call_command("backup", str(archive))
    counts = table_row_counts()
    assert counts["members_member"] == 3

    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert {"manifest.json", "database.dump", "media/duty/2017/evidence.pdf"} <= set(names)
    assert manifest["tables"]["members_member"] == 3
    assert set(manifest["files"]) == {"duty/2017/evidence.pdf", "proposals/回复.txt"}

    name, url = empty_database
    restored_media = tmp_path / "restored-media"
    result = manage("restore", str(archive), database_url=url, media_root=restored_media)
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
    again = manage("restore", str(archive), database_url=url, media_root=restored_media)
    assert again.returncode != 0
    assert "the database is not empty" in again.stderr
    assert "Traceback" not in again.stderr
    forced = manage("restore", str(archive), "--force", database_url=url, media_root=restored_media)
    assert forced.returncode == 0, forced.stderr


def test_restore_of_something_that_is_not_a_backup_fails_clearly(db, tmp_path):
    bogus = tmp_path / "notes.tar.gz"
    bogus.write_text("not an archive")
    result = manage("restore", str(bogus), database_url=os.environ["DATABASE_URL"], media_root=tmp_path)
    assert result.returncode != 0
    assert "is not a readable tar.gz archive" in result.stderr
    assert "Traceback" not in result.stderr

    missing = manage(
        "restore", str(tmp_path / "nope.tar.gz"), database_url=os.environ["DATABASE_URL"], media_root=tmp_path
    )
    assert missing.returncode != 0
    assert "no archive at" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_backup_to_a_folder_that_does_not_exist_fails_clearly(db, tmp_path):
    result = manage(
        "backup",
        str(tmp_path / "no" / "such" / "x.tar.gz"),
        database_url=os.environ["DATABASE_URL"],
        media_root=tmp_path,
    )
    assert result.returncode != 0
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_restore_notices_a_damaged_database_file(portal_data, empty_database, tmp_path):
    archive = tmp_path / "portal.tar.gz"
    call_command("backup", str(archive))
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "database.dump":
                data = data[:-10] + b"0123456789"
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    _, url = empty_database
    result = manage("restore", str(damaged), database_url=url, media_root=tmp_path / "m")
    assert result.returncode != 0
    assert "does not match its checksum" in result.stderr


def test_sqlite_backup_and_restore_round_trip(tmp_path):
    """The embedded mode: the database file is copied with SQLite's backup API."""
    env = dict(os.environ, VAR_DIR=str(tmp_path / "var"), MEDIA_ROOT=str(tmp_path / "media"))
    env.pop("DATABASE_URL")
    env.pop("REDIS_URL", None)
    run = lambda *a, **kw: subprocess.run(  # noqa: E731
        [sys.executable, "manage.py", *a],
        cwd=ROOT,
        env=kw.get("env", env),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run("migrate", "-v0").returncode == 0
    (tmp_path / "media" / "a").mkdir(parents=True)
    (tmp_path / "media" / "a" / "f.txt").write_text("x")
    assert run("backup", str(tmp_path / "b.tar.gz")).returncode == 0
    fresh = dict(env, VAR_DIR=str(tmp_path / "var2"), MEDIA_ROOT=str(tmp_path / "media2"))
    (tmp_path / "var2").mkdir()
    (tmp_path / "var2" / "secret_key").write_text((tmp_path / "var" / "secret_key").read_text())
    result = run("restore", str(tmp_path / "b.tar.gz"), env=fresh)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "media2" / "a" / "f.txt").read_text() == "x"
    assert settings.MEDIA_ROOT != tmp_path / "media2"
