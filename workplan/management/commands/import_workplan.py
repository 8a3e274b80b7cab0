"""Import the annual plan document: `python manage.py import_workplan PATH`."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cppcc_portal.core.errors import DomainError
from workplan.importer import PlanFormatError, parse_file
from workplan.services import plan_import


class Command(BaseCommand):
    help = "Import (or update in place) the work plan from its text document."

    def add_arguments(self, parser):
        parser.add_argument("path", help="UTF-8 text of the plan document")

    def handle(self, *args, path: str, **options):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"{path}: line 0: file not found")
        try:
            parsed = parse_file(source)
        except PlanFormatError as exc:
            raise CommandError(f"{path}: {exc}") from None
        except OSError as exc:
            raise CommandError(f"{path}: line 0: cannot read the file ({exc.strerror})") from None
        try:
            outcome = plan_import(parsed=parsed)
        except DomainError as exc:
            raise CommandError(f"{path}: {exc.message}") from None
        plan = outcome.plan
        verb = "imported" if outcome.created else "updated"
        self.stdout.write(
            f"{verb} {plan.year} plan {plan.document_number or ''}: "
            f"{len(parsed.sections)} sections, {len(parsed.items)} items "
            f"({outcome.items_created} new, {outcome.items_updated} changed)"
        )
