"""The inbox pages: list, mark read, mark all read, e-mail preferences (thin: parse, call, render)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cppcc_portal.core.models import Notification
from cppcc_portal.core.notifications import selectors, services
from cppcc_portal.core.notifications.forms import EmailKindsForm

PAGE_SIZE = 25


@login_required
def inbox(request):
    """A person's own notifications, newest first, unread ones marked."""
    page = Paginator(selectors.inbox_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_POST
def mark_read(request, pk: int):
    """Mark one notification read; with `open`, go on to the page it is about."""
    try:
        notification = services.notification_mark_read(user=request.user, notification_id=pk)
    except Notification.DoesNotExist:
        raise Http404 from None
    link = notification.link
    if "open" in request.POST and link and url_has_allowed_host_and_scheme(link, {request.get_host()}):
        return redirect(link)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request):
    count = services.notifications_mark_all_read(user=request.user)
    messages.success(request, _("%(count)s notifications marked as read.") % {"count": count})
    return redirect("notifications:inbox")


@login_required
def preferences(request):
    """Choose which kinds of notification also reach you by e-mail."""
    preference = selectors.preference_for(user=request.user)
    if request.method == "POST":
        form = EmailKindsForm(request.POST)
        if form.is_valid():
            services.preference_set_email_kinds(
                user=request.user, email_kinds=form.cleaned_data["email_kinds"]
            )
            messages.success(request, _("Your notification preferences were saved."))
            return redirect("notifications:preferences")
    else:
        form = EmailKindsForm(initial={"email_kinds": preference.email_kinds if preference else []})
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "has_email": bool(request.user.email)},
    )
