"""Factories of the members app's own models (participations, duty records, scoring rules)."""

import datetime as dt

import factory
from django.utils import timezone

from members import models as m
from tests.factories import ActivityFactory, MemberFactory


class TrainingFactory(ActivityFactory):
    kind = "training"
    capacity = 2
    enrolment_deadline = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=3))


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Participation

    activity = factory.SubFactory(ActivityFactory)
    member = factory.SubFactory(MemberFactory)


class DutyRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.DutyRecord

    member = factory.SubFactory(MemberFactory)
    event_kind = "self_reported"
    role = "participant"
    occurred_on = dt.date(2017, 5, 4)
    year = factory.LazyAttribute(lambda o: o.occurred_on.year)
    title = factory.Sequence(lambda n: f"履职{n}")
    status = "submitted"
