"""Deliver every due notification now, without a Celery worker (for an office that runs none)."""

from django.core.management.base import BaseCommand

from cppcc_portal.core.notifications import delivery


class Command(BaseCommand):
    help = "Send the notifications that are due (and take over those a dead worker left), then print counts."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=None, help="rows claimed per batch")

    def handle(self, *args, batch_size=None, **options):
        result = delivery.sweep(batch_size=batch_size)
        self.stdout.write(
            f"sent={result.sent} retrying={result.retrying} failed={result.failed} claimed={result.claimed}"
        )
