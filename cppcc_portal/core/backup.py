"""Backup archives of the whole portal: the database, the uploaded files and a manifest, encrypted.

An archive is a tar.gz holding `manifest.json` (time, row counts per table, SHA-256 of every file),
the database (`database.dump`, pg_dump's custom format, or `database.sqlite3` for the embedded
mode) and `media/…` (a copy of MEDIA_ROOT), encrypted as a whole with BACKUP_KEY
(core.backup_crypto). The row counts are taken in the very snapshot that is dumped, so a restore
must find exactly them. A restore goes into an empty database only (unless forced); the drill
(core.backup_service) restores into a scratch database and compares.
"""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import psycopg2
from django.conf import settings
from django.db import connections
from psycopg2 import sql

from cppcc_portal.core.backup_crypto import BackupError, decrypt_file, encrypt_file

__all__ = ["BackupError", "create_archive", "decrypted_archive", "restore_backup", "scratch_counts"]

MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA_PREFIX = "media"
FORMAT_VERSION = 2


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


def pg_tool(name: str) -> str:
    """pg_dump, pg_restore, createdb or dropdb: from PATH, else the newest /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0,
    )
    if candidates:
        return candidates[-1]
    raise BackupError(
        f"{name} was not found: install the PostgreSQL client tools (Debian: postgresql-client)"
    )


def _pg_env(db: dict) -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for the PostgreSQL tools (the password never on argv)."""
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
    if db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = str(db["OPTIONS"]["sslmode"])
    return args, env


def _pg_connect(db: dict, name: str | None = None):
    options = {k: v for k, v in db.get("OPTIONS", {}).items() if isinstance(v, (str, int))}
    return psycopg2.connect(
        dbname=name or db["NAME"],
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        **options,
    )


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} was not found: install the PostgreSQL client tools") from None
    if result.returncode != 0:
        message = (result.stderr or result.stdout).strip().splitlines()
        raise BackupError(
            f"{Path(command[0]).name} failed: {' / '.join(message[-3:]) or 'exit ' + str(result.returncode)}"
        )


def _pg_counts(connection) -> dict[str, int]:
    """Rows in every ordinary table of the connection's schema path (a psycopg2 connection)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_catalog.pg_class c "
            "WHERE c.relkind IN ('r', 'p') AND pg_catalog.pg_table_is_visible(c.oid) "
            "AND c.relnamespace NOT IN (SELECT oid FROM pg_catalog.pg_namespace "
            "WHERE nspname IN ('pg_catalog', 'information_schema'))"
        )
        counts = {}
        for (table,) in sorted(cursor.fetchall()):
            cursor.execute(sql.SQL("SELECT COUNT(*) FROM {}").format(sql.Identifier(table)))
            counts[table] = cursor.fetchone()[0]
    return counts


def _sqlite_counts(path: Path) -> dict[str, int]:
    connection = sqlite3.connect(str(path))
    try:
        names = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ).fetchall()
        counts = {}
        for (table,) in names:
            quoted = '"' + table.replace('"', '""') + '"'
            counts[table] = connection.execute(f"SELECT COUNT(*) FROM {quoted}").fetchone()[0]  # noqa: S608
        verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"the SQLite database in the backup cannot be read: {exc}") from None
    finally:
        connection.close()
    if verdict != "ok":
        raise BackupError(f"the SQLite database in the backup fails its integrity check: {verdict}")
    return counts


def table_row_counts(alias: str = "default") -> dict[str, int]:
    """Rows in every table of a database the portal is connected to, by table name."""
    connection = connections[alias]
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - names from introspection
            counts[table] = cursor.fetchone()[0]
    return counts


def sha256_of(path: Path) -> str:
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
        files[path.relative_to(root).as_posix()] = {"size": path.stat().st_size, "sha256": sha256_of(path)}
    return files


def _dump_database(work_dir: Path, alias: str) -> tuple[str, dict[str, int]]:
    """Dump the database into `work_dir`; the row counts come from the same snapshot as the dump."""
    db = _database(alias)
    if _engine(alias) == "postgresql":
        if settings.DATABASE_POOLER == "transaction":
            # pg_dump sets session parameters (search_path among them) that a transaction pooler
            # would leave on a server connection other clients then use.
            raise BackupError(
                "backups need a direct connection to PostgreSQL, not a transaction pooler: run the worker "
                "of the imports_exports queue with DATABASE_URL at PostgreSQL (docs/deployment.md)"
            )
        pg_dump = pg_tool("pg_dump")
        snapshot_holder = _pg_connect(db)
        try:
            snapshot_holder.set_session(isolation_level="REPEATABLE READ", readonly=True)
            with snapshot_holder.cursor() as cursor:
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
            counts = _pg_counts(snapshot_holder)
            args, env = _pg_env(db)
            _run(
                [pg_dump, *args, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}"]
                + ["--file", str(work_dir / PG_DUMP), str(db["NAME"])],
                env,
            )
        finally:
            snapshot_holder.close()
        return PG_DUMP, counts
    # SQLite's backup API copies a consistent snapshot even while the portal writes.
    source = sqlite3.connect(str(db["NAME"]))
    copy = sqlite3.connect(str(work_dir / SQLITE_COPY))
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    return SQLITE_COPY, _sqlite_counts(work_dir / SQLITE_COPY)


def create_archive(target: Path, key: str, *, alias: str = "default") -> dict:
    """Write one encrypted archive at `target` with the database, the media files and a manifest."""
    target = Path(target)
    if not target.parent.is_dir():
        raise BackupError(f"the folder {target.parent} does not exist")
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="cppcc-backup-") as work:
        work_dir = Path(work)
        dump_name, counts = _dump_database(work_dir, alias)
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "engine": _engine(alias),
            "database": dump_name,
            "database_sha256": sha256_of(work_dir / dump_name),
            "tables": counts,
            "files": media_files(media_root),
        }
        (work_dir / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        plain = work_dir / "archive.tar.gz"
        with tarfile.open(plain, "w:gz") as archive:
            archive.add(work_dir / MANIFEST, arcname=MANIFEST)
            archive.add(work_dir / dump_name, arcname=dump_name)
            for relative in manifest["files"]:
                archive.add(media_root / relative, arcname=f"{MEDIA_PREFIX}/{relative}")
        (work_dir / dump_name).unlink()
        encrypt_file(plain, target, key)
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


@contextmanager
def decrypted_archive(source: Path, keys: Iterable[str]) -> Iterator[tuple[Path, dict]]:
    """Decrypt and unpack a backup into a temporary folder, checked against its manifest.

    Yields the folder and the manifest; the database file and every media file have been
    compared with the manifest's SHA-256. The folder is removed afterwards.
    """
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"no backup at {source}")
    with tempfile.TemporaryDirectory(prefix="cppcc-restore-") as work:
        work_dir = Path(work)
        plain = work_dir / "archive.tar.gz"
        decrypt_file(source, plain, keys)
        unpacked = work_dir / "unpacked"
        try:
            with tarfile.open(plain, "r:gz") as archive:
                members = _safe_members(archive)
                if MANIFEST not in members:
                    raise BackupError(f"{source} is not a portal backup: it has no {MANIFEST}")
                archive.extractall(unpacked, members=list(members.values()), filter="data")
            manifest = json.loads((unpacked / MANIFEST).read_text(encoding="utf-8"))
        except (tarfile.TarError, EOFError, OSError, json.JSONDecodeError) as exc:
            raise BackupError(f"{source} decrypts but is not a readable portal backup ({exc})") from None
        plain.unlink()
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError(
                f"unknown backup format {manifest.get('format')!r}; this portal reads {FORMAT_VERSION}"
            )
        dump = unpacked / manifest["database"]
        if not dump.is_file():
            raise BackupError(f"the backup lacks its database file {manifest['database']}")
        if sha256_of(dump) != manifest["database_sha256"]:
            raise BackupError("the database file in the backup does not match its checksum: it is damaged")
        for relative, facts in manifest["files"].items():
            path = unpacked / MEDIA_PREFIX / relative
            if not path.is_file() or sha256_of(path) != facts["sha256"]:
                raise BackupError(f"the uploaded file {relative} in the backup is missing or damaged")
        yield unpacked, manifest


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


def _pg_restore(db: dict, name: str, dump: Path) -> None:
    args, env = _pg_env(db)
    _run(
        [pg_tool("pg_restore"), *args, "--no-owner", "--no-privileges", "--exit-on-error"]
        + ["--single-transaction", "--dbname", name, str(dump)],
        env,
    )


def restore_backup(
    source: Path, keys: Iterable[str], *, force: bool = False, alias: str = "default"
) -> RestoreReport:
    """Restore a backup into an empty database and MEDIA_ROOT, then verify it against its manifest."""
    started = dt.datetime.now(dt.UTC)
    engine = _engine(alias)
    with decrypted_archive(source, keys) as (unpacked, manifest):
        if manifest["engine"] != engine:
            raise BackupError(f"the backup holds a {manifest['engine']} database; this portal uses {engine}")
        if not database_is_empty(alias) and not force:
            raise BackupError(
                "the database is not empty: restore into a newly created database, "
                "or pass --force to replace everything in it"
            )
        db = _database(alias)
        dump = unpacked / manifest["database"]
        if engine == "postgresql":
            if force:
                _wipe_postgresql(alias)
            connections[alias].close()
            _pg_restore(db, str(db["NAME"]), dump)
        else:
            connections[alias].close()
            source_db = sqlite3.connect(str(dump))
            target_db = sqlite3.connect(str(db["NAME"]))
            try:
                source_db.backup(target_db)
            finally:
                target_db.close()
                source_db.close()
        media_root = Path(settings.MEDIA_ROOT)
        for relative in manifest["files"]:
            destination = media_root / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(unpacked / MEDIA_PREFIX / relative, destination)
    report = verify_restore(manifest, alias=alias)
    report.seconds = (dt.datetime.now(dt.UTC) - started).total_seconds()
    if report.problems:
        raise BackupError("the restore does not match the manifest: " + "; ".join(report.problems[:10]))
    return report


def compare_counts(expected: dict[str, int], found: dict[str, int]) -> list[str]:
    """Each difference between a manifest's row counts and a restored database's, as a sentence."""
    problems = []
    for table, rows in sorted(expected.items()):
        if table not in found:
            problems.append(f"table {table} is missing")
        elif found[table] != rows:
            problems.append(f"table {table} has {found[table]} rows, the backup had {rows}")
    problems += [f"table {table} is not in the manifest" for table in sorted(set(found) - set(expected))]
    return problems


def verify_restore(manifest: dict, *, alias: str = "default") -> RestoreReport:
    """Compare the live database and MEDIA_ROOT with a manifest: counts per table, file hashes."""
    counts = table_row_counts(alias)
    report = RestoreReport(tables=len(manifest["tables"]), rows=sum(counts.values()))
    report.problems = [
        p for p in compare_counts(manifest["tables"], counts) if "not in the manifest" not in p
    ]
    media_root = Path(settings.MEDIA_ROOT)
    for relative, facts in manifest["files"].items():
        path = media_root / relative
        if not path.is_file():
            report.problems.append(f"file {relative} is missing")
        elif sha256_of(path) != facts["sha256"]:
            report.problems.append(f"file {relative} differs from the backup")
        report.files += 1
    return report


def scratch_counts(unpacked: Path, manifest: dict, *, alias: str = "default", name: str) -> dict[str, int]:
    """Restore an unpacked backup into a scratch database, count its rows, and remove it again.

    PostgreSQL: a new database `name` on the portal's server (the account needs CREATEDB), dropped
    afterwards whatever happens. SQLite: a temporary file.
    """
    dump = unpacked / manifest["database"]
    if manifest["engine"] == "sqlite":
        with tempfile.TemporaryDirectory(prefix="cppcc-drill-") as work:
            scratch = Path(work) / "scratch.sqlite3"
            source_db, target_db = sqlite3.connect(str(dump)), sqlite3.connect(str(scratch))
            try:
                source_db.backup(target_db)
            finally:
                target_db.close()
                source_db.close()
            return _sqlite_counts(scratch)
    if _engine(alias) != "postgresql":
        raise BackupError(
            "the backup holds a PostgreSQL database: run the drill where DATABASE_URL is PostgreSQL"
        )
    db = _database(alias)
    args, env = _pg_env(db)
    _run([pg_tool("createdb"), *args, "--encoding=UTF8", "--template=template0", name], env)
    try:
        _pg_restore(db, name, dump)
        connection = _pg_connect(db, name)
        try:
            return _pg_counts(connection)
        finally:
            connection.close()
    finally:
        _run([pg_tool("dropdb"), *args, "--if-exists", "--force", name], env)
