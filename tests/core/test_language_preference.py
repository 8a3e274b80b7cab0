"""A signed-in person's language choice is kept through the preference service, with an audit row."""

import pytest
from django.urls import reverse

from cppcc_portal.core.errors import DomainError
from cppcc_portal.core.models import AuditEvent, UserPreference
from cppcc_portal.core.preferences import preference_set_language


def test_choosing_english_is_kept_and_audited(client, member_user):
    client.force_login(member_user)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert UserPreference.objects.get(user=member_user).language == "en"
    event = AuditEvent.objects.get(action="preference.language")
    assert event.actor == member_user and event.changes["language"][1] == "en"


def test_an_unknown_language_is_refused_by_the_service_and_nothing_changes(member_user):
    with pytest.raises(DomainError):
        preference_set_language(user=member_user, language="xx")
    assert not UserPreference.objects.filter(user=member_user).exists()
