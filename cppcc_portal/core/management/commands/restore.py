from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cppcc_portal.core import backup_service
from cppcc_portal.core.backup import restore_backup
from cppcc_portal.core.backup_crypto import BackupError


class Command(BaseCommand):
    help = (
        "Restore a backup written by `backup` into an empty database and MEDIA_ROOT, then verify it "
        "(decrypted with BACKUP_KEY or one of BACKUP_OLD_KEYS)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", help="the backup, e.g. /srv/backups/cppcc-backup-20261206T023000Z.tar.gz.enc"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace everything in a database that is not empty (its data is lost)",
        )

    def handle(self, *args, path, force, **options):
        try:
            report = restore_backup(Path(path), backup_service.keys(), force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"restored {path}: {report.tables} tables, {report.rows} rows, {report.files} files "
            f"verified against the manifest in {report.seconds:.1f} s"
        )
