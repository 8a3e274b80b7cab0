from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        from cppcc_portal.core import workspace

        workspace.register_portal_tab(_("My meetings"), "meetings_portal:agenda", order=15)
