"""The two-factor pages: set up an authenticator (QR drawn here), and give a code after the password."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from cppcc_portal.core import two_factor


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return ""


@never_cache
@login_required
def setup(request):
    """Enrol an authenticator app: scan the QR code (or type the key), then confirm with a code."""
    if two_factor.is_enrolled(request.user):
        messages.info(request, _("Two-factor login is already set up for your account."))
        return redirect(_next(request) or "home")
    device = two_factor.enrolment_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.enrolment_confirm(request, device=device, code=form.cleaned_data["code"])
        if codes is not None:
            # Shown this once only: nothing keeps them in readable form.
            return render(
                request,
                "registration/two_factor_recovery_codes.html",
                {"codes": codes, "next": _next(request)},
            )
        form.add_error("code", _("That code is not right. Enter the six digits your app shows now."))
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "qr": two_factor.qr_svg_data_uri(device),
            "secret": two_factor.secret_base32(device),
            "required": request.session.get(two_factor.SESSION_FLAG) == two_factor.ENROL,
            "next": _next(request),
        },
    )


@never_cache
@login_required
def verify(request):
    """The second step of signing in: a code from the authenticator app, or a recovery code."""
    if not two_factor.is_enrolled(request.user):
        return redirect("two_factor_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.verify(request, form.cleaned_data["code"]):
            return redirect(_next(request) or "home")
        form.add_error(
            "code",
            _(
                "That code is not right or was already used. Enter the code your app shows now, or a recovery code."
            ),
        )
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": _next(request)})
