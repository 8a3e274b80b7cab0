from django.core.management.base import BaseCommand, CommandError

from cppcc_portal.core import backup_service
from cppcc_portal.core.backup_crypto import BackupError


class Command(BaseCommand):
    help = (
        "Make an encrypted backup (database, uploaded files, manifest) in BACKUP_DIR, copy it to "
        "BACKUP_COPY_DIR and delete backups older than BACKUP_RETENTION_DAYS in both (docs/backup.md)."
    )

    def handle(self, *args, **options):
        try:
            result = backup_service.make_backup(trigger="command")
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        manifest = result.manifest
        self.stdout.write(
            f"wrote {result.path} ({manifest['size']} bytes, sha256 {manifest['sha256']}): "
            f"{len(manifest['tables'])} tables, {sum(manifest['tables'].values())} rows, "
            f"{manifest['files']} files; copied to {result.copy}"
        )
        for path in result.deleted:
            self.stdout.write(f"deleted (older than the retention): {path}")
