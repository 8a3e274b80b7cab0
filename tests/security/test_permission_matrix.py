"""Every URL of the portal, visited by every role, answers as the matrix says (tests/security/matrix.py)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import reverse

from cppcc_portal.core import roles
from tests.security.conftest import in_a_district
from tests.security.matrix import EXPECTED, OBJECT_ACTIONS, ROLES
from tests.security.urls import all_url_names, build_url, default_kwargs

pytestmark = pytest.mark.django_db

# The matrix runs per committee: in committee number one and in a district built the same way,
# whose personas are seated there only (issue 20: the permission matrix runs per committee).
matrix_committee = pytest.fixture(params=["one", "district"], name="matrix_committee")(in_a_district)

# What a district answers otherwise, and why: the roll-up is a committee without a parent's (the
# city's), and a district's office and leaders drill into no committee above them (the URL names
# committee number one, the district's parent).
IN_A_DISTRICT = {
    "dashboard:rollup": (302, 403, 403, 403, 403, 403, 404, 404),
    "dashboard:committee": (302, 403, 403, 403, 403, 403, 404, 404),
}


def expected_in(committee) -> dict[str, tuple]:
    return EXPECTED if committee.parent_id is None else {**EXPECTED, **IN_A_DISTRICT}


ADMIN_VIEWS = (
    "changelist",
    "add",
    "change",
    "delete",
    "history",
    "import",
    "process_import",
    "export",
    "import_job",
)
NON_STAFF = ("anonymous", "member", "other_member", "committee_leader", "unit", "other_unit")
# The admin has no per-object scoping: one gate (AdminSite.admin_view) turns every non-staff login
# away, so per-model admin URLs are checked for one persona of each kind.
ADMIN_ROLES = ("anonymous", "member", "unit", "leader", "staff")


def admin_models() -> dict[str, tuple]:
    """'app_model' -> (model, model_admin) for every model registered in the admin."""
    return {
        f"{model._meta.app_label}_{model._meta.model_name}": (model, model_admin)
        for model, model_admin in admin.site._registry.items()
    }


def admin_view_of(name: str):
    """(model, model_admin, view) for a per-model admin URL name, else None."""
    if not name.startswith("admin:"):
        return None
    registry = admin_models()
    for view in sorted(ADMIN_VIEWS, key=len, reverse=True):
        suffix = f"_{view}"
        if name.endswith(suffix) and name[len("admin:") : -len(suffix)] in registry:
            model, model_admin = registry[name[len("admin:") : -len(suffix)]]
            return model, model_admin, view
    return None


def admin_expected(model, model_admin, view, users) -> tuple[tuple, dict]:
    """The statuses of one admin view: non-staff go to the admin login; leaders only ever read."""
    obj = model._default_manager.order_by("pk").first()
    kwargs = {"object_id": obj.pk} if view in ("change", "delete", "history") and obj else {}
    if view in ("change", "delete", "history") and not obj:
        kwargs = {"object_id": 999999}
    if view == "import_job":
        kwargs = {"job_id": 999999}

    def status(user, leader: bool):
        request = RequestFactory().get("/admin/")
        request.user = user
        can_view = model_admin.has_view_or_change_permission(request)
        if view == "process_import":
            return 405  # it only takes the POST of a confirmed import
        if view == "import_job":
            # A background import's page: for those who may import; no job 999999 exists.
            return 404 if getattr(model_admin, "has_import_permission", lambda r: False)(request) else 403
        if view in ("add", "delete", "import") and leader:
            return 403  # leaders never write
        if view == "history" and not obj:
            return 302  # the admin sends a missing object back to its index
        if view == "change" and not obj:
            return 302 if can_view else 403
        allowed = {
            "changelist": can_view,
            "change": can_view,
            "history": can_view,
            "add": model_admin.has_add_permission(request),
            "delete": model_admin.has_delete_permission(request, obj),
            "import": getattr(model_admin, "has_import_permission", lambda r: False)(request),
            "export": getattr(model_admin, "has_export_permission", lambda r: False)(request),
        }[view]
        if not allowed:
            return 403
        return 302 if view == "delete" and not obj else 200

    expected = tuple(
        302 if role in NON_STAFF else status(users[role], leader=(role == "leader")) for role in ADMIN_ROLES
    )
    return expected, kwargs


def clients_of(world) -> dict[str, Client]:
    """One logged-in client per role, reused for every URL (a login per request would be slow)."""
    clients = {}
    for role in ROLES:
        clients[role] = Client(raise_request_exception=False)
        if world.users[role] is not None:
            clients[role].force_login(world.users[role])
    return clients


def visit(clients, url: str, roles=ROLES) -> dict[str, int]:
    return {role: clients[role].get(url).status_code for role in roles}


def describe(name, url, expected, got, roles=ROLES) -> str:
    diffs = ", ".join(
        f"{role} {e}->{got[role]}" for role, e in zip(roles, expected, strict=True) if got[role] != e
    )
    return f"{name} ({url}): {diffs}"


def test_every_url_name_is_classified():
    unclassified = [
        name for name, _route in all_url_names() if name not in EXPECTED and admin_view_of(name) is None
    ]
    assert not unclassified, f"add these URL names to tests/security/matrix.py: {unclassified}"
    stale = sorted(set(EXPECTED) - {name for name, _route in all_url_names()})
    assert not stale, f"these rows name URLs that no longer exist: {stale}"


def test_pages_and_api_answer_each_role_as_the_matrix_says(world, matrix_committee):
    # The world is the committee's own, and its personas' requests work in it.
    assert world.proposal.tenant_id == world.member_obj.tenant_id == matrix_committee.pk
    routes = dict(all_url_names())
    clients = clients_of(world)
    mismatches = []
    for name, expected in expected_in(matrix_committee).items():
        if name not in routes:
            continue
        url = build_url(name, default_kwargs(name, routes[name], world))
        got = visit(clients, url)
        if tuple(got[r] for r in ROLES) != expected:
            mismatches.append(describe(name, url, expected, got))
    assert not mismatches, "\n".join(mismatches)


def test_no_url_answers_a_server_error_to_anyone(world):
    """Guessed ids of nothing at all: every role gets an answer, never a 500."""
    routes = dict(all_url_names())
    clients = clients_of(world)
    errors = []
    for name, route in routes.items():
        if "pk>" not in route and "(?P<pk>" not in route:
            continue
        kwargs = {
            key: 999999 if key in ("pk", "attachment_id", "evidence_id", "attachment_pk") else value
            for key, value in default_kwargs(name, route, world).items()
        }
        url = build_url(name, kwargs)
        for role, status in visit(clients, url).items():
            if status >= 500:
                errors.append(f"{name} {url} as {role}: {status}")
    assert not errors, "\n".join(errors)


def test_admin_lets_in_staff_and_leaders_read_only_and_nobody_else(world):
    users = world.users
    clients = clients_of(world)
    mismatches = []
    checked = 0
    for name, _route in all_url_names():
        found = admin_view_of(name)
        if found is None:
            continue
        model, model_admin, view = found
        expected, kwargs = admin_expected(model, model_admin, view, users)
        url = reverse(name, kwargs=kwargs or None)
        got = visit(clients, url, ADMIN_ROLES)
        checked += 1
        if tuple(got[r] for r in ADMIN_ROLES) != expected:
            mismatches.append(describe(name, url, expected, got, ADMIN_ROLES))
    assert checked > 100
    assert not mismatches, "\n".join(mismatches)


def test_nobody_acts_on_another_persons_record_by_guessing_its_id(world):
    routes = dict(all_url_names())
    allowed_through = []
    for name, source, refused_roles, *body in OBJECT_ACTIONS:
        if name not in routes:
            continue
        payload = _resolve(body[0], world) if body else {}
        kwargs = default_kwargs(name, routes[name], world)
        kwargs["pk"] = world.objects[source].pk
        url = build_url(name, kwargs)
        for role in refused_roles:
            client = Client(raise_request_exception=False)
            client.force_login(world.users[role])
            if payload:
                status = client.post(url, payload, content_type="application/json").status_code
            else:
                status = client.post(url, {}).status_code
            if status not in (403, 404):
                allowed_through.append(f"{name} {url} as {role}: {status}")
    assert not allowed_through, "\n".join(allowed_through)


def _resolve(value, world):
    """A JSON body whose strings naming world objects become those objects' ids."""
    if isinstance(value, dict):
        return {k: _resolve(v, world) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, world) for v in value]
    if isinstance(value, str) and value in world.objects:
        return world.objects[value].pk
    return value


def test_the_matrix_covers_every_role_of_the_portal():
    # The separated administrators have their own denial tests (test_separated_administrators.py).
    covered = {r.replace("other_", "") for r in ROLES} | {"staff"}
    assert set(roles.ROLES) - {"info_officer", *roles.ADMINISTRATORS} <= covered
    assert all(len(row) == len(ROLES) for row in EXPECTED.values())
