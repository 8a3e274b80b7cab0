"""A city and two of its districts in one installation, with an office, a leader and a member in each.

The city is committee number one (the top, no parent); the districts 西城 and 海淀 sit under it.
Each person has one seat, so each works in their own committee without choosing. Names, numbers
and years differ per committee (each committee's proposals are of its own year) wherever
uniqueness may still be per installation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cppcc_portal.core import committees, roles
from cppcc_portal.core.models import Committee
from proposals import services
from tests.factories import CommitteeFactory, MemberFactory, UserFactory
from tests.proposals.factories import CategoryFactory


@dataclass
class Level:
    committee: Committee
    staff: object
    leader: object
    member_user: object
    member: object
    category: object
    year: int
    people: dict = field(default_factory=dict)

    def proposal(self, title: str, year: int | None = None):
        """A proposal of this committee's member, submitted and awaiting the office's review."""
        with committees.working_for(self.committee):
            draft = services.proposal_create(
                actor=self.staff,
                submitter=self.member,
                title=title,
                reason=f"{self.committee}的{title}：现状与问题。",
                suggestions="建议有关部门统筹研究解决。",
                category=self.category,
                year=year or self.year,
            )
            return services.proposal_submit(proposal=draft, actor=self.staff)

    def report(self, title: str, year: int | None = None):
        with committees.working_for(self.committee):
            return services.report_submit(
                actor=self.member_user,
                title=title,
                situation=f"{self.committee}：{title}。",
                year=year or self.year,
            )


@dataclass
class Levels:
    city: Level
    a: Level
    b: Level

    def each(self):
        return {"city": self.city, "a": self.a, "b": self.b}


def _level(committee: Committee, key: str, category: str, year: int) -> Level:
    staff = UserFactory(username=f"{key}-staff", role=roles.STAFF, first_name=f"{committee}办公室")
    leader = UserFactory(username=f"{key}-leader", role=roles.LEADER, first_name=f"{committee}主席")
    member_user = UserFactory(username=f"{key}-member", role=roles.MEMBER)
    for user in (staff, leader, member_user):
        committees.seat_add(actor=None, user=user, committee=committee)
    with committees.working_for(committee):
        member = MemberFactory(user=member_user, name=f"{committee}委员")
        found = CategoryFactory(name=category)
    people = {"staff": staff, "leader": leader, "member": member_user}
    return Level(committee, staff, leader, member_user, member, found, year, people)


def build_levels() -> Levels:
    city = committees.default()
    a = CommitteeFactory(
        slug="xicheng", short_name="西城区政协", name="中国人民政治协商会议北京市西城区委员会"
    )
    b = CommitteeFactory(
        slug="haidian", short_name="海淀区政协", name="中国人民政治协商会议北京市海淀区委员会"
    )
    return Levels(
        city=_level(city, "city", "城市建设管理", 2026),
        a=_level(a, "xicheng", "西城·城市建设", 2025),
        b=_level(b, "haidian", "海淀·城市建设", 2024),
    )
