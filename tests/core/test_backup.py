"""Scheduled, encrypted backups with a second copy and a retention, and the restore drill (等保 2.0 数据备份恢复).

The round trip runs the real drill: pg_dump of committed rows, pg_restore into a scratch database
on the same server, row counts compared with the manifest, the scratch database dropped.
"""

import datetime as dt
import hashlib
import json
import tarfile

import psycopg2
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django_celery_beat.models import PeriodicTask

from cppcc_portal import env as env_readers
from cppcc_portal.core import backup, backup_service, tasks
from cppcc_portal.core.backup import table_row_counts
from cppcc_portal.core.backup_service import BACKUP_TASK_NAME
from cppcc_portal.core.models import AuditEvent
from tests.backup_support import database_url_for_tests, manage, new_key, reseal
from tests.factories import MemberFactory, UserFactory


@pytest.fixture
def committed_data(transactional_db):
    """Members, a staff account and two uploaded files, committed so pg_dump sees them."""
    UserFactory(username="backup_staff")
    for i in range(3):
        MemberFactory(name=f"委员{i}")
    default_storage.save("duty/2017/evidence.pdf", ContentFile(b"%PDF-1.4 evidence"))
    default_storage.save("proposals/回复.txt", ContentFile("答复正文".encode()))


def only(folder, pattern):
    found = sorted(folder.glob(pattern))
    assert len(found) == 1, found
    return found[0]


def backup_events():
    return list(
        AuditEvent.objects.filter(action__startswith="backup.")
        .order_by("id")
        .values_list("action", "outcome")
    )


def scratch_databases():
    db = database_url_for_tests()
    with psycopg2.connect(db.rsplit("/", 1)[0] + "/postgres") as conn, conn.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE 'cppcc_drill_%'")
        return [row[0] for row in cursor.fetchall()]


def test_a_backup_is_encrypted_copied_off_site_and_the_restore_drill_finds_every_row_again(
    committed_data, backup_settings, capsys, monkeypatch
):
    counts = table_row_counts()
    # The scratch database this drill restores into (another pytest-xdist worker may drill meanwhile).
    drilled_into = []
    real_scratch_counts = backup.scratch_counts

    def scratch_counts(*args, name, **kwargs):
        drilled_into.append(name)
        return real_scratch_counts(*args, name=name, **kwargs)

    monkeypatch.setattr(backup, "scratch_counts", scratch_counts)
    call_command("backup")
    assert "copied to" in capsys.readouterr().out

    archive = only(backup_settings.BACKUP_DIR, "cppcc-backup-*.tar.gz.enc")
    manifest = json.loads(only(backup_settings.BACKUP_DIR, "cppcc-backup-*.manifest.json").read_text())
    # The second place holds the same bytes and the same manifest.
    assert (backup_settings.BACKUP_COPY_DIR / archive.name).read_bytes() == archive.read_bytes()
    assert (backup_settings.BACKUP_COPY_DIR / archive.name.replace(".tar.gz.enc", ".manifest.json")).exists()
    # Encrypted: neither a readable archive nor the names in it.
    assert not tarfile.is_tarfile(archive)
    assert b"manifest.json" not in archive.read_bytes()
    assert archive.stat().st_mode & 0o077 == 0
    # The manifest: time, every table's rows as committed, the file's SHA-256.
    assert manifest["tables"] == counts
    assert manifest["tables"]["members_member"] == 3
    assert manifest["sha256"] == hashlib.sha256(archive.read_bytes()).hexdigest()
    assert manifest["files"] == 2
    assert dt.datetime.fromisoformat(manifest["created_at"]) > dt.datetime.now(dt.UTC) - dt.timedelta(
        minutes=5
    )

    call_command("restore_drill")
    out = capsys.readouterr().out
    assert f"restore drill passed: {archive}" in out
    assert f"{len(counts)} tables and {sum(counts.values())} rows match the manifest, 2 files verified" in out
    assert len(drilled_into) == 1
    assert drilled_into[0] not in scratch_databases()  # the scratch database is gone again
    assert backup_events() == [("backup.made", "success"), ("backup.drill", "success")]
    made = AuditEvent.objects.get(action="backup.made")
    assert made.changes["sha256"] == manifest["sha256"]
    assert made.object_repr.startswith(BACKUP_TASK_NAME)


def test_the_drill_names_each_table_whose_restored_rows_differ_from_the_manifest(db, backup_settings):
    call_command("backup")
    archive = only(backup_settings.BACKUP_DIR, "*.tar.gz.enc")

    def one_more_migration_row(name, data):
        if name != "manifest.json":
            return data
        inner = json.loads(data)
        inner["tables"]["django_migrations"] += 1
        inner["tables"]["members_lost_table"] = 7
        return json.dumps(inner).encode()

    reseal(archive, backup_settings.BACKUP_KEY, one_more_migration_row)
    beside = only(backup_settings.BACKUP_DIR, "*.manifest.json")
    outer = json.loads(beside.read_text())
    beside.write_text(json.dumps(outer | {"sha256": hashlib.sha256(archive.read_bytes()).hexdigest()}))
    with pytest.raises(CommandError) as failure:
        call_command("restore_drill", str(archive))
    message = str(failure.value)
    assert "restore drill failed" in message
    assert "table django_migrations has" in message and "the backup had" in message
    assert "table members_lost_table is missing" in message
    assert "the manifest beside the backup differs from the one inside it" in message
    assert backup_events()[-1] == ("backup.drill", "failure")


def test_a_backup_is_refused_with_another_key_and_read_again_with_the_old_key_after_rotation(
    transactional_db, backup_settings
):
    call_command("backup")
    archive = only(backup_settings.BACKUP_DIR, "*.tar.gz.enc")
    first_key = backup_settings.BACKUP_KEY
    env = {
        "DATABASE_URL": database_url_for_tests(),
        "BACKUP_KEY": new_key(),
        "BACKUP_DIR": str(backup_settings.BACKUP_DIR),
    }
    refused = manage("restore_drill", env=env)
    assert refused.returncode != 0
    assert "restore drill failed" in refused.stderr
    assert "was encrypted with another key" in refused.stderr
    assert "Traceback" not in refused.stderr

    restore = manage("restore", str(archive), env=env)
    assert restore.returncode != 0 and "was encrypted with another key" in restore.stderr

    rotated = manage("restore_drill", str(archive), env=env | {"BACKUP_OLD_KEYS": first_key})
    assert rotated.returncode == 0, rotated.stderr
    assert "restore drill passed" in rotated.stdout


def test_a_changed_cut_or_extended_backup_is_detected_by_the_drill(db, backup_settings, tmp_path):
    call_command("backup")
    archive = only(backup_settings.BACKUP_DIR, "*.tar.gz.enc")
    original = archive.read_bytes()
    flipped = bytearray(original)
    flipped[len(original) // 2] ^= 0x01

    archive.write_bytes(bytes(flipped))
    with pytest.raises(CommandError, match="does not match the SHA-256 in .*manifest.json"):
        call_command("restore_drill")

    # A lone copy without its manifest: the encryption's own authentication catches it.
    lone = tmp_path / archive.name
    for data, expected in [
        (bytes(flipped), r"has been altered or damaged: part \d+ fails its authentication check"),
        (original[:-100], "damaged or altered"),
        (original[:32], "cut short"),  # the header alone
        (original + b"more", "has data appended after its end"),
    ]:
        lone.write_bytes(data)
        with pytest.raises(CommandError, match=expected):
            call_command("restore_drill", str(lone))
    lone.write_bytes(b"PK\x03\x04 a zip file")
    with pytest.raises(CommandError, match="is not an encrypted backup of this portal"):
        call_command("restore_drill", str(lone))
    lone.write_bytes(original)
    call_command("restore_drill", str(lone))
    assert backup_events().count(("backup.drill", "failure")) == 6


def test_retention_deletes_only_backups_older_than_the_setting_in_both_places(db, backup_settings):
    backup_settings.BACKUP_RETENTION_DAYS = 7
    now = dt.datetime.now(dt.UTC)
    old = f"cppcc-backup-{now - dt.timedelta(days=8):%Y%m%dT%H%M%SZ}"
    young = f"cppcc-backup-{now - dt.timedelta(days=6):%Y%m%dT%H%M%SZ}"
    kept_names = [
        f"{young}.tar.gz.enc",
        f"{young}.manifest.json",
        "notes.txt",  # not a backup: never touched
        "cppcc-backup-20000101T000000Z.tar.gz.enc.sig",  # not named like a backup either
    ]
    old_names = [f"{old}.tar.gz.enc", f"{old}.manifest.json", f"{old}-2.tar.gz.enc", f"{old}.tar.gz.enc.part"]
    for folder in (backup_settings.BACKUP_DIR, backup_settings.BACKUP_COPY_DIR):
        for name in kept_names + old_names:
            (folder / name).write_text("x")

    call_command("backup")

    for folder in (backup_settings.BACKUP_DIR, backup_settings.BACKUP_COPY_DIR):
        left = {p.name for p in folder.iterdir()}
        assert set(kept_names) <= left
        assert not set(old_names) & left
        assert len(left) == len(kept_names) + 2  # and the new backup with its manifest
    made = AuditEvent.objects.get(action="backup.made")
    assert sorted(made.changes["deleted"]) == sorted(old_names * 2)


def test_a_second_place_that_is_not_there_fails_the_backup_clearly_and_audited(db, backup_settings):
    backup_settings.BACKUP_COPY_DIR = backup_settings.BACKUP_COPY_DIR / "not-mounted"
    with pytest.raises(CommandError, match="BACKUP_COPY_DIR .*not-mounted is not a folder that exists"):
        call_command("backup")
    assert backup_events() == [("backup.failed", "failure")]
    assert "BACKUP_COPY_DIR" in AuditEvent.objects.get(action="backup.failed").note


def test_backup_without_a_key_says_to_set_backup_key(db, backup_settings):
    backup_settings.BACKUP_KEY = None
    with pytest.raises(CommandError, match="BACKUP_KEY is not set"):
        call_command("backup")
    assert not list(backup_settings.BACKUP_DIR.iterdir())


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"BACKUP_ENABLED": "1", "BACKUP_COPY_DIR": "/srv/offsite"}, "BACKUP_KEY is not set"),
        ({"BACKUP_ENABLED": "1", "BACKUP_KEY": "too-short"}, "BACKUP_KEY must be 32 random bytes"),
        ({"BACKUP_ENABLED": "1", "BACKUP_KEY": new_key()}, "BACKUP_COPY_DIR is not set"),
    ],
    # Fixed ids: a random key in an id would differ between pytest-xdist workers' collections.
    ids=["no-key", "short-key", "no-copy-dir"],
)
def test_backups_switched_on_without_what_they_need_stop_the_start_naming_the_variable(env, named, tmp_path):
    done = manage("check", env={"VAR_DIR": str(tmp_path / "var"), **env}, timeout=120)
    assert done.returncode != 0
    assert named in done.stderr


@pytest.mark.parametrize(
    ("name", "value", "reader", "named"),
    [
        (
            "BACKUP_COPY_DIR",
            "offsite",
            lambda: env_readers.env_path("BACKUP_COPY_DIR", None),
            "must be an absolute path",
        ),
        (
            "BACKUP_OLD_KEYS",
            "abc",
            lambda: env_readers.env_backup_keys("BACKUP_OLD_KEYS"),
            "must be 32 random bytes",
        ),
        (
            "BACKUP_KEY",
            new_key()[:-2],
            lambda: env_readers.env_backup_key("BACKUP_KEY", required=False),
            "must be 32 random bytes",
        ),
    ],
    ids=["relative-copy-dir", "bad-old-keys", "short-key"],
)
def test_a_backup_setting_that_cannot_be_read_is_refused_by_name(monkeypatch, name, value, reader, named):
    monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=f"{name} {named}"):
        reader()


def test_beat_runs_the_backup_daily_and_the_task_makes_none_while_backups_are_off(db, backup_settings):
    entry = PeriodicTask.objects.get(name=BACKUP_TASK_NAME)
    assert entry.task == "cppcc_portal.core.tasks.make_backup"
    assert (entry.crontab.minute, entry.crontab.hour, entry.crontab.day_of_week) == ("30", "2", "*")
    assert entry.enabled

    backup_settings.BACKUP_ENABLED = False
    assert "switched off" in tasks.make_backup()
    assert not list(backup_settings.BACKUP_DIR.iterdir())

    backup_settings.BACKUP_ENABLED = True
    name = tasks.make_backup()
    assert (backup_settings.BACKUP_DIR / name).is_file()
    assert (backup_settings.BACKUP_COPY_DIR / name).is_file()
    assert AuditEvent.objects.get(action="backup.made").changes["trigger"] == "beat"


def test_two_backups_made_in_the_same_second_are_both_kept(db, backup_settings):
    moment = dt.datetime(2026, 12, 6, 2, 30, tzinfo=dt.UTC)
    first = backup_service.make_backup(now=moment)
    second = backup_service.make_backup(now=moment)
    assert (first.path.name, second.path.name) == (
        "cppcc-backup-20261206T023000Z.tar.gz.enc",
        "cppcc-backup-20261206T023000Z-2.tar.gz.enc",
    )
    assert first.path.read_bytes() != second.path.read_bytes()
    assert {p.name for p in backup_settings.BACKUP_COPY_DIR.iterdir()} == {
        "cppcc-backup-20261206T023000Z.tar.gz.enc",
        "cppcc-backup-20261206T023000Z.manifest.json",
        "cppcc-backup-20261206T023000Z-2.tar.gz.enc",
        "cppcc-backup-20261206T023000Z-2.manifest.json",
    }
