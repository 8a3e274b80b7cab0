from django.core.management.base import BaseCommand, CommandError

from cppcc_portal.core import audit_chain


class Command(BaseCommand):
    help = "Check the audit trail's hash chain: finds rows changed or deleted in the database."

    def handle(self, *args, **options):
        # Rows committed a moment ago are sealed first, so that they are checked too.
        audit_chain.seal_pending()
        result = audit_chain.verify()
        if result.unsealed_old:
            self.stderr.write(
                f"warning: {result.unsealed_old} audit rows older than 10 minutes were not sealed"
            )
        if not result.intact:
            for problem in result.problems:
                self.stderr.write(problem)
            raise CommandError(f"the audit trail was tampered with: {len(result.problems)} problem(s)")
        self.stdout.write(f"audit trail intact: {result.checked} rows checked")
