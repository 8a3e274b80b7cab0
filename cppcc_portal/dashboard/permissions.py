"""Who may see the dashboard and its reports: office staff and leaders, nobody else."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from cppcc_portal.core.roles import can_read_everything


def dashboard_access(view):
    """Anonymous users go to the login page; members and units are refused (403)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_read_everything(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
