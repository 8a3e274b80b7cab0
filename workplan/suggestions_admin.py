"""On the admin page of anything that serves a plan item (activity, proposal, report, supervision
topic): the items its text most likely serves, each with a button that links it. Nothing is linked
until a member of staff presses one.

The plan sits below the apps that use this, so it knows their records only by the field that
holds the link: `items` (many-to-many) or `item` (a foreign key).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from cppcc_portal.core import roles
from cppcc_portal.core.audit import record_event
from workplan.models import Item
from workplan.suggestions import suggest_items


def _linked_ids(obj) -> set[int]:
    if hasattr(obj, "items"):
        return set(obj.items.values_list("pk", flat=True))
    return {obj.item_id} if getattr(obj, "item_id", None) else set()


@transaction.atomic
def item_link_confirm(*, obj, item: Item, actor) -> bool:
    """A member of staff confirms a suggested item: the record serves it (audited); False if it did."""
    if not roles.is_staff_user(actor):
        raise PermissionDenied
    if item.pk in _linked_ids(obj):
        return False
    if hasattr(obj, "items"):
        obj.items.add(item)
        before = ""
    else:
        before = str(obj.item) if obj.item_id else ""
        obj.item = item
        obj.save(update_fields=["item"])
    label = obj._meta.label_lower.replace(".", "_")
    record_event(actor=actor, action=f"{label}.link_item", obj=obj, changes={"items": [before, str(item)]})
    return True


class ItemSuggestionAdminMixin:
    """Adds a read-only `suggested_items` panel and its POST endpoint `<pk>/link-item/`.

    A ModelAdmin using it names the text to read in `item_suggestion_fields` (the first is the
    title) and may override `item_suggestion_year(obj)`.
    """

    item_suggestion_fields: tuple[str, ...] = ("title",)

    def item_suggestion_year(self, obj) -> int | None:
        year = getattr(obj, "year", None)
        if year is None and getattr(obj, "starts_at", None) is not None:
            year = obj.starts_at.year
        return year

    def _link_item_url_name(self) -> str:
        return f"{self.model._meta.app_label}_{self.model._meta.model_name}_link_item"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/link-item/",
                wrap(require_POST(self.link_item_view)),
                name=self._link_item_url_name(),
            ),
            *super().get_urls(),
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields if "suggested_items" in fields else (*fields, "suggested_items")

    def suggested_items(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        title, *rest = (str(getattr(obj, name, "") or "") for name in self.item_suggestion_fields)
        linked = _linked_ids(obj)
        suggestions = [
            (item, score)
            for item, score in suggest_items(
                title=title, body="\n".join(rest), year=self.item_suggestion_year(obj)
            )
            if item.pk not in linked
        ]
        if not suggestions:
            return gettext("No plan item of that year stands out.")
        url = reverse(f"admin:{self._link_item_url_name()}", args=[obj.pk])
        return format_html_join(
            "",
            '<p>{} <span class="help">{}</span> <button type="submit" formaction="{}" formmethod="post" '
            'name="item" value="{}">{}</button></p>',
            (
                (str(item), f"{score:.2f}", url, item.pk, gettext("Link to this item"))
                for item, score in suggestions
            ),
        )

    suggested_items.short_description = _("plan items it may serve")

    def link_item_view(self, request, pk: int):
        if not roles.is_staff_user(request.user) or not self.has_change_permission(request):
            raise PermissionDenied
        obj = self.model._default_manager.filter(pk=pk).first()
        if obj is None:
            raise Http404
        value = (request.POST.get("item") or "").strip()
        item = Item.objects.filter(pk=int(value)).first() if value.isdigit() and len(value) < 10 else None
        change = f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_change"
        if item is None:
            messages.error(request, gettext("Choose the plan item."))
            return redirect(change, pk)
        item_link_confirm(obj=obj, item=item, actor=request.user)
        messages.success(request, gettext("Linked to plan item %(item)s.") % {"item": item})
        return redirect(change, pk)
