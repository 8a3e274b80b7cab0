from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Political consultation")

    def ready(self) -> None:
        from cppcc_portal.core import workspace

        workspace.register_portal_tab(_("Consultation"), "consultations:home", order=55)
        workspace.register_unit_tab(_("Consultation feedback"), "consultations_units:list", order=30)
        self._register_plan_links()
        self._watch_topic_pages()

    def _watch_topic_pages(self) -> None:
        """A topic's cached page (selectors.TOPIC_PAGES) moves on with every write to a consultation
        model, its M2M tables included, or to a row they point at (members, units, activities,
        meetings, plan items, accounts: the names and dates the page shows); with every write to a
        speech or a meeting's session (the speeches a member's tab and a topic list, the meetings
        the office may put a topic on); and with every change of a reader's roles (their groups,
        their seat's roles in a committee, the units an account answers for), which decide the
        topics each reader may read and the buttons and forms of each reader's copy (views)."""
        from django.apps import apps
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        from consultations.selectors import TOPIC_PAGES
        from cppcc_portal.core.models import CommitteeSeat

        models = set(self.get_models(include_auto_created=True))
        for model in list(models):
            for field in model._meta.get_fields():
                if (field.many_to_one or field.one_to_one or field.many_to_many) and field.concrete:
                    models.add(field.related_model)
        models.add(apps.get_model("meetings", "Speech"))  # its meeting is a row a topic points at
        # The sessions of a meeting: the speeches' order and the meetings of a year the office may
        # put a topic on (selectors.topic_speeches, linkable_meetings).
        models.add(apps.get_model("meetings", "MeetingSession"))
        models.update((Group, get_user_model().groups.through, CommitteeSeat, CommitteeSeat.roles.through))
        # The units a unit's account answers for decide the topics it reads (selectors.topic_list).
        models.add(apps.get_model("members", "HandlingUnit").accounts.through)
        TOPIC_PAGES.watch(*sorted(models, key=lambda model: model._meta.label))

    def _register_plan_links(self) -> None:
        """Show each work-plan item's consultation topics on the plan."""
        from consultations.links import topic_links
        from workplan.links import register_item_links

        register_item_links(topic_links)

        from consultations import demo
        from cppcc_portal.core.demo import register_seeder

        register_seeder(demo.seed)
