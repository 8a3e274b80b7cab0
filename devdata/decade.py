"""Ten years of a district's data, built in minutes, to prove the pages stay fast (`seed_demo --years 10`).

About 500 members over three terms, a work plan a year, 10,000 activities and 100,000 attendance
rows a year, 2,000 proposals and 3,000 social-conditions reports a year with their handling,
events, duty records, supervision recommendations and notifications. Rows are written with
PostgreSQL `COPY` in large chunks (ids allocated up front so children can point at parents); on
another database the same rows go through `bulk_create` in batches of 5,000. Everything is seeded
from a fixed random seed, so two runs build the same district.

Demo data is a bulk load, not office work: it bypasses the services (no audit rows, no signals)
on purpose, and refreshes the dashboard's stored figures at the end.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import time
from collections.abc import Iterable, Sequence
from typing import Any

from django.apps import apps
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from cppcc_portal.core.bulk_insert import copy_text

BULK_PREFIX = "D"  # member numbers of generated members: D14-0001 …
CHUNK = 50_000
ORM_BATCH = 5_000

STREETS = [
    "东华门",
    "景山",
    "交道口",
    "安定门",
    "北新桥",
    "东四",
    "朝阳门",
    "建国门",
    "东直门",
    "和平里",
    "前门",
    "崇文门外",
    "东花市",
    "龙潭",
    "体育馆路",
    "天坛",
    "永定门外",
]
PARTIES = [
    ("中国共产党", "中共"),
    ("中国国民党革命委员会", "民革"),
    ("中国民主同盟", "民盟"),
    ("中国民主建国会", "民建"),
    ("中国民主促进会", "民进"),
    ("中国农工民主党", "农工党"),
    ("中国致公党", "致公党"),
    ("九三学社", "九三学社"),
    ("台湾民主自治同盟", "台盟"),
    ("无党派人士", "无党派"),
    ("群众", "群众"),
]
SECTORS = [
    "中国共产党",
    "民革",
    "民盟",
    "民建",
    "民进",
    "农工党",
    "致公党",
    "九三学社",
    "无党派人士",
    "共青团和青联",
    "总工会",
    "妇联",
    "工商联",
    "科协",
    "文化艺术界",
    "科学技术界",
    "经济界",
    "教育界",
    "医药卫生界",
    "社会福利和社会保障界",
    "少数民族界",
    "宗教界",
    "特邀人士",
]
COMMITTEES = [
    "提案委员会",
    "经济委员会",
    "城市建设和管理委员会",
    "教育文化卫生体育委员会",
    "社会和法制委员会",
    "民族宗教和港澳台侨委员会",
    "文史和学习委员会",
]
UNITS = [
    "区发展改革委",
    "区教委",
    "区科委",
    "区经济信息化委",
    "区民政局",
    "区司法局",
    "区财政局",
    "区人力社保局",
    "区环保局",
    "区住房城市建设委",
    "区市政市容委",
    "区交通委",
    "区商务委",
    "区文化委",
    "区卫生计生委",
    "区旅游委",
    "区体育局",
    "区统计局",
    "区园林绿化局",
    "区安全监管局",
]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文志海燕春梅晓东"
TOPICS = [
    "老旧小区改造",
    "居家养老服务",
    "背街小巷环境整治",
    "历史文化街区保护",
    "中小学课后服务",
    "社区卫生服务",
    "停车难治理",
    "垃圾分类",
    "非遗传承",
    "营商环境",
    "胡同绿化",
    "便民菜市场",
]
SIZES = {
    "members_per_term": 170,
    "activities": 10_000,
    "participants": 10,
    "proposals": 2_000,
    "reports": 3_000,
    "duty_records_per_member": 20,
    "recommendations": 20,
}


class Progress:
    """Progress lines on the command's output: one bar per step, redrawn every ~10%."""

    def __init__(self, say, label: str, total: int):
        self.say, self.label, self.total = say, label, max(total, 1)
        self.done, self.next_mark, self.started = 0, 0.0, time.monotonic()

    def add(self, count: int) -> None:
        self.done += count
        share = self.done / self.total
        if share >= self.next_mark or self.done >= self.total:
            filled = int(share * 20)
            self.say(
                f"  {self.label:<22} [{'#' * filled}{'-' * (20 - filled)}] {share:6.1%} "
                f"{self.done:>9,}/{self.total:,}  {time.monotonic() - self.started:6.1f}s"
            )
            self.next_mark = share + 0.1


class Writer:
    """Write many rows of one model: fixed columns prepared once from a template instance.

    `fields` are the attnames that vary per row (always starting with the id); every other column
    takes the value a `Model(**base)` would be saved with (its defaults, auto_now_add, …).
    """

    def __init__(self, model, fields: Sequence[str], base: dict[str, Any] | None = None):
        self.model = model
        self.fields = list(fields)
        template = model(**(base or {}))
        concrete = [f for f in model._meta.concrete_fields]
        by_attname = {f.attname: f for f in concrete}
        self.columns = [by_attname[name].column for name in self.fields]
        self.fixed_columns, self.fixed_values = [], []
        for field in concrete:
            if field.attname in self.fields:
                continue
            value = field.pre_save(template, add=True)
            self.fixed_columns.append(field.column)
            self.fixed_values.append(copy_text(field.get_db_prep_save(value, connection)))
        self.table = model._meta.db_table
        self.postgres = connection.vendor == "postgresql"

    def next_id(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT COALESCE(MAX("id"), 0) FROM "{self.table}"')  # noqa: S608 - our table name
            return cursor.fetchone()[0] + 1

    def write(self, rows: Iterable[Sequence[Any]], progress: Progress | None = None) -> int:
        count = 0
        chunk: list[Sequence[Any]] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= CHUNK:
                count += self._flush(chunk, progress)
                chunk = []
        if chunk:
            count += self._flush(chunk, progress)
        self._reset_sequence()
        return count

    def _flush(self, rows: list[Sequence[Any]], progress: Progress | None) -> int:
        if self.postgres:
            buffer = io.StringIO()
            fixed = self.fixed_values
            for row in rows:
                buffer.write(",".join([copy_text(v) for v in row] + fixed))
                buffer.write("\n")
            buffer.seek(0)
            columns = ", ".join(f'"{c}"' for c in self.columns + self.fixed_columns)
            with connection.cursor() as cursor:
                cursor.copy_expert(
                    f"COPY \"{self.table}\" ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer
                )
        else:
            objs = []
            for row in rows:
                obj = self.model(**dict(zip(self.fields, row, strict=True)))
                objs.append(obj)
            self.model.objects.bulk_create(objs, batch_size=ORM_BATCH)
        if progress:
            progress.add(len(rows))
        return len(rows)

    def _reset_sequence(self) -> None:
        if not self.postgres:
            return
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{self.table}\"', 'id'), "  # noqa: S608
                f'(SELECT COALESCE(MAX("id"), 1) FROM "{self.table}"))'
            )


def _get(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _aware(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_current_timezone())


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def already_built() -> bool:
    return _get("members.Member").objects.filter(member_number__startswith=BULK_PREFIX).exists()


def built_years(years: Iterable[int]) -> set[int]:
    """The years that already hold generated activities (titled "2016年meeting活动1" …, never by hand)."""
    Activity = _get("members.Activity")
    return {
        year
        for year in years
        if Activity.objects.filter(
            starts_at__year=year, title__regex=rf"^{year}年[a-z_]+活动[0-9]+$"
        ).exists()
    }


class Decade:
    """Builds the data set step by step; each step prints its own progress bar."""

    def __init__(
        self,
        *,
        last_year: int,
        years: int,
        say,
        seed: int = 2017,
        scale: float = 1.0,
        only: Iterable[int] | None = None,
    ):
        self.last_year, self.first_year = last_year, last_year - years + 1
        # `only`: the years still to build; the others of the span were built by an earlier run.
        span = range(self.first_year, last_year + 1)
        self.years = sorted(only) if only is not None else list(span)
        self.say = say
        self.rng = random.Random(seed)
        self.today = timezone.localdate()
        # `scale` shrinks every volume (tests build the same shape at a thousandth of the size).
        self.sizes = {key: max(1, int(value * scale)) for key, value in SIZES.items()}
        self.sizes["members_per_term"] = max(self.sizes["members_per_term"], 12)
        self.sizes["participants"] = min(SIZES["participants"], self.sizes["members_per_term"])

    # -- reference data and roster --------------------------------------------------------------

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

    def proposals(self) -> None:
        p = apps.get_app_config("proposals").models_module
        categories = [
            p.ProposalCategory.objects.get_or_create(name=name, defaults={"order": i})[0].pk
            for i, name in enumerate(("经济建设", "城市管理", "教育文化", "医疗卫生", "社会民生", "其他"))
        ]
        proposals = Writer(
            p.Proposal,
            [
                "id",
                "year",
                "title",
                "reason",
                "suggestions",
                "category_id",
                "submitter_id",
                "state",
                "number_seq",
                "number",
                "submitted_at",
                "accepted_at",
                "first_replied_on",
                "closed_at",
                "rejection_reason",
                "is_key",
            ],
            {"proposer_kind": "member"},
        )
        assignments = Writer(
            p.Assignment,
            [
                "id",
                "proposal_id",
                "unit_id",
                "role",
                "is_current",
                "assigned_on",
                "return_deadline_on",
                "reply_due_on",
                "original_due_on",
            ],
        )
        replies = Writer(
            p.Reply,
            [
                "id",
                "proposal_id",
                "unit_id",
                "category",
                "category_by_unit",
                "document_number",
                "contact_person",
                "contact_phone",
                "body",
                "submitted_at",
                "published_at",
            ],
        )
        feedback = Writer(p.Feedback, ["id", "proposal_id", "reply_id", "member_id", "rating"])
        events = Writer(p.ProposalEvent, ["id", "proposal_id", "action", "from_state", "to_state"])
        links = Writer(p.Proposal.items.through, ["id", "proposal_id", "item_id"])
        ids = {
            name: w.next_id()
            for name, w in (
                ("proposal", proposals),
                ("assignment", assignments),
                ("reply", replies),
                ("feedback", feedback),
                ("event", events),
                ("link", links),
            )
        }
        rows = {name: [] for name in ids}
        per_year = self.sizes["proposals"]
        # Weights: most proposals of past years are closed; the current year is still in handling.
        past_states = [
            ("closed", 80),
            ("rejected", 6),
            ("converted", 5),
            ("merged", 2),
            ("withdrawn", 2),
            ("awaiting_evaluation", 5),
        ]
        current_states = [
            ("draft", 3),
            ("cosigning", 5),
            ("awaiting_review", 7),
            ("assigned", 10),
            ("handling", 30),
            ("awaiting_evaluation", 15),
            ("closed", 20),
            ("rejected", 5),
            ("converted", 5),
        ]
        replied_states = {"awaiting_evaluation", "closed"}
        handled_states = replied_states | {"assigned", "handling"}
        # Numbers continue after the highest one of the year (the demo seeder's, or the office's).
        highest = dict(
            p.Proposal.objects.filter(year__in=self.years, number_seq__isnull=False)
            .values("year")
            .annotate(top=Max("number_seq"))
            .values_list("year", "top")
        )
        last_numbers: dict[int, int] = {}
        for year in self.years:
            weights = past_states if year < self.last_year else current_states
            members = self.members_by_term[self.term_of(year).number]
            items = self.items_by_year[year]
            seq = highest.get(year, 0)
            for n in range(per_year):
                pid = ids["proposal"]
                ids["proposal"] += 1
                state = self.rng.choices([s for s, _ in weights], [w for _, w in weights])[0]
                submitted = _aware(dt.date(year, 1, 5) + dt.timedelta(days=n % 60), 10)
                accepted = state in handled_states
                number_seq = None
                if accepted:
                    seq += 1
                    number_seq = seq
                assigned_on = submitted.date() + dt.timedelta(days=20)
                due = assigned_on + dt.timedelta(days=90)
                replied_on = None
                if state in replied_states:
                    replied_on = assigned_on + dt.timedelta(days=self.rng.randint(30, 110))
                rows["proposal"].append(
                    (
                        pid,
                        year,
                        f"关于{self.rng.choice(TOPICS)}的提案（{year}-{n + 1}）",
                        "现状与问题。",
                        "建议如下。",
                        self.rng.choice(categories),
                        self.rng.choice(members),
                        state,
                        number_seq,
                        f"{year}-{number_seq:03d}" if number_seq else "",
                        submitted,
                        submitted + dt.timedelta(days=15) if accepted else None,
                        replied_on,
                        _aware(replied_on + dt.timedelta(days=20))
                        if state == "closed" and replied_on
                        else None,
                        "不符合立案条件" if state == "rejected" else "",
                        n % 50 == 0,
                    )
                )
                rows["link"].append((ids["link"], pid, items[n % len(items)]))
                ids["link"] += 1
                rows["event"].append((ids["event"], pid, "submit", "draft", "cosigning"))
                ids["event"] += 1
                if state == "draft":
                    rows["event"].pop()
                if accepted:
                    unit = self.rng.choice(self.units).pk
                    rows["assignment"].append(
                        (
                            ids["assignment"],
                            pid,
                            unit,
                            "lead",
                            True,
                            assigned_on,
                            assigned_on + dt.timedelta(days=10),
                            due,
                            due,
                        )
                    )
                    ids["assignment"] += 1
                    rows["event"].append((ids["event"], pid, "assign", "accepted", "assigned"))
                    ids["event"] += 1
                    if replied_on:
                        reply_id = ids["reply"]
                        ids["reply"] += 1
                        category = self.rng.choices("ABCD", (55, 30, 10, 5))[0]
                        rows["reply"].append(
                            (
                                reply_id,
                                pid,
                                unit,
                                category,
                                category,
                                f"东政复〔{year}〕{n + 1}号",
                                "联系人",
                                "010-64000000",
                                "答复内容。",
                                _aware(replied_on),
                                _aware(replied_on),
                            )
                        )
                        rows["event"].append(
                            (ids["event"], pid, "reply", "under_review", "awaiting_evaluation")
                        )
                        ids["event"] += 1
                        if state == "closed":
                            rating = self.rng.choices(("satisfied", "basically", "unsatisfied"), (70, 25, 5))[
                                0
                            ]
                            rows["feedback"].append(
                                (ids["feedback"], pid, reply_id, self.rng.choice(members), rating)
                            )
                            ids["feedback"] += 1
                            rows["event"].append(
                                (ids["event"], pid, "close", "awaiting_evaluation", "closed")
                            )
                            ids["event"] += 1
            last_numbers[year] = seq
        total = sum(len(r) for r in rows.values())
        progress = Progress(self.say, "proposals and handling", total)
        proposals.write(rows["proposal"], progress)
        links.write(rows["link"], progress)
        assignments.write(rows["assignment"], progress)
        replies.write(rows["reply"], progress)
        feedback.write(rows["feedback"], progress)
        events.write(rows["event"], progress)
        self._advance_counters(p, last_numbers)

    def _advance_counters(self, p, last_numbers: dict[int, int]) -> None:
        """The next proposal submitted in the portal is numbered after the generated ones."""
        Counter = getattr(p, "ProposalCounter", None)
        if Counter is None:
            return
        for year, last in last_numbers.items():
            counter, _ = Counter.objects.get_or_create(year=year)
            if counter.last_number < last:
                Counter.objects.filter(pk=counter.pk).update(last_number=last)

    def reports(self) -> None:
        p = apps.get_app_config("proposals").models_module
        writer = Writer(
            p.OpinionReport,
            [
                "id",
                "year",
                "title",
                "situation",
                "author_kind",
                "author_member_id",
                "state",
                "adoption_level",
                "adopted_on",
            ],
        )
        events = Writer(p.ReportEvent, ["id", "report_id", "action", "from_state", "to_state"])
        links = Writer(p.OpinionReport.items.through, ["id", "opinionreport_id", "item_id"])
        report_id, event_id, link_id = writer.next_id(), events.next_id(), links.next_id()
        report_rows, event_rows, link_rows = [], [], []
        levels = [("district", 60), ("city", 30), ("province", 8), ("national", 2)]
        for year in self.years:
            members = self.members_by_term[self.term_of(year).number]
            items = self.items_by_year[year]
            for n in range(self.sizes["reports"]):
                state = self.rng.choices(
                    ("submitted", "editing", "adopted", "filed", "published"), (5, 10, 25, 35, 25)
                )[0]
                adopted = state in ("adopted", "published")
                level = (
                    self.rng.choices([lv for lv, _ in levels], [w for _, w in levels])[0] if adopted else ""
                )
                report_rows.append(
                    (
                        report_id,
                        year,
                        f"关于{self.rng.choice(TOPICS)}的社情民意（{year}-{n + 1}）",
                        "情况反映。",
                        "member",
                        self.rng.choice(members),
                        state,
                        level,
                        dt.date(year, 1 + n % 12, 15) if adopted else None,
                    )
                )
                link_rows.append((link_id, report_id, items[n % len(items)]))
                link_id += 1
                if state != "submitted":
                    event_rows.append((event_id, report_id, "edit", "submitted", "editing"))
                    event_id += 1
                if state in ("adopted", "filed", "published"):
                    event_rows.append(
                        (event_id, report_id, "decide", "editing", "adopted" if adopted else "filed")
                    )
                    event_id += 1
                report_id += 1
        progress = Progress(self.say, "reports", len(report_rows) + len(event_rows) + len(link_rows))
        writer.write(report_rows, progress)
        links.write(link_rows, progress)
        events.write(event_rows, progress)

    # -- supervision and notifications ----------------------------------------------------------

    def supervision(self) -> None:
        s = apps.get_app_config("supervision").models_module
        recommendations = Writer(
            s.Recommendation, ["id", "group_id", "topic_id", "unit_id", "title", "text", "due_on", "state"]
        )
        events = Writer(s.RecommendationEvent, ["id", "recommendation_id", "from_state", "to_state"])
        rec_id, event_id = recommendations.next_id(), events.next_id()
        rec_rows, event_rows = [], []
        for year in self.years:
            members = self.members_by_term[self.term_of(year).number]
            for t in range(4):
                # Topic and group names are unique per year: the demo seeder's own are reused.
                topic = s.SupervisionTopic.objects.get_or_create(
                    title=f"{year}年{TOPICS[(year + t) % len(TOPICS)]}民主监督",
                    year=year,
                    defaults={"source": "party_committee"},
                )[0]
                group = s.SupervisionGroup.objects.get_or_create(
                    name=f"{year}年第{t + 1}监督小组", year=year, defaults={"leader_id": members[t]}
                )[0]
                group.topics.add(topic)
                for n in range(max(1, self.sizes["recommendations"] // 4)):
                    due = dt.date(year, 4 + n, 30)
                    if year < self.last_year:
                        state = "closed"
                    else:
                        state = ("sent", "answered", "rectifying", "closed", "sent")[n % 5]
                    rec_rows.append(
                        (
                            rec_id,
                            group.pk,
                            topic.pk,
                            self.rng.choice(self.units).pk,
                            f"监督意见{year}-{t}-{n}",
                            "意见。",
                            due,
                            state,
                        )
                    )
                    event_rows.append((event_id, rec_id, "draft", "sent"))
                    event_id += 1
                    rec_id += 1
        progress = Progress(self.say, "supervision", len(rec_rows) + len(event_rows))
        recommendations.write(rec_rows, progress)
        events.write(event_rows, progress)

    def notifications(self, users: Sequence) -> None:
        Notification = _get("core.Notification")
        if Notification is None or not users:
            return
        writer = Writer(
            Notification,
            ["id", "recipient_id", "kind", "dedupe_key", "title", "due_at", "inbox_at", "state", "sent_at"],
        )
        next_id = writer.next_id()
        per_year = self.sizes["activities"]
        recipients = [user.pk for user in users]

        def rows():
            nonlocal next_id
            for year in self.years:
                for n in range(per_year):
                    due = _aware(dt.date(year, 1, 1) + dt.timedelta(days=n % 365), 8)
                    past = due.date() < self.today
                    yield (
                        next_id,
                        recipients[n % len(recipients)],
                        "bulk.reminder",
                        f"bulk:{year}:{n}",
                        f"{year}年提醒{n + 1}",
                        due,
                        due,
                        "sent" if past else "pending",
                        due if past else None,
                    )
                    next_id += 1

        writer.write(rows(), Progress(self.say, "notifications", per_year * len(self.years)))

    def refresh_figures(self) -> None:
        from cppcc_portal.dashboard.figures import refresh_year_figures
        from workplan import generation

        progress = Progress(self.say, "dashboard figures", len(self.years))
        for year in self.years:
            refresh_year_figures(year)
            progress.add(1)
        # COPY sends no signal: the plan pages' cached link counts are recounted on next view.
        generation.forget()


def seed_decade(context) -> None:
    """seed_demo step for `--years N` (N > 1): the bulk data set, unless it is already there."""
    years = getattr(context, "years", 1)
    if years <= 1:
        return
    build(last_year=context.year, years=years, say=context.say, users=list(context.users.values()))


def build(*, last_year: int, years: int, say, users: Sequence = (), scale: float = 1.0) -> bool:
    """Build the years of `last_year - years + 1 … last_year` not built yet; False if none was missing."""
    first_year = last_year - years + 1
    done = built_years(range(first_year, last_year + 1))
    missing = [year for year in range(first_year, last_year + 1) if year not in done]
    if not missing:
        say(f"ten-year data set: already built for {first_year}–{last_year}")
        return False
    started = time.monotonic()
    say(f"building {len(missing)} years of data ({', '.join(map(str, missing))}) …")
    decade = Decade(last_year=last_year, years=years, say=say, scale=scale, only=missing)
    with transaction.atomic():
        decade.reference()
        decade.roster()
        decade.plans()
        decade.activities()
        decade.duty_records()
        if _get("proposals.Proposal") is not None:
            decade.proposals()
            decade.reports()
        if _get("supervision.Recommendation") is not None:
            decade.supervision()
        decade.notifications(users)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    decade.refresh_figures()
    say(f"built in {time.monotonic() - started:.0f}s")
    return True
