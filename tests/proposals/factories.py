"""Factories of the proposals app's tests."""

import factory

from proposals.models import ProposalCategory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProposalCategory
        django_get_or_create = ("name",)

    name = factory.Iterator(["经济建设", "城市建设管理", "教育文化卫生", "社会法制", "其他"])
