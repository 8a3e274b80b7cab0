"""The 长辈版 switch: a person's own choice, kept on their preference, audited, shown on every page."""

import pytest

from cppcc_portal.core import preferences
from cppcc_portal.core.errors import DomainError
from cppcc_portal.core.models import AuditEvent, UserPreference
from tests.conftest import login

pytestmark = pytest.mark.django_db


def body_classes(response) -> str:
    html = response.content.decode()
    return html.split("<body", 1)[1].split(">", 1)[0]


def test_a_member_turns_the_elder_mode_on_and_every_page_shows_it(client, member_user):
    login(client, member_user)
    assert "elder" not in body_classes(client.get("/portal/"))
    response = client.post("/elder-mode/", {"elder_mode": "on", "next": "/portal/records/"})
    assert response.status_code == 302 and response.url == "/portal/records/"
    assert UserPreference.objects.get(user=member_user).elder_mode is True
    page = client.get("/portal/records/")
    assert 'class="elder ' in body_classes(page)
    assert 'aria-pressed="true"' in page.content.decode()
    event = AuditEvent.objects.get(action="preference.elder_mode")
    assert event.actor == member_user and event.changes == {"elder_mode": [False, True]}


def test_the_elder_mode_is_still_on_at_the_next_login(client, member_user):
    preferences.preference_set_elder_mode(user=member_user, elder_mode=True)
    login(client, member_user)
    assert "elder" in body_classes(client.get("/portal/"))
    client.logout()
    login(client, member_user)
    assert "elder" in body_classes(client.get("/portal/"))
    client.post("/elder-mode/", {"elder_mode": "off"})
    assert "elder" not in body_classes(client.get("/portal/"))
    assert UserPreference.objects.get(user=member_user).elder_mode is False


def test_a_bad_value_changes_nothing(client, member_user):
    login(client, member_user)
    response = client.post("/elder-mode/", {"elder_mode": "maybe"})
    assert response.status_code == 400
    assert not UserPreference.objects.filter(user=member_user, elder_mode=True).exists()
    assert not AuditEvent.objects.filter(action="preference.elder_mode").exists()
    with pytest.raises(DomainError):
        preferences.preference_set_elder_mode(user=member_user, elder_mode="yes")


def test_an_anonymous_visitor_cannot_switch_and_a_next_outside_the_portal_is_ignored(client, member_user):
    response = client.post("/elder-mode/", {"elder_mode": "on"})
    assert response.status_code == 302 and "/accounts/login/" in response.url
    login(client, member_user)
    response = client.post("/elder-mode/", {"elder_mode": "on", "next": "https://evil.example/"})
    assert response.url == "/"


def test_switching_the_language_is_kept_and_audited_too(client, member_user):
    login(client, member_user)
    client.post("/language/", {"language": "en", "next": "/portal/"})
    assert UserPreference.objects.get(user=member_user).language == "en"
    event = AuditEvent.objects.get(action="preference.language")
    assert event.changes == {"language": ["zh-hans", "en"]}
    with pytest.raises(DomainError):
        preferences.preference_set_language(user=member_user, language="xx")
