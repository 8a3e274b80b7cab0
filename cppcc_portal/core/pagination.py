"""The API's page numbers."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination


class PortalPagination(PageNumberPagination):
    """Pages are numbered 1, 2, …: DRF's 'last' and anything but digits answer 404 (no such page)."""

    last_page_strings = ()

    def paginate_queryset(self, queryset, request, view=None):
        number = request.query_params.get(self.page_query_param)
        if number is not None and not re.fullmatch(r"[1-9][0-9]{0,8}", number):
            raise exceptions.NotFound(_("Invalid page."))
        return super().paginate_queryset(queryset, request, view)
