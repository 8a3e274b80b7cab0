from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members and duty performance")

    def ready(self):
        from cppcc_portal.core.workspace import register_portal_tab

        register_portal_tab(pgettext_lazy("members", "My portal"), "members:portal_home", 10)
        register_portal_tab(_("My duty records"), "members:records", 20)
        register_portal_tab(_("My score"), "members:score", 30)
        register_portal_tab(_("Duty file"), "members:duty_file", 40)
        register_portal_tab(_("My bodies' activities"), "members:led_activities", 50)
        register_portal_tab(_("Directory"), "members:directory", 90)
        from cppcc_portal.core.demo import register_seeder
        from members import demo
        from members.links import activities_for_items
        from workplan.links import register_item_links

        register_item_links(activities_for_items)
        register_seeder(demo.seed)

        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        from cppcc_portal.core.models import CommitteeSeat
        from members.models import (
            Activity,
            CommitteeMembership,
            DutyRecord,
            HandlingUnit,
            Member,
            Participation,
            Party,
            ScoringRule,
            Sector,
            StreetGroupMembership,
            Term,
            YearlyMinimum,
        )
        from members.selectors import READER_PAGES, ROSTER, SCORING
        from members.signals import participations_written

        # The cached rules and minimums of a year follow every write to them.
        SCORING.watch(ScoringRule, YearlyMinimum)
        # The signed-in person's member row, the bodies they lead and the units they answer for
        # follow every roster edit.
        ROSTER.watch(
            Member,
            Term,
            Party,
            Sector,
            CommitteeMembership,
            StreetGroupMembership,
            HandlingUnit,
            HandlingUnit.accounts.through,
        )
        # The members' reader pages (members.selectors.READER_PAGES: the portal home, the participations
        # API) show these rows or are decided by them: the bodies a member leads (their scope) and
        # the accounts' roles as core.access_cache reads them.
        user_model = get_user_model()
        READER_PAGES.watch(
            Member,
            Activity,
            Participation,
            DutyRecord,
            ScoringRule,
            YearlyMinimum,
            CommitteeMembership,
            StreetGroupMembership,
            user_model,
            Group,
            user_model.groups.through,
            CommitteeSeat,
            CommitteeSeat.roles.through,
        )
        participations_written.connect(
            lambda **kwargs: READER_PAGES.changed(), dispatch_uid="members-pages-participations", weak=False
        )
