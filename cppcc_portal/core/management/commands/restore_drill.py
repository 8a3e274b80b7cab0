from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cppcc_portal.core import backup_service
from cppcc_portal.core.backup_crypto import BackupError


class Command(BaseCommand):
    help = (
        "Restore drill: decrypt the newest backup in BACKUP_DIR (or the one named), restore it into a "
        "scratch database that is dropped afterwards, and compare every table's row count with its "
        "manifest. Exits non-zero on any difference, a wrong key or an altered file."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="a backup file; the newest in BACKUP_DIR when left out")

    def handle(self, *args, path, **options):
        try:
            result = backup_service.restore_drill(Path(path) if path else None)
        except BackupError as exc:
            raise CommandError(f"restore drill failed: {exc}") from None
        self.stdout.write(
            f"restore drill passed: {result.path} restored into a scratch database, "
            f"{result.tables} tables and {result.rows} rows match the manifest, {result.files} files verified"
        )
