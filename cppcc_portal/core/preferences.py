"""A person's own display settings: interface language and the 长辈版 (elder mode), each audited.

The middleware (core.middleware.UserLanguageMiddleware) reads both once per session; these services
write the stored preference and the copy in the session together.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from cppcc_portal.core.audit import record_event
from cppcc_portal.core.errors import DomainError
from cppcc_portal.core.models import UserPreference

SESSION_LANGUAGE = "portal_language"
SESSION_ELDER_MODE = "portal_elder_mode"


def _set(*, user, field: str, value, action: str) -> UserPreference:
    with transaction.atomic():
        preference, _created = UserPreference.objects.select_for_update().get_or_create(user=user)
        before = getattr(preference, field)
        if before != value:
            setattr(preference, field, value)
            preference.full_clean()
            preference.save(update_fields=[field])
            record_event(actor=user, action=action, obj=preference, changes={field: [before, value]})
    return preference


def preference_set_language(*, user, language: str, session=None) -> UserPreference:
    """A person chooses the interface language; it follows them to every later session."""
    if language not in dict(settings.LANGUAGES):
        raise DomainError(
            _("Unknown language: %(language)s") % {"language": language},
            code="bad_language",
            field="language",
        )
    preference = _set(user=user, field="language", value=language, action="preference.language")
    if session is not None:
        session[SESSION_LANGUAGE] = language
    return preference


def preference_set_elder_mode(*, user, elder_mode: bool, session=None) -> UserPreference:
    """A person turns the 长辈版 (large text, high contrast, simple navigation) on or off for good."""
    if not isinstance(elder_mode, bool):
        raise DomainError(_("Elder mode is either on or off."), code="bad_elder_mode", field="elder_mode")
    preference = _set(user=user, field="elder_mode", value=elder_mode, action="preference.elder_mode")
    if session is not None:
        session[SESSION_ELDER_MODE] = elder_mode
    return preference
