"""Django's model backend, with each user's row and permissions read through the access cache.

Permissions follow the roles that apply in the committee in hand (core.roles.groups_in_hand): a
person whose seat names roles has those groups' permissions there, plus their own permissions; the
admin and every ``has_perm`` then answer per committee, as the portal's own role checks do.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from cppcc_portal.core import access_cache, roles


class CachedPermissionsBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        applying = None if user_obj.is_superuser else roles.groups_in_hand(user_obj)
        # Kept on the user object for the request, per set of roles (a test's user object may be
        # used in two committees).
        known = getattr(user_obj, "_portal_perm_cache", None)
        if known is None or known[0] != applying:
            if applying is None:
                # is_superuser is part of the key: a superuser has every permission, and the flag is
                # read from the user row of this request.
                name = "superuser-permissions" if user_obj.is_superuser else "permissions"
                found = access_cache.for_user(
                    user_obj,
                    name,
                    lambda: super(CachedPermissionsBackend, self).get_all_permissions(user_obj),
                )
            else:
                found = access_cache.for_user(
                    user_obj,
                    "permissions:" + ",".join(sorted(applying)),
                    lambda: self._permissions_of_roles(user_obj, applying),
                )
            known = user_obj._portal_perm_cache = (applying, found)
        return known[1]

    def _permissions_of_roles(self, user_obj, applying: frozenset[str]) -> set[str]:
        names = [roles.GROUP_NAMES[role] for role in applying]
        rows = Permission.objects.filter(group__name__in=names).values_list(
            "content_type__app_label", "codename"
        )
        return self.get_user_permissions(user_obj) | {f"{app}.{codename}" for app, codename in rows}

    def get_user(self, user_id):
        # The row every logged-in request needs, without a query (core.access_cache.user says
        # why this stays correct when the account changes). Its roles travel with it: every page
        # asks for them (the navigation, the administrators' scope), both are kept under the same
        # access generation, and one cache read then serves both.
        return access_cache.user(user_id, lambda: self._user_with_roles(user_id))

    def _user_with_roles(self, user_id):
        user = super().get_user(user_id)
        if user is not None:
            roles.role_data(user)
        return user
