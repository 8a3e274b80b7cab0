"""The API speaks one error format, documents itself, and hands users their tokens."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from drf_spectacular.drainage import GENERATOR_STATS
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cppcc_portal.core.api import TokenThrottle
from cppcc_portal.core.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_anonymous_api_call_is_401_with_a_stable_code_in_chinese(api):
    response = api.get("/api/v1/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response.json()["detail"] == "身份认证信息未提供。"
    assert response.headers["WWW-Authenticate"].startswith("Token")


def test_error_message_follows_the_language_the_person_chose(api, settings):
    # Chinese whatever the browser says; the language cookie (the portal's switch) changes it.
    assert api.get("/api/v1/", HTTP_ACCEPT_LANGUAGE="en").json()["detail"] == "身份认证信息未提供。"
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = api.get("/api/v1/")
    assert response.json() == {
        "code": "not_authenticated",
        "detail": "Authentication credentials were not provided.",
    }


def test_unknown_api_url_is_a_json_404(api, staff_user):
    api.force_authenticate(staff_user)
    response = api.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found"


def test_wrong_method_is_a_json_405(api):
    response = api.get(reverse("api-token"))
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_a_bad_token_is_401_authentication_failed(api):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api.get("/api/v1/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_member_exchanges_password_for_a_token_and_uses_it(api, member_user):
    response = api.post(reverse("api-token"), {"username": "member", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(user=member_user).key == token
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/").status_code == 200


def test_wrong_password_gets_no_token_and_one_vague_message(api, member_user):
    response = api.post(reverse("api-token"), {"username": "member", "password": "nope"}, format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "invalid_credentials"
    assert not Token.objects.filter(user=member_user).exists()


def test_token_endpoint_is_throttled_with_429_and_retry_after(api, member_user, monkeypatch):
    cache.clear()
    monkeypatch.setattr(TokenThrottle, "THROTTLE_RATES", {"token": "2/min"})
    for _ in range(2):
        api.post(reverse("api-token"), {"username": "member", "password": "nope"}, format="json")
    response = api.post(reverse("api-token"), {"username": "member", "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert response.json()["retry_after"] > 0
    assert "Retry-After" in response.headers
    cache.clear()


def test_token_page_creates_and_replaces_a_token_and_audits_it(client, member_user):
    client.force_login(member_user)
    page = client.get(reverse("api_token"))
    assert page.status_code == 200
    assert "Authorization: Token" in page.content.decode()
    client.post(reverse("api_token"))
    first = Token.objects.get(user=member_user).key
    client.post(reverse("api_token"))
    second = Token.objects.get(user=member_user).key
    assert first != second
    assert second in client.get(reverse("api_token")).content.decode()
    actions = AuditEvent.objects.filter(object_id=str(member_user.pk), action__startswith="api_token")
    assert sorted(actions.values_list("action", flat=True)) == ["api_token.created", "api_token.replaced"]


def test_token_page_needs_a_login(client):
    response = client.get(reverse("api_token"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_schema_documents_every_error_on_every_operation(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    operations = [
        (path, method, op)
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert ("/api/v1/auth/token/", "post") in {(p, m) for p, m, _ in operations}
    for path, method, op in operations:
        for code in ("400", "401", "403", "404", "429"):
            assert code in op["responses"], f"{method.upper()} {path} does not document {code}"
    for path, method, op in operations:
        if path != "/api/v1/auth/token/":
            assert {"tokenAuth": []} in op["security"], f"{method.upper()} {path} does not take a token"


def test_schema_generates_without_warnings(tmp_path):
    """`spectacular --validate --fail-on-warn`: every endpoint of every app is described."""
    GENERATOR_STATS.reset()  # warnings of earlier schema builds in this process are not this run's
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert (tmp_path / "schema.yml").read_text().startswith("openapi: 3")


def test_swagger_page_loads_its_script_from_the_portal(client):
    page = client.get(reverse("api-docs")).content.decode()
    assert "<style" not in page
    assert "?script=" in page
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    script = client.get(reverse("api-docs") + "?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "validatorUrl" in script.content.decode()
