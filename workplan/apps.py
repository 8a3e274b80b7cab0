from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkplanConfig(AppConfig):
    name = "workplan"
    verbose_name = _("Work plan")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model

        from cppcc_portal.core.demo import register_seeder
        from workplan import demo, generation
        from workplan.models import Item, Section, Task, WorkPlan

        register_seeder(demo.seed)

        # Hand edits and deletes of the plan reach the cached plan page too (see workplan.generation);
        # so does a renamed account, since task owners are shown by name.
        generation.watch(WorkPlan, Section, Item, Task, get_user_model())
