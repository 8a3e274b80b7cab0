"""The parsed plan as an indented tree of text: what `import_workplan` prints and the admin shows."""

from __future__ import annotations

from django.utils.translation import gettext as _

from workplan.importing.document import ParsedPlan
from workplan.importing.numbering import chinese_numeral


def header_rows(plan: ParsedPlan) -> list[tuple[str, str]]:
    """(label, value) of the plan's header and sign-off fields that the document has."""
    rows = [
        (_("year"), str(plan.year)),
        (_("title"), plan.title),
        (_("document number"), plan.document_number),
        (_("issuer"), plan.issuer),
        (_("adopted on"), plan.adopted_on.isoformat() if plan.adopted_on else ""),
        (_("signed by"), plan.signatory),
        (_("signed on"), plan.signed_on.isoformat() if plan.signed_on else ""),
        (_("copies to"), plan.distribution),
        (_("printing note"), plan.printing_note),
    ]
    return [(label, value) for label, value in rows if value]


def format_tree(plan: ParsedPlan) -> str:
    """Header, sections with their items (number, title, place), then the warnings."""
    out = [f"{label}: {value}" for label, value in header_rows(plan)]
    if plan.preamble:
        out.append(_("preamble: %(count)d characters") % {"count": len(plan.preamble)})
    for section in plan.sections:
        out.append(f"{chinese_numeral(section.number)}、{section.title}")
        for item in section.items:
            out.append(f"    {item.number}. {item.title}  ({item.place}, {len(item.text)} {_('characters')})")
    for warning in plan.warnings:
        out.append(_("warning: %(warning)s") % {"warning": warning})
    return "\n".join(out)
