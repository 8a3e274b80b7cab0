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
        from cppcc_portal.core.demo import register_seeder
        from proposals import demo, similarity_sync

        similarity_sync.connect()
        from proposals.links import proposal_and_report_links
        from workplan.links import register_item_links

        register_item_links(proposal_and_report_links)
        register_seeder(demo.seed)
        from members.models import HandlingUnit
        from proposals.caches import UNIT_PAGES
        from proposals.models import Assignment, Proposal

        # The unit workspace kept per reader shows these rows or is decided by them.
        UNIT_PAGES.watch(Assignment, Proposal, HandlingUnit, HandlingUnit.accounts.through)
