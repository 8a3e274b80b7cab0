from django.apps import AppConfig
from django.contrib.auth import get_user_model
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "cppcc_portal.core"
    label = "core"
    verbose_name = _("Portal core")

    def ready(self) -> None:
        from cppcc_portal.core import (
            access_cache,
            auth_events,
            committees,
            passwords,
            permission_audit,
            roles,
            sessions,
            tokens,
            two_factor,
        )
        from cppcc_portal.core.notifications import selectors as notification_selectors

        access_cache.connect_signals()
        auth_events.connect()
        committees.connect_signals()
        passwords.connect()
        two_factor.connect()
        sessions.connect()
        permission_audit.connect()
        tokens.connect_signals()
        notification_selectors.connect_signals()

        # Permissions exist only after post_migrate, so role grants are synced then, every time.
        post_migrate.connect(roles.sync_role_permissions, dispatch_uid="core.sync_roles")
        post_migrate.connect(committees.ensure_default, sender=self, dispatch_uid="core.default_committee")
        from cppcc_portal.core.notifications import rules

        # Each app's reminders.py registers its rules; their beat schedules are created once.
        rules.autodiscover()
        post_migrate.connect(rules.ensure_schedules, sender=self, dispatch_uid="core.reminder_schedules")

        # A user is shown by the person's name (姓名) wherever the admin or a page prints one
        # (recipients, owners, actors, choices); the login name only when no name is recorded.
        # Members' logins carry their roster name (members.services.member_user_name_sync).
        get_user_model().__str__ = _person_name


def _person_name(user) -> str:
    return user.get_full_name() or user.get_username()
