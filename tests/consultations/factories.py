"""Factories of political consultation: plans, windows, topics, outcomes."""

import datetime as dt

import factory

from consultations import models as cm


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.ConsultationPlan

    year = 2017
    title = factory.LazyAttribute(lambda o: f"{o.year}年度协商计划")


class WindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.CollectionWindow

    year = 2017
    title = "2017年协商议题征集"
    opens_on = dt.date(2017, 1, 5)
    closes_on = dt.date(2017, 1, 25)


class TopicFactory(factory.django.DjangoModelFactory):
    """A draft topic; pass state= to place it anywhere directly."""

    class Meta:
        model = cm.ConsultationTopic

    year = 2017
    title = factory.Sequence(lambda n: f"协商议题{n}")
    source = "party_committee"
    form = "standing_committee"
    lead_body = "城建环保委员会"
    planned_month = 6


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.Outcome

    topic = factory.SubFactory(TopicFactory, state="held")
    kind = "recommendation"
    title = factory.Sequence(lambda n: f"协商成果{n}")
