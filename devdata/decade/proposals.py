"""The generator's proposals with their handling, events and replies, and the social-conditions reports."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.db.models import Max

from devdata.decade.vocabulary import TOPICS
from devdata.decade.writing import Progress, Writer, _aware


class ProposalSteps:
    """Proposals and reports (steps of `Decade`)."""

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
