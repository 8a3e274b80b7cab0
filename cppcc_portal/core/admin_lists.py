"""Admin changelists of the big tables (a million attendance rows): the same page, less work per row."""

from __future__ import annotations

from django.contrib.admin import helpers
from django.contrib.admin.utils import quote
from django.contrib.admin.views.main import ChangeList
from django.utils.html import format_html
from django.utils.translation import gettext as _

from cppcc_portal.core.url_templates import pk_url_template


class LargeTableChangeList(ChangeList):
    """Resolves the change page's URL once per page rather than once per row."""

    def url_for_result(self, result) -> str:
        if not hasattr(self, "_change_url"):
            self._change_url = pk_url_template(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                current_app=self.model_admin.admin_site.name,
            )
        return self._change_url.format(quote(getattr(result, self.pk_attname)))


class LargeTableAdminMixin:
    """Each row's action checkbox and link built directly, not through templates and URL lookups.

    Django renders the checkbox of every row with the form widget templates and resolves every
    row's link, which together cost as much as the rest of the row; the markup here is the same,
    so the admin's actions script works unchanged.
    """

    def get_changelist(self, request, **kwargs):
        return LargeTableChangeList

    def action_checkbox(self, obj):
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            _("Select this object for an action - {}").format(obj),
        )
