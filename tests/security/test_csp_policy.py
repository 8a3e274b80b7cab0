"""The Content-Security-Policy is django-csp's, and it is the portal's policy to the letter on every page."""

from django.urls import reverse

# The policy the hand-written middleware sent before django-csp, directive by directive.
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def directives(response) -> dict:
    header = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def test_the_login_page_and_the_admin_send_the_portals_policy_and_permissions(client, staff_user):
    assert directives(client.get(reverse("login"))) == POLICY
    client.force_login(staff_user)
    response = client.get(reverse("admin:index"))
    assert directives(response) == POLICY
    assert response.headers["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"


def test_a_missing_page_and_a_json_answer_carry_the_policy_too(client, member_user):
    client.force_login(member_user)
    assert directives(client.get("/no-such-page/")) == POLICY
    assert directives(client.get(reverse("healthz"))) == POLICY
