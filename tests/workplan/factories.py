"""Factories of the work plan's own models (plans, sections and items are in tests/factories.py)."""

import datetime

import factory

from tests.factories import ItemFactory
from workplan.models import ProgressUpdate, Task


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    item = factory.SubFactory(ItemFactory)
    title = factory.Sequence(lambda n: f"任务{n}")
    start_date = datetime.date(2017, 3, 1)
    due_date = datetime.date(2017, 6, 30)
    weight = 1


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    item = factory.SubFactory(ItemFactory)
    date = datetime.date(2017, 5, 1)
    note = factory.Sequence(lambda n: f"进展{n}")
