"""Factories of democratic supervision: topics, groups, recommendations, rectification items."""

import datetime as dt

import factory

from supervision import models as sm
from tests.factories import HandlingUnitFactory, MemberFactory


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = sm.SupervisionTopic

    title = factory.Sequence(lambda n: f"监督议题{n}")
    year = 2017
    source = "party_committee"


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = sm.SupervisionGroup
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"民主监督小组{n}")
    year = 2017
    leader = factory.SubFactory(MemberFactory)

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.add(*extracted)


class RecommendationFactory(factory.django.DjangoModelFactory):
    """A draft recommendation; pass state= to place it anywhere in the workflow directly."""

    class Meta:
        model = sm.Recommendation
        skip_postgeneration_save = True

    topic = factory.SubFactory(TopicFactory)
    group = factory.SubFactory(GroupFactory)
    unit = factory.SubFactory(HandlingUnitFactory)
    title = factory.Sequence(lambda n: f"监督意见{n}")
    text = "建议加快推进。"
    due_on = dt.date(2017, 6, 30)

    @factory.post_generation
    def _group_works_on_topic(self, create, extracted, **kwargs):
        if create:
            self.group.topics.add(self.topic)


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = sm.RectificationItem

    recommendation = factory.SubFactory(RecommendationFactory)
    description = factory.Sequence(lambda n: f"整改事项{n}")
    owner = "王科长"
    due_on = dt.date(2017, 9, 30)
