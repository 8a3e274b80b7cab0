from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Democratic supervision")

    def ready(self) -> None:
        from cppcc_portal.core import workspace

        workspace.register_portal_tab(_("Supervision"), "supervision:my", order=60)
        workspace.register_unit_tab(_("Supervision recommendations"), "supervision_units:list", order=20)
        self._register_plan_links()

    def _register_plan_links(self) -> None:
        """Show each work-plan item's supervision topics on the plan, where the plan offers the hook."""
        try:
            from workplan.links import register_item_links
        except ImportError:  # the plan's link registry is optional; the topics still carry the item
            return
        from supervision.links import topic_links

        register_item_links(topic_links)
