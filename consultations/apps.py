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

    def _register_plan_links(self) -> None:
        """Show each work-plan item's consultation topics on the plan."""
        from consultations.links import topic_links
        from workplan.links import register_item_links

        register_item_links(topic_links)

        from consultations import demo
        from cppcc_portal.core.demo import register_seeder

        register_seeder(demo.seed)
