"""Signing in and changing one's password, with the password rules (core.passwords)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.utils.http import url_has_allowed_host_and_scheme

from cppcc_portal.core import passwords


class LoginView(auth_views.LoginView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The embedded demo's accounts skip the password rules: the page says so where they exist.
        context["demo_accounts_exempt"] = passwords.demo_accounts_exist()
        return context


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        response = super().form_valid(form)
        passwords.changed_by_owner(self.request, form.user)
        return response

    def get_success_url(self):
        # Sent here before going on (first sign-in, expired password): go on afterwards.
        target = self.request.POST.get("next") or self.request.GET.get("next")
        if target and url_has_allowed_host_and_scheme(target, {self.request.get_host()}):
            return target
        return super().get_success_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["required"] = bool(self.request.session.get(passwords.SESSION_FLAG))
        context["next"] = self.request.GET.get("next", "")
        return context
