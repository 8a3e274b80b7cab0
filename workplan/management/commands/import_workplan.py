"""Import the annual plan document: `python manage.py import_workplan PATH [--dry-run]`."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cppcc_portal.core import committees
from cppcc_portal.core.errors import DomainError
from workplan.importing import Place, PlanFormatError, parse_file
from workplan.importing.tree import format_tree
from workplan.services import plan_import, plan_import_preview


class Command(BaseCommand):
    help = "Import (or update in place) the work plan from its document (.docx, .pdf, .txt or .md)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the plan document: Word (.docx), PDF with text, or text")
        parser.add_argument(
            "--dry-run", action="store_true", help="print what would be imported, store nothing"
        )
        parser.add_argument(
            "--replace-other-issuer",
            action="store_true",
            help="replace the stored plan of the same year even if another committee issued it",
        )
        committees.add_committee_argument(parser)

    def handle(self, *args, path: str, dry_run: bool, replace_other_issuer: bool, committee=None, **options):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"{path}: {Place('line', 0)}: {_('file not found')}")
        try:
            parsed = parse_file(source)
        except PlanFormatError as exc:
            raise CommandError(f"{path}: {exc}") from None
        except OSError as exc:
            raise CommandError(
                f"{path}: {Place('line', 0)}: "
                + _("cannot read the file (%(reason)s)") % {"reason": exc.strerror}
            ) from None
        self.stdout.write(format_tree(parsed))
        # The document is read first (a bad one fails without the database); then it is stored for
        # the committee named by --committee, else the installation's own.
        with committees.working_for_command(committee):
            self._store(path, parsed, dry_run=dry_run, replace_other_issuer=replace_other_issuer)

    def _store(self, path: str, parsed, *, dry_run: bool, replace_other_issuer: bool) -> None:
        preview = plan_import_preview(parsed=parsed)
        self.stdout.write(self._diff(preview))
        if dry_run:
            self.stdout.write("dry run: nothing stored")
            return
        try:
            outcome = plan_import(parsed=parsed, replace_other_issuer=replace_other_issuer)
        except DomainError as exc:
            hint = " (--replace-other-issuer)" if exc.code == "other_issuer" else ""
            raise CommandError(f"{path}: {exc.message}{hint}") from None
        plan = outcome.plan
        verb = "imported" if outcome.created else "updated"
        self.stdout.write(
            f"{verb} {plan.year} plan {plan.document_number or ''}: "
            f"{len(parsed.sections)} sections, {len(parsed.items)} items "
            f"({outcome.items_created} new, {outcome.items_updated} changed, {outcome.items_removed} removed)"
        )

    @staticmethod
    def _diff(preview) -> str:
        if preview.existing is None:
            return f"new plan for {preview.parsed.year}"
        lines = [f"the {preview.parsed.year} plan is stored: {preview.unchanged_items} items unchanged"]
        lines += [f"  new item {row.number}: {row.title}" for row in preview.new_items]
        lines += [
            f"  changed item {row.number} ({', '.join(row.fields)}): {row.title}"
            for row in preview.changed_items
        ]
        lines += [f"  removed item {row.number}: {row.title}" for row in preview.removed_items]
        if preview.other_issuer:
            lines.append(
                f"  stored plan from {preview.stored_committee}, this document from {preview.new_committee}"
            )
        lines += [f"  refused: {reason}" for reason in preview.blocked]
        return "\n".join(lines)
