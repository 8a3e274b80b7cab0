"""Dates are written one way everywhere: 2017-03-20 on pages, in the admin and in date inputs."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_the_admin_writes_a_date_as_the_portal_pages_do(client, staff_user):
    member = MemberFactory(name="赵委员", birth_date=dt.date(1970, 3, 20), joined_on=dt.date(2017, 1, 8))
    client.force_login(staff_user)
    change = client.get(reverse("admin:members_member_change", args=[member.pk])).content.decode()
    assert 'value="1970-03-20"' in change
    assert "1970/03/20" not in change and "1970年3月20日" not in change


def test_the_admin_list_writes_a_date_as_the_portal_pages_do(client, staff_user):
    from members.models import Term

    Term.objects.create(number=99, starts_on=dt.date(2017, 1, 8), ends_on=dt.date(2021, 12, 31))
    client.force_login(staff_user)
    page = client.get(reverse("admin:members_term_changelist")).content.decode()
    assert "2017-01-08" in page and "2017年1月8日" not in page
