from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "cppcc_portal.dashboard"
    label = "dashboard"
    verbose_name = _("Leaders' dashboard")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from cppcc_portal.core.demo import register_decade_seeder
        from cppcc_portal.dashboard.figures import DATA_YEARS, PAGES, counted_models, mark_stale
        from cppcc_portal.dashboard.models import YearFigures

        # The decade of bulk data (dashboard, benchmarks) for `seed_demo --years N`.
        register_decade_seeder(seed_decade)

        # A write to anything the dashboard counts marks the stored figures stale, so the next
        # page view recomputes them, and moves the cached list of years on; bulk writes that send
        # no signal are caught by the age limit.
        DATA_YEARS.watch(*counted_models())
        # The rendered figures follow the stored rows they show.
        PAGES.watch(YearFigures)
        for model in counted_models():
            post_save.connect(
                mark_stale, sender=model, dispatch_uid=f"dashboard-stale-save-{model._meta.label}"
            )
            post_delete.connect(
                mark_stale, sender=model, dispatch_uid=f"dashboard-stale-del-{model._meta.label}"
            )


def seed_decade(context) -> None:
    """Ten years of bulk data: development-only code (devdata/), loaded only when asked for."""
    from devdata.decade import seed_decade as build

    build(context)
