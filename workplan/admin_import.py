"""The admin page 导入工作要点: upload the plan document, preview the parsed tree and the diff, confirm.

The uploaded bytes wait in the cache between the preview and the confirmation (keyed by the user
and the file's digest), and are parsed again on confirming: the importer is a pure function of the
bytes, so what is stored is exactly what was shown.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from cppcc_portal.core.errors import DomainError
from workplan.forms import PlanImportForm
from workplan.importing import PlanFormatError, parse_bytes
from workplan.importing.tree import header_rows
from workplan.services import plan_import, plan_import_preview

PREVIEW_SECONDS = 3600


def _key(request, token: str) -> str:
    return f"workplan-import:{request.user.pk}:{token}"


def import_view(model_admin, request):
    """Upload → preview (tree, warnings, diff) → confirm; every refusal shown on the page."""
    if not model_admin.has_import_permission(request):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Import the work plan"),
        "opts": model_admin.model._meta,
    }
    form = PlanImportForm()
    if request.method == "POST" and "confirm" in request.POST:
        token = request.POST.get("token", "")
        stored = cache.get(_key(request, token)) if len(token) == 64 else None
        if stored is None:
            messages.error(request, _("The preview has expired: upload the file again."))
            return redirect(reverse("admin:workplan_workplan_import"))
        data, name = stored
        parsed = parse_bytes(data, name)
        try:
            outcome = plan_import(
                parsed=parsed, actor=request.user, replace_other_issuer=request.POST.get("replace") == "1"
            )
        except DomainError as exc:
            context.update(_preview_context(parsed, token, name), error=exc.message)
            return TemplateResponse(request, "admin/workplan/workplan/import.html", context)
        cache.delete(_key(request, token))
        messages.success(
            request,
            _("The %(year)d plan was imported: %(new)d new items, %(changed)d changed, %(removed)d removed.")
            % {
                "year": outcome.plan.year,
                "new": outcome.items_created,
                "changed": outcome.items_updated,
                "removed": outcome.items_removed,
            },
        )
        return redirect(reverse("admin:workplan_workplan_change", args=[outcome.plan.pk]))
    if request.method == "POST":
        form = PlanImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["document"]
            field = "document" if upload else "text"
            if upload and upload.size > settings.UPLOAD_MAX_BYTES:
                form.add_error(
                    "document",
                    _("The file is larger than %(limit)s.")
                    % {"limit": filesizeformat(settings.UPLOAD_MAX_BYTES)},
                )
            else:
                data = upload.read() if upload else form.cleaned_data["text"].encode("utf-8")
                name = upload.name if upload else _("pasted text")
                try:
                    parsed = parse_bytes(data, name)
                except PlanFormatError as exc:
                    form.add_error(field, str(exc))
                else:
                    token = hashlib.sha256(data).hexdigest()
                    cache.set(_key(request, token), (data, name), PREVIEW_SECONDS)
                    context.update(_preview_context(parsed, token, name))
    context["form"] = form
    return TemplateResponse(request, "admin/workplan/workplan/import.html", context)


def _preview_context(parsed, token: str, name: str) -> dict:
    preview = plan_import_preview(parsed=parsed)
    return {
        "parsed": parsed,
        "preview": preview,
        "header": header_rows(parsed),
        "token": token,
        "file_name": name,
        "changed_numbers": {row.number for row in preview.changed_items},
        "new_numbers": {row.number for row in preview.new_items} if preview.existing else set(),
    }
