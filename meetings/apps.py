from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        from cppcc_portal.core import workspace

        workspace.register_portal_tab(_("My meetings"), "meetings_portal:agenda", order=15)

        from cppcc_portal.core.demo import register_seeder
        from meetings import demo

        register_seeder(demo.seed)
        self._watch_console()
        self._watch_reader_pages()

    def _watch_console(self) -> None:
        """The console's cached meeting (selectors.CONSOLE) moves on with every write to what it
        holds (the sessions' state and the item shown, set by a motion opened, included)."""
        from meetings.selectors import CONSOLE

        CONSOLE.watch(*self._console_models())

    def _console_models(self) -> tuple:
        """What the console's cached meeting holds: the meeting, its sessions, agenda, motions, plan
        items, documents, resolutions and speeches, and the rows they name."""
        Meeting, MeetingSession = self.get_model("Meeting"), self.get_model("MeetingSession")
        Speech = self.get_model("Speech")
        return (
            Meeting,
            Meeting.items.through,
            MeetingSession,
            self.get_model("AgendaItem"),
            self.get_model("Motion"),
            self.get_model("MeetingDocument"),
            self.get_model("DocumentVersion"),
            self.get_model("Resolution"),
            Speech,
            # The rows they name: the sessions' activities, the plan items, the committee, the
            # speakers (their names).
            MeetingSession.activity.field.related_model,
            Meeting.items.field.related_model,
            Meeting.committee.field.related_model,
            Speech.member.field.related_model,
        )

    def _watch_reader_pages(self) -> None:
        """The rendered list, console and agenda (selectors.READER_PAGES) move on with every write to
        what they show: all the console's meeting holds, and the members' places in the sessions
        (answers, leave, check-ins; their bulk writes by the members' signal), the discussion groups
        and the receipts of votes cast. Roles are in the pages' keys, not watched."""
        from meetings.selectors import READER_PAGES
        from members.signals import participations_written

        READER_PAGES.watch(
            *self._console_models(),
            self.get_model("DiscussionGroup"),
            self.get_model("GroupAssignment"),
            self.get_model("VoteReceipt"),
            self.apps.get_model("members", "Participation"),
        )
        participations_written.connect(
            lambda **kwargs: READER_PAGES.changed(), dispatch_uid="meeting-pages-participations", weak=False
        )
