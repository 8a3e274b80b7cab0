"""Template filters of the portal's admin pages."""

import re

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# diff-match-patch's prettyHtml marks changes as <ins style="background:…">; the CSP blocks the
# attribute, and import.css already colours ins/del. The text between tags is escaped by the
# library (no "<" survives), so only its own tags can match.
_STYLED_TAG = re.compile(r'<(ins|del|span) style="[^"<>]*">')


@register.filter
def without_inline_styles(html):
    """An import preview cell without the style attributes the library writes into it."""
    if isinstance(html, SafeString):
        return mark_safe(_STYLED_TAG.sub(r"<\1>", html))  # noqa: S308 - only removes attributes of safe HTML
    return html
