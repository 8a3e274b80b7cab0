"""The office's admin site: Django's, with the sidebar's model list built once per set of permissions."""

from __future__ import annotations

from collections import OrderedDict

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cppcc_portal.core.caching import digest

# Distinct permission sets are few (one per role, and the superuser): a small cache is enough.
_APP_LIST_CACHE_SIZE = 64


class PortalAdminSite(admin.AdminSite):
    site_header = _("CPPCC portal administration")
    site_title = _("CPPCC portal")
    index_title = _("Office administration")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._app_lists: OrderedDict = OrderedDict()

    def has_permission(self, request):
        """Django's rule, per committee: a district's office is only a member in the city (core.roles)."""
        return _roles().may_use_admin(request.user)

    def each_context(self, request):
        """Adds the key the sidebar's rendered HTML is cached under (templates/admin/nav_sidebar.html).

        The sidebar is the same for everyone with the same permissions and language, on every page
        of one model; only the model whose page it is gets highlighted.
        """
        context = super().each_context(request)
        context["nav_sidebar_key"] = digest(self._permission_key(request.user), self._registered_labels())
        context["nav_sidebar_page"] = "/".join(request.path.split("/")[:4])
        return context

    @staticmethod
    def _permission_key(user) -> tuple:
        # Asked twice a page (app list, sidebar); the user object lives for one request.
        language = get_language()
        known = getattr(user, "_admin_permission_key", None)
        # The permissions follow the committee in hand (core.auth_backends): part of the key.
        if known is None or known[:2] != (language, _roles().groups_in_hand(user)):
            known = user._admin_permission_key = (
                language,
                _roles().groups_in_hand(user),
                user.is_active,
                user.is_staff,
                user.is_superuser,
                tuple(sorted(user.get_all_permissions())),
            )
        return known

    def _registered_labels(self) -> tuple[str, ...]:
        # Models are registered at start-up; counted again only if that changes.
        if getattr(self, "_labels_for", None) != len(self._registry):
            self._labels = tuple(sorted(m._meta.label for m in self._registry))
            self._labels_for = len(self._registry)
        return self._labels

    def get_app_list(self, request, app_label=None):
        """The apps and models a user may see, sorted, with their links: cached per permission set.

        Django builds and sorts it on every admin page (for the sidebar): a permission check and
        two URL lookups per registered model, then a sort by translated names. What it holds
        depends only on the user's permissions and the language, so users with the same
        permissions share one copy, its names already translated. It is built again after a code
        change (a new process) or a change of the user's permissions.
        """
        key = (app_label, self._permission_key(request.user))
        cached = self._app_lists.get(key)
        if cached is None:
            cached = [_translated(app) for app in super().get_app_list(request, app_label)]
            self._app_lists[key] = cached
            while len(self._app_lists) > _APP_LIST_CACHE_SIZE:
                self._app_lists.popitem(last=False)
        # A copy the caller may change.
        return [{**app, "models": [dict(model) for model in app["models"]]} for app in cached]


def _roles():
    # Not at import: this module is the admin's AppConfig's, loaded before the auth models exist.
    from cppcc_portal.core import roles

    return roles


def _translated(app: dict) -> dict:
    """The app with its names as plain text in the current language (the cache key holds it)."""
    return {
        **app,
        "name": str(app["name"]),
        "models": [{**model, "name": str(model["name"])} for model in app["models"]],
    }


class PortalAdminConfig(AdminConfig):
    default_site = "cppcc_portal.core.admin_site.PortalAdminSite"
