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
        meetings, plan items, accounts: the names and dates the page shows); and with every write to
        a speech (the speeches at consultation meetings a member's tab lists, selectors.own_lists)."""
        from django.apps import apps

        from consultations.selectors import TOPIC_PAGES

        models = set(self.get_models(include_auto_created=True))
        for model in list(models):
            for field in model._meta.get_fields():
                if (field.many_to_one or field.one_to_one or field.many_to_many) and field.concrete:
                    models.add(field.related_model)
        models.add(apps.get_model("meetings", "Speech"))  # its meeting is a row a topic points at
        TOPIC_PAGES.watch(*sorted(models, key=lambda model: model._meta.label))

    def _register_plan_links(self) -> None:
        """Show each work-plan item's consultation topics on the plan."""
        from consultations.links import topic_links
        from workplan.links import register_item_links

        register_item_links(topic_links)

        from consultations import demo
        from cppcc_portal.core.demo import register_seeder

        register_seeder(demo.seed)
