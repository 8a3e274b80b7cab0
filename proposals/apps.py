from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Proposals and social-conditions reports")

    def ready(self) -> None:
        from cppcc_portal.core.workspace import register_portal_tab, register_unit_tab

        register_portal_tab(_("Proposals"), "proposals:list", order=30)
        register_portal_tab(_("Social-conditions reports"), "proposals:reports", order=35)
        register_unit_tab(_("Proposals"), "proposals_units:home", order=10)
        register_unit_tab(_("Handled proposals"), "proposals_units:handled", order=15)
        from proposals import similarity_sync

        similarity_sync.connect()
        try:
            from workplan.links import register_item_links
        except ImportError:  # the plan app may be switched off
            return
        from proposals.links import proposal_and_report_links

        register_item_links(proposal_and_report_links)
