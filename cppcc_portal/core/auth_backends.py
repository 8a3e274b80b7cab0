"""Django's model backend, with each user's row and permissions read through the access cache."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from cppcc_portal.core import access_cache, roles


class CachedPermissionsBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            # is_superuser is part of the key: a superuser has every permission, and the flag is
            # read from the user row of this request.
            name = "superuser-permissions" if user_obj.is_superuser else "permissions"
            user_obj._perm_cache = access_cache.for_user(
                user_obj, name, lambda: super(CachedPermissionsBackend, self).get_all_permissions(user_obj)
            )
        return user_obj._perm_cache

    def get_user(self, user_id):
        # The row every logged-in request needs, without a query (core.access_cache.user says
        # why this stays correct when the account changes). Its roles travel with it: every page
        # asks for them (the navigation, the administrators' scope), both are kept under the same
        # access generation, and one cache read then serves both.
        return access_cache.user(user_id, lambda: self._user_with_roles(user_id))

    def _user_with_roles(self, user_id):
        user = super().get_user(user_id)
        if user is not None:
            roles.user_roles(user)
        return user
