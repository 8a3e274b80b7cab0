"""`{% large_table_result_list cl %}`: Django's `result_list` tag, rows rendered by core.admin_lists."""

from django import template
from django.contrib.admin.templatetags.base import InclusionAdminNode

from cppcc_portal.core.admin_lists import large_table_result_list

register = template.Library()


@register.tag(name="large_table_result_list")
def large_table_result_list_tag(parser, token):
    # Looked up as Django's tag looks up change_list_results.html: per model, per app, then the
    # portal's templates/admin/large_table_results.html.
    return InclusionAdminNode(
        parser,
        token,
        func=large_table_result_list,
        template_name="large_table_results.html",
        takes_context=False,
    )
