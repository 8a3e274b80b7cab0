"""Factories of the proposals app's tests."""

import factory

from cppcc_portal.core import committees
from proposals.models import ProposalCategory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProposalCategory
        django_get_or_create = ("tenant", "name")

    # Found or made in the committee in hand (names are unique per committee).
    tenant = factory.LazyFunction(committees.current)
    name = factory.Iterator(["经济建设", "城市建设管理", "教育文化卫生", "社会法制", "其他"])
