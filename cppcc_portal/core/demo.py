"""Demo data: each app registers its seeder from its AppConfig.ready(); the command runs them in order.

Core knows no app by name: apps register with it (the import direction runs from them to core).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

DEMO_ACCOUNTS = {"demo_staff": "staff", "demo_leader": "leader", "demo_member": "member", "demo_unit": "unit"}
# The people behind the demo logins (the member's name comes from the roster seat they take).
DEMO_NAMES = {"demo_staff": "王秘书", "demo_leader": "李主席", "demo_unit": "赵联络员"}


@dataclass
class DemoContext:
    """What the demo seeders share: the year, demo users by role, an output stream, options."""

    year: int
    users: dict[str, Any]
    stdout: Any
    years: int = 1
    options: dict[str, Any] = field(default_factory=dict)

    def say(self, message: str) -> None:
        self.stdout.write(message)


Seeder = Callable[[DemoContext], None]
_seeders: list[Seeder] = []
_decade_seeders: list[Seeder] = []


def register_seeder(seed: Seeder) -> None:
    """An app's demo data for the requested year. Apps register in INSTALLED_APPS order, which
    follows the import direction, so an app's seeder may use what earlier ones made."""
    if seed not in _seeders:
        _seeders.append(seed)


def register_decade_seeder(seed: Seeder) -> None:
    """Bulk data for `seed_demo --years N` (N > 1), run after every app's seeder."""
    if seed not in _decade_seeders:
        _decade_seeders.append(seed)


def run_seeders(context: DemoContext) -> None:
    for seed in _seeders:
        seed(context)
    if context.years > 1:
        for seed in _decade_seeders:
            seed(context)


# `seed_demo --committees N`: the city of Beijing and N - 1 of its districts. Committee number one
# (the installation's own, 东城区 by the default settings) stays what it is and becomes the first
# district under the city, so an installation's existing data keeps its committee; the city and the
# other districts are added, each built with data of its own.
CITY = ("beijing", "北京市政协", "中国人民政治协商会议北京市委员会")
DISTRICTS = [
    ("dongcheng", "东城区"),
    ("xicheng", "西城区"),
    ("chaoyang", "朝阳区"),
    ("haidian", "海淀区"),
    ("fengtai", "丰台区"),
    ("shijingshan", "石景山区"),
    ("mentougou", "门头沟区"),
    ("fangshan", "房山区"),
    ("tongzhou", "通州区"),
    ("shunyi", "顺义区"),
    ("changping", "昌平区"),
    ("daxing", "大兴区"),
    ("huairou", "怀柔区"),
    ("pinggu", "平谷区"),
    ("miyun", "密云区"),
    ("yanqing", "延庆区"),
]
MAX_COMMITTEES = len(DISTRICTS) + 1


def demo_committees(count: int) -> list:
    """The city and its first ``count - 1`` districts (made if missing), the city first; committee
    number one is the first district."""
    from cppcc_portal.core import committees
    from cppcc_portal.core.models import Committee

    slug, short_name, name = CITY
    city = Committee.objects.filter(slug=slug).first()
    if city is None:
        city = committees.committee_save(
            actor=None, committee=Committee(slug=slug, short_name=short_name, name=name), created=True
        )
    one = committees.default()
    if one.parent_id is None and one.pk != city.pk:
        one.parent = city
        committees.committee_save(actor=None, committee=one, changes={"parent": [None, city]})
    built = [city, one]
    for slug, district in DISTRICTS[1 : count - 1]:
        found = Committee.objects.filter(slug=slug).first()
        if found is None:
            found = committees.committee_save(
                actor=None,
                committee=Committee(
                    slug=slug,
                    short_name=f"{district}政协",
                    name=f"中国人民政治协商会议北京市{district}委员会",
                    parent=city,
                ),
                created=True,
            )
        built.append(found)
    return built


def run_committee_seeders(context: DemoContext) -> None:
    """A committee's own data (the city's, a district's): the bulk seeders, for as few as one year.

    Run inside ``committees.working_for(committee)``: every row is that committee's."""
    for seed in _decade_seeders:
        seed(context)
