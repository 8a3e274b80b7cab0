"""Backup and restore of the whole portal: the database, the uploaded files and a manifest.

An archive is one tar.gz holding `manifest.json` (row counts per table, SHA-256 of every file),
the database (`database.dump`, pg_dump's custom format, or `database.sqlite3` for the embedded
mode) and `media/…` (a copy of MEDIA_ROOT). A restore goes into an empty database only (unless
forced), then recounts every table and re-hashes every file against the manifest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connections

MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA_PREFIX = "media"
FORMAT_VERSION = 1


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass
class RestoreReport:
    """What a restore put back, and how long it took."""

    tables: int = 0
    rows: int = 0
    files: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)


def _database(alias: str = "default") -> dict:
    return connections[alias].settings_dict


def _engine(alias: str = "default") -> str:
    engine = _database(alias)["ENGINE"]
    if "postgresql" in engine:
        return "postgresql"
    if "sqlite3" in engine:
        return "sqlite"
    raise BackupError(f"backups support PostgreSQL and SQLite, not {engine}")


def _pg_env(db: dict) -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for pg_dump/pg_restore (the password never on argv)."""
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(
            f"{command[0]} was not found: install the PostgreSQL client tools (Debian: postgresql-client)"
        ) from None
    if result.returncode != 0:
        message = (result.stderr or result.stdout).strip().splitlines()
        raise BackupError(
            f"{command[0]} failed: {' / '.join(message[-3:]) or 'exit ' + str(result.returncode)}"
        )


def table_row_counts(alias: str = "default") -> dict[str, int]:
    """Rows in every table of the database, by table name."""
    connection = connections[alias]
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - names from introspection
            counts[table] = cursor.fetchone()[0]
    return counts


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def media_files(root: Path) -> dict[str, dict]:
    """Every file under MEDIA_ROOT, by path relative to it, with its size and SHA-256."""
    files = {}
    if not root.exists():
        return files
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
        files[path.relative_to(root).as_posix()] = {"size": path.stat().st_size, "sha256": _sha256(path)}
    return files


def create_backup(target: Path, *, alias: str = "default") -> dict:
    """Write one archive at `target` with the database, the media files and a manifest."""
    target = Path(target)
    if target.exists() and target.is_dir():
        raise BackupError(f"{target} is a folder: give the archive's file name, e.g. {target}/portal.tar.gz")
    if not target.parent.exists():
        raise BackupError(f"the folder {target.parent} does not exist")
    engine = _engine(alias)
    db = _database(alias)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="cppcc-backup-") as work:
        work_dir = Path(work)
        if engine == "postgresql":
            args, env = _pg_env(db)
            dump_name = PG_DUMP
            _run(
                ["pg_dump", *args, "--format=custom", "--no-owner", "--no-privileges"]
                + ["--file", str(work_dir / dump_name), str(db["NAME"])],
                env,
            )
        else:
            dump_name = SQLITE_COPY
            # The backup API copies a consistent snapshot even while the portal writes.
            source = sqlite3.connect(str(db["NAME"]))
            copy = sqlite3.connect(str(work_dir / dump_name))
            try:
                source.backup(copy)
            finally:
                copy.close()
                source.close()
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "engine": engine,
            "database": dump_name,
            "database_sha256": _sha256(work_dir / dump_name),
            "tables": table_row_counts(alias),
            "files": media_files(media_root),
        }
        (work_dir / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        partial = target.with_name(target.name + ".part")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(work_dir / MANIFEST, arcname=MANIFEST)
            archive.add(work_dir / dump_name, arcname=dump_name)
            for relative in manifest["files"]:
                archive.add(media_root / relative, arcname=f"{MEDIA_PREFIX}/{relative}")
        # Rename last, so a crash never leaves a half-written archive under the real name.
        partial.replace(target)
    return manifest


def _safe_members(archive: tarfile.TarFile) -> dict[str, tarfile.TarInfo]:
    """The archive's members by name, refusing links and paths that would escape the target."""
    members = {}
    for member in archive.getmembers():
        path = PurePosixPath(member.name)
        if path.is_absolute() or ".." in path.parts:
            raise BackupError(f"the archive holds an unsafe path: {member.name}")
        if not (member.isfile() or member.isdir()):
            raise BackupError(f"the archive holds a link or device: {member.name}")
        members[member.name] = member
    return members


def read_manifest(source: Path) -> dict:
    """The manifest of an archive, checked to be one of ours."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"no archive at {source}")
    try:
        with tarfile.open(source, "r:gz") as archive:
            members = _safe_members(archive)
            if MANIFEST not in members:
                raise BackupError(f"{source} is not a portal backup: it has no {MANIFEST}")
            manifest = json.load(archive.extractfile(members[MANIFEST]))
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"{source} is not a readable tar.gz archive ({exc})") from None
    except json.JSONDecodeError:
        raise BackupError(f"the manifest of {source} is damaged") from None
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(
            f"unknown backup format {manifest.get('format')!r}; this portal reads {FORMAT_VERSION}"
        )
    return manifest


def database_is_empty(alias: str = "default") -> bool:
    """True when the database has no tables at all (a freshly created database)."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def _wipe_postgresql(alias: str) -> None:
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE")
        cursor.execute("CREATE SCHEMA public")


def restore_backup(source: Path, *, force: bool = False, alias: str = "default") -> RestoreReport:
    """Restore an archive into an empty database and MEDIA_ROOT, then verify it against its manifest."""
    started = dt.datetime.now(dt.UTC)
    source = Path(source)
    manifest = read_manifest(source)
    engine = _engine(alias)
    if manifest["engine"] != engine:
        raise BackupError(f"the archive holds a {manifest['engine']} database; this portal uses {engine}")
    if not database_is_empty(alias) and not force:
        raise BackupError(
            "the database is not empty: restore into a newly created database, "
            "or pass --force to replace everything in it"
        )
    media_root = Path(settings.MEDIA_ROOT)
    db = _database(alias)
    with tempfile.TemporaryDirectory(prefix="cppcc-restore-") as work:
        work_dir = Path(work)
        with tarfile.open(source, "r:gz") as archive:
            members = _safe_members(archive)
            if manifest["database"] not in members:
                raise BackupError(f"the archive lacks its database file {manifest['database']}")
            archive.extractall(work_dir, members=list(members.values()), filter="data")
        dump = work_dir / manifest["database"]
        if _sha256(dump) != manifest["database_sha256"]:
            raise BackupError(
                "the database file in the archive does not match its checksum: the archive is damaged"
            )
        if engine == "postgresql":
            if force:
                _wipe_postgresql(alias)
            connections[alias].close()
            args, env = _pg_env(db)
            _run(
                [
                    "pg_restore",
                    *args,
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "--single-transaction",
                ]
                + ["--dbname", str(db["NAME"]), str(dump)],
                env,
            )
        else:
            connections[alias].close()
            source_db = sqlite3.connect(str(dump))
            target_db = sqlite3.connect(str(db["NAME"]))
            try:
                source_db.backup(target_db)
            finally:
                target_db.close()
                source_db.close()
        media_dir = work_dir / MEDIA_PREFIX
        for relative in manifest["files"]:
            destination = media_root / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(media_dir / relative, destination)
    report = verify_restore(manifest, alias=alias)
    report.seconds = (dt.datetime.now(dt.UTC) - started).total_seconds()
    if report.problems:
        raise BackupError("the restore does not match the manifest: " + "; ".join(report.problems[:10]))
    return report


def verify_restore(manifest: dict, *, alias: str = "default") -> RestoreReport:
    """Compare the live database and MEDIA_ROOT with a manifest: counts per table, file hashes."""
    report = RestoreReport()
    counts = table_row_counts(alias)
    for table, expected in manifest["tables"].items():
        found = counts.get(table)
        if found is None:
            report.problems.append(f"table {table} is missing")
        elif found != expected:
            report.problems.append(f"table {table} has {found} rows, the backup had {expected}")
        report.tables += 1
        report.rows += found or 0
    media_root = Path(settings.MEDIA_ROOT)
    for relative, facts in manifest["files"].items():
        path = media_root / relative
        if not path.is_file():
            report.problems.append(f"file {relative} is missing")
        elif _sha256(path) != facts["sha256"]:
            report.problems.append(f"file {relative} differs from the backup")
        report.files += 1
    return report
