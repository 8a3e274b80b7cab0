"""What a user may do (their permissions and their roles), kept in the cache between requests.

Django reads a user's permissions with two queries and the portal reads their roles (groups) with
one, on every page that checks them: every admin page, every portal page. Both change only when
someone's groups, group permissions or own permissions are edited, or their superuser flag, or
a seat in a committee or its roles (core.models.CommitteeSeat). So
they are kept in the cache per user in the ``access`` family of cached values (core.caching), which
every such write moves on (the signals below, connected by core.apps). A write that sends no
signal (a queryset ``update()`` of these tables) shows within ``ACCESS_TTL`` seconds.

The user row itself, which Django reads on every logged-in request, is kept there too (``user``):
any save of a user (deactivation, a new password, a role flag) moves the generation on at once,
so the next request reads the row again and a deactivated account or a changed password ends
the old sessions as before (tests/core/test_request_cost.py). Only a login's ``last_login`` stamp
leaves it in place. Accounts are changed with ``save()`` (core.accounts); a queryset ``update()``
of the user table would be seen only within ``ACCESS_TTL`` seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from cppcc_portal.core.caching import CachedValues
from cppcc_portal.core.models import CommitteeSeat

ACCESS_TTL = 300
ACCESS = CachedValues("access", ttl=ACCESS_TTL)
T = TypeVar("T")


def for_user(user, name: str, compute: Callable[[], T]) -> T:
    """compute() for this user through the cache; straight from the database if the cache is down."""
    return ACCESS.cached(f"{user.pk}:{name}", compute)


def user(user_id, load: Callable[[], T]) -> T:
    """The user row for a session (load() reads it; None for a missing or inactive account)."""
    return ACCESS.cached(f"{user_id}:user", load)


def connect_signals() -> None:
    user_model = get_user_model()
    ACCESS.watch(
        user_model,
        Group,
        Permission,
        user_model.groups.through,
        user_model.user_permissions.through,
        Group.permissions.through,
        # A person's roles per committee are their seats' roles (core.roles.groups_in_hand).
        CommitteeSeat,
        CommitteeSeat.roles.through,
    )
