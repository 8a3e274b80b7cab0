from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Democratic supervision")

    def ready(self) -> None:
        from cppcc_portal.core import workspace

        workspace.register_portal_tab(_("Supervision"), "supervision:my", order=60)
        workspace.register_unit_tab(_("Supervision recommendations"), "supervision_units:list", order=20)
        from cppcc_portal.core.demo import register_seeder
        from supervision import demo
        from supervision.links import topic_links
        from workplan.links import register_item_links

        # Each work-plan item's supervision topics show on the plan.
        register_item_links(topic_links)
        register_seeder(demo.seed)
