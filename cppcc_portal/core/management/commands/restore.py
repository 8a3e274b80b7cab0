from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cppcc_portal.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore an archive written by `backup` into an empty database and MEDIA_ROOT, then verify it."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the archive written by `manage.py backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace everything in a database that is not empty (its data is lost)",
        )

    def handle(self, *args, path, force, **options):
        try:
            report = restore_backup(Path(path), force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"restored {path}: {report.tables} tables, {report.rows} rows, {report.files} files "
            f"verified against the manifest in {report.seconds:.1f} s"
        )
