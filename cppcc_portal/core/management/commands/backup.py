from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cppcc_portal.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Write one tar.gz archive with the database, the uploaded files and a manifest."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the archive to write, e.g. /backups/portal-2017-03-01.tar.gz")

    def handle(self, *args, path, **options):
        try:
            manifest = create_backup(Path(path))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"wrote {path}: {len(manifest['tables'])} tables, {rows} rows, {len(manifest['files'])} files"
        )
