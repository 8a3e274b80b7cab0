"""The generator's first steps: reference data (parties, sectors, committees, units, terms), the
roster of members and a work plan a year."""

from __future__ import annotations

import datetime as dt

from django.apps import apps

from devdata.decade.vocabulary import (
    BULK_PREFIX,
    COMMITTEES,
    ORM_BATCH,
    PARTIES,
    SECTORS,
    STREETS,
    UNITS,
)
from devdata.decade.writing import Progress, Writer, _get, _name


class RosterSteps:
    """Reference data, members and work plans (steps of `Decade`)."""

    def reference(self) -> None:
        m = apps.get_app_config("members").models_module
        self.parties = [
            m.Party.objects.get_or_create(name=name, defaults={"short_name": short, "order": i})[0]
            for i, (name, short) in enumerate(PARTIES)
        ]
        self.sectors = [
            m.Sector.objects.get_or_create(name=n, defaults={"order": i})[0] for i, n in enumerate(SECTORS)
        ]
        self.committees = [
            m.SpecialCommittee.objects.get_or_create(name=n, defaults={"order": i})[0]
            for i, n in enumerate(COMMITTEES)
        ]
        self.groups = [
            m.StreetGroup.objects.get_or_create(name=f"{s}街道委员活动小组", defaults={"street": f"{s}街道"})[
                0
            ]
            for s in STREETS
        ]
        self.units = [m.HandlingUnit.objects.get_or_create(name=n)[0] for n in UNITS]
        self.terms = {}
        start = 2017
        while start - 5 >= self.first_year - 4:
            start -= 5
        while start <= self.last_year:
            number = 14 + (start - 2017) // 5
            self.terms[number] = m.Term.objects.get_or_create(
                number=number,
                defaults={"starts_on": dt.date(start, 1, 1), "ends_on": dt.date(start + 4, 12, 31)},
            )[0]
            start += 5
        self.say(
            f"  reference data: {len(self.sectors)} sectors, {len(self.units)} units, {len(self.terms)} terms"
        )

    def term_of(self, year: int):
        return next(t for t in self.terms.values() if t.starts_on.year <= year <= t.ends_on.year)

    def roster(self) -> None:
        m = apps.get_app_config("members").models_module
        Member = m.Member
        writer = Writer(
            Member,
            [
                "id",
                "member_number",
                "name",
                "gender",
                "party_id",
                "sector_id",
                "term_id",
                "status",
                "is_standing_committee",
            ],
            {"ethnicity": "汉族"},
        )
        start = writer.next_id()
        rows, self.members_by_term = [], {}
        latest = max(self.terms)
        # A term whose generated roster exists (an earlier, shorter run) keeps it: no second roster.
        existing: dict[int, list[int]] = {}
        for pk, number in Member.objects.filter(member_number__startswith=BULK_PREFIX).values_list(
            "pk", "member_number"
        ):
            existing.setdefault(int(number[len(BULK_PREFIX) :].split("-")[0]), []).append(pk)
        for number, term in sorted(self.terms.items()):
            if number in existing:
                self.members_by_term[number] = sorted(existing[number])
                continue
            ids = []
            for index in range(self.sizes["members_per_term"]):
                member_id = start + len(rows)
                rows.append(
                    (
                        member_id,
                        f"{BULK_PREFIX}{number}-{index + 1:04d}",
                        _name(self.rng),
                        self.rng.choice(("male", "female")),
                        self.rng.choice(self.parties).pk,
                        self.rng.choice(self.sectors).pk,
                        term.pk,
                        "in_office" if number == latest else "left",
                        index < 30,
                    )
                )
                ids.append(member_id)
            self.members_by_term[number] = ids
        progress = Progress(self.say, "members", len(rows))
        writer.write(rows, progress)
        committee_rows, group_rows = [], []
        new_terms = {number for number in self.members_by_term if number not in existing}
        for ids in (self.members_by_term[number] for number in new_terms):
            for position, member_id in enumerate(ids):
                committee = self.committees[position % len(self.committees)]
                role = "director" if position < len(self.committees) else "member"
                committee_rows.append((member_id, committee.pk, role))
                group = self.groups[position % len(self.groups)]
                group_rows.append(
                    (member_id, group.pk, "leader" if position < len(self.groups) else "member")
                )
        m.CommitteeMembership.objects.bulk_create(
            [m.CommitteeMembership(member_id=a, committee_id=b, role=c) for a, b, c in committee_rows],
            batch_size=ORM_BATCH,
        )
        m.StreetGroupMembership.objects.bulk_create(
            [m.StreetGroupMembership(member_id=a, group_id=b, role=c) for a, b, c in group_rows],
            batch_size=ORM_BATCH,
        )

    # -- the plans ------------------------------------------------------------------------------

    def plans(self) -> None:
        wp = apps.get_app_config("workplan").models_module
        self.items_by_year: dict[int, list[int]] = {}
        made = 0
        for year in self.years:
            plan, created = wp.WorkPlan.objects.get_or_create(
                year=year, defaults={"title": f"政协北京市东城区委员会{year}年工作要点", "progress": 0}
            )
            if created:
                made += 1
                sections = wp.Section.objects.bulk_create(
                    [wp.Section(plan=plan, number=n, title=f"第{n}部分", progress=0) for n in range(1, 7)]
                )
                items = []
                for number in range(1, 21):
                    section = sections[min((number - 1) // 4, 5)]
                    status = (
                        self.rng.choice(("done", "done", "in_progress"))
                        if year < self.last_year
                        else "in_progress"
                    )
                    items.append(
                        wp.Item(
                            plan=plan,
                            section=section,
                            number=number,
                            title=f"{year}年工作要点第{number}条",
                            status=status,
                            progress=100 if status == "done" else self.rng.randint(30, 90),
                        )
                    )
                wp.Item.objects.bulk_create(items)
                Task = _get("workplan.Task")
                if Task is not None:
                    tasks = []
                    for item in items:
                        for n in range(3):
                            due = dt.date(year, 3 + n * 3, 28)
                            tasks.append(
                                Task(
                                    item=item,
                                    title=f"第{item.number}条任务{n + 1}",
                                    start_date=dt.date(year, 1, 15),
                                    due_date=due,
                                    status="done"
                                    if item.status == "done" or due < self.today
                                    else "in_progress",
                                )
                            )
                    Task.objects.bulk_create(tasks)
            self.items_by_year[year] = list(wp.Item.objects.filter(plan=plan).values_list("id", flat=True))
            if not self.items_by_year[year]:
                # A plan imported without items yet: one item so the year's rows can link to the plan.
                section = wp.Section.objects.filter(plan=plan).first() or wp.Section.objects.create(
                    plan=plan, number=1, title="第1部分", progress=0
                )
                item = wp.Item.objects.create(
                    plan=plan, section=section, number=1, title=f"{year}年工作要点第1条", progress=0
                )
                self.items_by_year[year] = [item.pk]
        self.say(f"  work plans: {made} built, {len(self.years) - made} already there")

    # -- activities and attendance --------------------------------------------------------------
