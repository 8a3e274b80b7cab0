"""The generator's supervision recommendations and their events."""

from __future__ import annotations

import datetime as dt

from django.apps import apps

from devdata.decade.vocabulary import TOPICS
from devdata.decade.writing import Progress, Writer


class SupervisionSteps:
    """Supervision recommendations (a step of `Decade`)."""

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
