"""The generator's activities, their attendance and the members' duty records."""

from __future__ import annotations

import datetime as dt

from django.apps import apps

from devdata.decade.writing import Progress, Writer, _aware, _get


class ActivitySteps:
    """Activities, participations and duty records (steps of `Decade`)."""

    def activities(self) -> None:
        m = apps.get_app_config("members").models_module
        kinds = [k for k in m.Activity._meta.get_field("kind").choices]
        writer = Writer(
            m.Activity,
            [
                "id",
                "title",
                "kind",
                "organiser_kind",
                "organiser_committee_id",
                "starts_at",
                "ends_at",
                "status",
            ],
            {"half_days": 1},
        )
        links = Writer(m.Activity.items.through, ["id", "activity_id", "item_id"])
        people = Writer(
            m.Participation,
            ["id", "activity_id", "member_id", "invitation", "attendance", "recorded_at"],
        )
        activity_id, link_id, person_id = writer.next_id(), links.next_id(), people.next_id()
        per_year = self.sizes["activities"]
        total = per_year * len(self.years)
        acts_progress = Progress(self.say, "activities", total)
        people_progress = Progress(self.say, "attendance rows", total * self.sizes["participants"])
        self.activity_ranges = {}

        def activity_rows():
            nonlocal activity_id
            for year in self.years:
                first = activity_id
                for n in range(per_year):
                    day = dt.date(year, 1, 1) + dt.timedelta(days=self.rng.randrange(365))
                    starts = _aware(day, 9 + n % 6)
                    kind = self.rng.choice(kinds)[0]
                    committee = self.rng.choice(self.committees).pk if n % 3 == 0 else None
                    yield (
                        activity_id,
                        f"{year}年{kind}活动{n + 1}",
                        kind,
                        "committee" if committee else "office",
                        committee,
                        starts,
                        starts + dt.timedelta(hours=2),
                        "held" if starts.date() < self.today else "planned",
                    )
                    activity_id += 1
                self.activity_ranges[year] = (first, activity_id)

        writer.write(activity_rows(), acts_progress)

        def link_rows():
            nonlocal link_id
            for year, (first, last) in self.activity_ranges.items():
                items = self.items_by_year[year]
                for act in range(first, last):
                    yield (link_id, act, items[act % len(items)])
                    link_id += 1

        links.write(link_rows())

        def participation_rows():
            nonlocal person_id
            for year, (first, last) in self.activity_ranges.items():
                members = self.members_by_term[self.term_of(year).number]
                for act in range(first, last):
                    recorded = _aware(dt.date(year, 1, 1) + dt.timedelta(days=(act * 7) % 365), 18)
                    past = recorded.date() < self.today
                    for member_id in self.rng.sample(members, self.sizes["participants"]):
                        roll = self.rng.random()
                        attendance = (
                            ("present" if roll < 0.82 else "leave" if roll < 0.93 else "absent")
                            if past
                            else "unrecorded"
                        )
                        yield (person_id, act, member_id, "accepted", attendance, recorded if past else None)
                        person_id += 1

        people.write(participation_rows(), people_progress)

    def duty_records(self) -> None:
        DutyRecord = _get("members.DutyRecord")
        if DutyRecord is None:
            return
        kinds = ["meeting", "plenary", "training", "proposal_accepted", "report_submitted"]
        writer = Writer(
            DutyRecord,
            [
                "id",
                "member_id",
                "year",
                "event_kind",
                "role",
                "occurred_on",
                "title",
                "status",
                "verified_at",
            ],
        )
        next_id = writer.next_id()
        per_member = self.sizes["duty_records_per_member"]
        total = sum(
            per_member if member_id % 9 else 2
            for y in self.years
            for member_id in self.members_by_term[self.term_of(y).number]
        )

        def rows():
            nonlocal next_id
            for year in self.years:
                for member_id in self.members_by_term[self.term_of(year).number]:
                    # Some members fall short of the minimums: fewer records, no reports.
                    count = per_member if member_id % 9 else 2
                    for n in range(count):
                        kind = kinds[n % len(kinds)]
                        day = dt.date(year, 1 + n % 12, 10)
                        role = "lead" if kind.startswith("proposal") else "participant"
                        yield (
                            next_id,
                            member_id,
                            year,
                            kind,
                            role,
                            day,
                            f"{year}年履职记录",
                            "verified",
                            _aware(day, 17),
                        )
                        next_id += 1

        writer.write(rows(), Progress(self.say, "duty records", total))
        # Points are the scoring rules' (members.scoring), stored for the years written.
        from members.services import duty_points_refresh

        for year in self.years:
            duty_points_refresh(year=year)

    # -- proposals and reports ------------------------------------------------------------------
