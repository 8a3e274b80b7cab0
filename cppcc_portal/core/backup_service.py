"""The backup service: scheduled encrypted backups, their second copy, retention, and the restore drill.

`make_backup` writes `cppcc-backup-<UTC time>.tar.gz.enc` (core.backup) into BACKUP_DIR with a
`….manifest.json` beside it (time, row counts per table, SHA-256 and size of the encrypted file,
the key's fingerprint), copies both to BACKUP_COPY_DIR and checks the copy's SHA-256, then deletes
the backups older than BACKUP_RETENTION_DAYS in both places. `restore_drill` decrypts a backup,
restores it into a scratch database and compares every table's row count with the manifest.
Both write an audit event (core.audit) whatever their outcome.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from cppcc_portal.core import backup
from cppcc_portal.core.audit import record_event
from cppcc_portal.core.backup_crypto import BackupError, fingerprint
from cppcc_portal.core.models import AuditEvent

BACKUP_TASK_NAME = "backup: encrypted backup of the database and the uploaded files"
PREFIX = "cppcc-backup-"
ARCHIVE_SUFFIX = ".tar.gz.enc"
MANIFEST_SUFFIX = ".manifest.json"
STAMP = "%Y%m%dT%H%M%SZ"
# cppcc-backup-20261206T023000Z(-2).tar.gz.enc or ….manifest.json (and their unfinished .part files)
NAME_PATTERN = re.compile(
    rf"^{PREFIX}(?P<stamp>\d{{8}}T\d{{6}}Z)(?:-\d+)?(?:{re.escape(ARCHIVE_SUFFIX)}|{re.escape(MANIFEST_SUFFIX)})"
    r"(?:\.part)?$"
)


@dataclass
class BackupResult:
    path: Path
    copy: Path
    manifest: dict
    deleted: list[Path]


@dataclass
class DrillResult:
    path: Path
    tables: int
    rows: int
    files: int


def keys() -> list[str]:
    """The key new backups are encrypted with, then the earlier ones still accepted for reading."""
    return [key for key in [settings.BACKUP_KEY, *settings.BACKUP_OLD_KEYS] if key]


def _job():
    """The audit events' subject: the backup job's beat entry (an unsaved one if staff removed it)."""
    from django_celery_beat.models import PeriodicTask

    return PeriodicTask.objects.filter(name=BACKUP_TASK_NAME).first() or PeriodicTask(name=BACKUP_TASK_NAME)


def _audit(action: str, *, ok: bool, changes: dict, note: str = "") -> None:
    outcome = AuditEvent.Outcome.SUCCESS if ok else AuditEvent.Outcome.FAILURE
    with transaction.atomic():
        record_event(actor=None, action=action, obj=_job(), changes=changes, note=note, outcome=outcome)


def _folder(path: Path | None, setting: str) -> Path:
    if path is None:
        raise BackupError(f"{setting} is not set: say where backups go (docs/backup.md)")
    if not Path(path).is_dir():
        raise BackupError(f"{setting} {path} is not a folder that exists (is the share mounted?)")
    return Path(path)


def _own_folder() -> Path:
    """BACKUP_DIR, created (readable by the portal's account only) on the first backup."""
    folder = Path(settings.BACKUP_DIR)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"BACKUP_DIR {folder} cannot be created: {exc.strerror or exc}") from None
    return _folder(folder, "BACKUP_DIR")


def _stamp_of(path: Path) -> dt.datetime | None:
    match = NAME_PATTERN.match(path.name)
    if not match:
        return None
    return dt.datetime.strptime(match["stamp"], STAMP).replace(tzinfo=dt.UTC)


def _copy_checked(source: Path, folder: Path, sha256: str | None = None) -> Path:
    target = folder / source.name
    partial = folder / (source.name + ".part")
    try:
        shutil.copyfile(source, partial)
        partial.chmod(0o600)
        if sha256 is not None and backup.sha256_of(partial) != sha256:
            raise BackupError(
                f"the copy in {folder} differs from the backup: the second place is not reliable"
            )
        partial.replace(target)
    except OSError as exc:
        raise BackupError(f"cannot copy the backup to {folder}: {exc.strerror or exc}") from None
    finally:
        partial.unlink(missing_ok=True)
    return target


def make_backup(*, trigger: str = "command", now: dt.datetime | None = None) -> BackupResult:
    """Make one backup, copy it to the second place and apply the retention; audited either way."""
    now = now or dt.datetime.now(dt.UTC)
    try:
        if not settings.BACKUP_KEY:
            raise BackupError("BACKUP_KEY is not set: backups are encrypted with it (docs/backup.md)")
        folder = _own_folder()
        copy_folder = _folder(settings.BACKUP_COPY_DIR, "BACKUP_COPY_DIR")
        base = PREFIX + now.astimezone(dt.UTC).strftime(STAMP)
        name, number = base, 1
        while (folder / (name + ARCHIVE_SUFFIX)).exists():
            number += 1
            name = f"{base}-{number}"
        path = folder / (name + ARCHIVE_SUFFIX)
        inner = backup.create_archive(path, settings.BACKUP_KEY)
        sha256 = backup.sha256_of(path)
        manifest = {
            "created_at": inner["created_at"],
            "engine": inner["engine"],
            "archive": path.name,
            "size": path.stat().st_size,
            "sha256": sha256,
            "key_fingerprint": fingerprint(settings.BACKUP_KEY),
            "tables": inner["tables"],
            "files": len(inner["files"]),
        }
        manifest_path = folder / (name + MANIFEST_SUFFIX)
        manifest_path.touch(mode=0o600)
        manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        copy = _copy_checked(path, copy_folder, sha256)
        _copy_checked(manifest_path, copy_folder)
        deleted = apply_retention(now=now, keep={path.name, manifest_path.name})
    except BackupError as exc:
        _audit("backup.failed", ok=False, changes={"trigger": trigger}, note=str(exc))
        raise
    _audit(
        "backup.made",
        ok=True,
        changes={
            "trigger": trigger,
            "archive": path.name,
            "copy": str(copy),
            "sha256": sha256,
            "size": manifest["size"],
            "tables": len(manifest["tables"]),
            "rows": sum(manifest["tables"].values()),
            "files": manifest["files"],
            "deleted": [p.name for p in deleted],
        },
    )
    return BackupResult(path=path, copy=copy, manifest=manifest, deleted=deleted)


def apply_retention(*, now: dt.datetime | None = None, keep: set[str] = frozenset()) -> list[Path]:
    """Delete backups (and their manifests) older than BACKUP_RETENTION_DAYS in both places.

    Only files named like the portal's backups are touched; the age is the time in the name (when
    the backup was made), not the file's time, which a copy would reset.
    """
    now = now or dt.datetime.now(dt.UTC)
    cutoff = now - dt.timedelta(days=settings.BACKUP_RETENTION_DAYS)
    deleted = []
    for folder in (settings.BACKUP_DIR, settings.BACKUP_COPY_DIR):
        if folder is None or not Path(folder).is_dir():
            continue
        for path in sorted(Path(folder).iterdir()):
            stamp = _stamp_of(path)
            if stamp is not None and stamp < cutoff and path.name not in keep and path.is_file():
                path.unlink()
                deleted.append(path)
    return deleted


def newest_backup() -> Path:
    """The most recent backup in BACKUP_DIR (by the time in its name)."""
    folder = _folder(settings.BACKUP_DIR, "BACKUP_DIR")
    found = [
        p
        for p in folder.iterdir()
        if p.name.endswith(ARCHIVE_SUFFIX) and _stamp_of(p) is not None and p.is_file()
    ]
    if not found:
        raise BackupError(f"there is no backup in BACKUP_DIR {folder}: run `manage.py backup` first")
    return max(found, key=lambda p: (_stamp_of(p), p.name))


def _check_outer_manifest(path: Path) -> dict | None:
    """The manifest beside a backup, after comparing the backup's SHA-256 with it (None if absent)."""
    manifest_path = path.with_name(path.name.removesuffix(ARCHIVE_SUFFIX) + MANIFEST_SUFFIX)
    if not manifest_path.is_file():
        return None
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BackupError(f"the manifest {manifest_path.name} cannot be read") from None
    if backup.sha256_of(path) != manifest.get("sha256"):
        raise BackupError(
            f"{path.name} does not match the SHA-256 in {manifest_path.name}: the file was altered or damaged"
        )
    return manifest


def restore_drill(path: Path | None = None, *, trigger: str = "command") -> DrillResult:
    """Restore a backup (the newest by default) into a scratch database and compare the row counts.

    Raises BackupError naming every difference, a wrong key or a tampered file; audited either way.
    """
    changes = {"trigger": trigger}
    try:
        path = Path(path) if path is not None else newest_backup()
        changes["archive"] = path.name
        if not path.is_file():
            raise BackupError(f"no backup at {path}")
        outer = _check_outer_manifest(path)
        with backup.decrypted_archive(path, keys()) as (unpacked, manifest):
            scratch = f"cppcc_drill_{dt.datetime.now(dt.UTC):%Y%m%d%H%M%S}_{uuid.uuid4().hex[:8]}"
            counts = backup.scratch_counts(unpacked, manifest, name=scratch)
        problems = backup.compare_counts(manifest["tables"], counts)
        if outer is not None and outer.get("tables") != manifest["tables"]:
            problems.append("the manifest beside the backup differs from the one inside it")
        if problems:
            raise BackupError(
                f"the restore drill of {path.name} found differences: " + "; ".join(problems[:10])
            )
    except BackupError as exc:
        _audit("backup.drill", ok=False, changes=changes, note=str(exc))
        raise
    result = DrillResult(
        path=path, tables=len(counts), rows=sum(counts.values()), files=len(manifest["files"])
    )
    changes |= {"tables": result.tables, "rows": result.rows, "files": result.files}
    _audit("backup.drill", ok=True, changes=changes)
    return result
