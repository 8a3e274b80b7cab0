"""Factories shared by every app's tests (accounts, roster, bodies, units, activities)."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from cppcc_portal.core import committees, roles
from cppcc_portal.core.models import Committee
from members import models as m
from workplan import models as wp


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or "pass-Word-123")
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        self.groups.add(roles.ensure_groups()[extracted])
        if extracted in (roles.STAFF, roles.LEADER, *roles.ADMINISTRATORS) and not self.is_staff:
            self.is_staff = True
            self.save(update_fields=["is_staff"])


def committee_one() -> Committee:
    """The default committee every factory's row belongs to (the model's ``tenant`` default)."""
    return committees.default()


class CommitteeFactory(factory.django.DjangoModelFactory):
    """Another committee: a district under committee number one unless told otherwise."""

    class Meta:
        model = Committee
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"district{n}")
    short_name = factory.Sequence(lambda n: f"第{n}区政协")
    name = factory.LazyAttribute(lambda o: f"中国人民政治协商会议{o.short_name}全称")
    parent = factory.LazyFunction(committee_one)


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Term
        django_get_or_create = ("tenant", "number")

    # Found or made in the committee in hand: each committee has its own (unique per committee).
    tenant = factory.LazyFunction(committees.current)

    number = 14
    starts_on = dt.date(2017, 1, 1)
    ends_on = dt.date(2021, 12, 31)


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Party
        django_get_or_create = ("name",)

    name = factory.Iterator(["中国共产党", "中国民主同盟", "九三学社", "无党派人士"])


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Sector
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"界别{n}")


class SpecialCommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.SpecialCommittee
        django_get_or_create = ("tenant", "name")

    # Found or made in the committee in hand: each committee has its own (unique per committee).
    tenant = factory.LazyFunction(committees.current)

    name = factory.Sequence(lambda n: f"专委会{n}")


class StreetGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.StreetGroup
        django_get_or_create = ("tenant", "name")

    # Found or made in the committee in hand: each committee has its own (unique per committee).
    tenant = factory.LazyFunction(committees.current)

    street = factory.Sequence(lambda n: f"街道{n}")
    name = factory.LazyAttribute(lambda o: f"{o.street}委员活动小组")


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Member

    member_number = factory.Sequence(lambda n: f"M{n:05d}")
    name = factory.Sequence(lambda n: f"委员{n}")
    gender = "female"
    party = factory.SubFactory(PartyFactory)
    sector = factory.SubFactory(SectorFactory)
    term = factory.SubFactory(TermFactory)
    phone = "13800138000"
    birth_date = dt.date(1970, 5, 1)


class HandlingUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.HandlingUnit
        django_get_or_create = ("tenant", "name")

    # Found or made in the committee in hand: each committee has its own (unique per committee).
    tenant = factory.LazyFunction(committees.current)

    name = factory.Sequence(lambda n: f"区单位{n}")


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Activity

    title = factory.Sequence(lambda n: f"活动{n}")
    kind = "meeting"
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))


class WorkPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = wp.WorkPlan
        django_get_or_create = ("tenant", "year")

    # Found or made in the committee in hand: each committee has its own (unique per committee).
    tenant = factory.LazyFunction(committees.current)

    year = 2017
    title = factory.LazyAttribute(lambda o: f"{o.year} 年工作要点")


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = wp.Section

    plan = factory.SubFactory(WorkPlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"部分{n}")


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = wp.Item

    section = factory.SubFactory(SectionFactory)
    plan = factory.LazyAttribute(lambda o: o.section.plan)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"要点{n}")
