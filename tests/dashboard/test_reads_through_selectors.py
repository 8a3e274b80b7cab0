"""The dashboard reads each app through its selectors by plain imports, and listens to real models."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from cppcc_portal.dashboard import figures
from cppcc_portal.dashboard.models import YearFigures
from proposals import services as proposal_services
from proposals.choices import ProposalState as S
from tests.proposals.factories import CategoryFactory
from tests.proposals.world import World

DASHBOARD = Path(figures.__file__).parent


def test_every_model_the_dashboard_listens_to_is_an_installed_model_with_its_receivers():
    listened = figures.counted_models()
    assert listened, "the dashboard listens to nothing"
    for model in listened:
        assert apps.get_model(model._meta.label) is model
        assert post_save.has_listeners(model) and post_delete.has_listeners(model), model._meta.label
    labels = {model._meta.label for model in listened}
    # Ratings, replies and assignments change the satisfaction, category and on-time figures.
    assert {"proposals.Feedback", "proposals.Reply", "proposals.Assignment"} <= labels


def test_the_dashboard_modules_import_no_app_by_string_and_walk_no_model_internals():
    # links.py finds the admin page of a model label: the admin's own registry, not an app's data.
    readers = [p for p in DASHBOARD.glob("*.py") if p.name != "links.py"]
    for path in readers:
        source = path.read_text()
        for pattern in (
            r"\bimportlib\b",
            r"apps\.get_model",
            r"_meta\.get_field",
            r"members\.views",
            r"WorkPlan\b",
        ):
            assert not re.search(pattern, source), f"{path.name} uses {pattern}"


@pytest.fixture
def world(member, other_member, staff_user, unit, unit_user, other_unit, other_unit_user, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return World(
        proposer=member,
        cosigner=other_member,
        staff=staff_user,
        unit=unit,
        unit_user=unit_user,
        other_unit=other_unit,
        other_unit_user=other_unit_user,
        category=CategoryFactory(name="城市建设管理"),
    )


@pytest.mark.django_db
def test_a_rating_refreshes_the_satisfaction_rate_on_the_next_read(world, django_capture_on_commit_callbacks):
    w = world
    year = timezone.localdate().year
    p = w.reach(S.ASSIGNED, assisting=False)
    w.write_reply(p, category="A")
    proposal_services.reply_send(proposal=p, actor=w.unit_user)
    proposal_services.reply_review(proposal=p, actor=w.staff)
    figures.refresh_year_figures(year)
    before, _ = figures.year_figures(year)
    assert before["proposals"]["satisfaction_rate"] is None

    with django_capture_on_commit_callbacks(execute=True):
        proposal_services.feedback_rate(proposal=p, actor=w.proposer.user, rating="satisfied")

    assert YearFigures.objects.get(year=year).stale is True
    after, computed_at = figures.year_figures(year)
    assert after["proposals"]["satisfaction_rate"] == 100.0
    assert computed_at > timezone.now() - dt.timedelta(minutes=1)
