"""Excel/CSV import and export of tasks: Chinese headers, natural keys, all-or-nothing."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from import_export import fields, instance_loaders, widgets

from cppcc_portal.core.audit import diff, record_event, snapshot
from cppcc_portal.core.spreadsheets import SpreadsheetSafeResource
from workplan import selectors
from workplan.choices import TaskStatus
from workplan.models import Item, Task
from workplan.services import TASK_FIELDS, TASK_TRANSITIONS, progress_recompute

# The sheet's headers are fixed Chinese words whatever the interface language: the office's
# spreadsheets use them and a re-import must match them exactly.
YEAR = "年度"
ITEM = "要点编号"
TITLE = "任务"
OWNER = "负责人"
START = "开始日期"
DUE = "截止日期"
STATUS = "状态"
WEIGHT = "权重"
PROGRESS = "进度"


class StatusWidget(widgets.Widget):
    """Status as the office writes it: 进行中 / in progress / in_progress are all accepted."""

    def _lookup(self) -> dict[str, str]:
        names: dict[str, str] = {}
        for value, label in TaskStatus.choices:
            names[value] = value
            names[str(label).lower()] = value
            with translation.override("zh-hans"):
                names[str(TaskStatus(value).label)] = value
        return names

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return TaskStatus.NOT_STARTED
        status = self._lookup().get(text) or self._lookup().get(text.lower())
        if status is None:
            raise ValueError(_("Unknown status “%(value)s”.") % {"value": text})
        return status

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        with translation.override("zh-hans"):
            return str(TaskStatus(value).label)


class PercentWidget(widgets.DecimalWidget):
    """进度: empty means "derive from the status"; 60, 60% and 0.6-less figures are percentages."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, str):
            value = value.strip().rstrip("%").strip()
        return super().clean(value, row=row, **kwargs)


class OwnerWidget(widgets.ForeignKeyWidget):
    """负责人 by username; an unknown name is a mistake in that row, not a crash of the import."""

    def __init__(self):
        super().__init__(get_user_model(), "username")

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(str(value).strip() if value not in (None, "") else value, row=row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(_("There is no user “%(value)s”.") % {"value": value}) from None


class ItemWidget(widgets.Widget):
    """要点编号 + the row's 年度 (or the newest plan) → the plan item."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            raise ValueError(_("The item number is required."))
        try:
            number = int(float(str(value).strip().rstrip(".")))
        except ValueError:
            raise ValueError(_("“%(value)s” is not an item number.") % {"value": value}) from None
        year_value = (row or {}).get(YEAR)
        if year_value not in (None, ""):
            try:
                year = int(float(str(year_value).strip()))
            except ValueError:
                raise ValueError(_("“%(value)s” is not a year.") % {"value": year_value}) from None
        else:
            latest = selectors.plan_latest()
            if latest is None:
                raise ValueError(_("No work plan has been imported yet."))
            year = latest.year
        item = Item.objects.filter(plan__year=year, number=number).select_related("plan").first()
        if item is None:
            raise ValueError(
                _("The %(year)d plan has no item %(number)d.") % {"year": year, "number": number}
            )
        return item

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.number


class TaskInstanceLoader(instance_loaders.ModelInstanceLoader):
    """A task is found again by its item (year + number) and its title: re-importing updates it."""

    def get_instance(self, row):
        try:
            item = self.resource.fields["item"].clean(row)
        except ValueError:
            return None
        title = str(row.get(TITLE) or "").strip()
        return Task.objects.filter(item=item, title=title).first()


class TaskResource(SpreadsheetSafeResource):
    year = fields.Field(column_name=YEAR, attribute="item__plan__year", readonly=True)
    item = fields.Field(column_name=ITEM, attribute="item", widget=ItemWidget())
    title = fields.Field(column_name=TITLE, attribute="title")
    owner = fields.Field(column_name=OWNER, attribute="owner", widget=OwnerWidget())
    start_date = fields.Field(
        column_name=START, attribute="start_date", widget=widgets.DateWidget("%Y-%m-%d")
    )
    due_date = fields.Field(column_name=DUE, attribute="due_date", widget=widgets.DateWidget("%Y-%m-%d"))
    status = fields.Field(column_name=STATUS, attribute="status", widget=StatusWidget())
    weight = fields.Field(column_name=WEIGHT, attribute="weight", widget=widgets.IntegerWidget(), default=1)
    progress = fields.Field(column_name=PROGRESS, attribute="progress", widget=PercentWidget())

    class Meta:
        model = Task
        fields = ("year", "item", "title", "owner", "start_date", "due_date", "status", "weight", "progress")
        export_order = fields
        import_id_fields = ("item", "title")
        instance_loader_class = TaskInstanceLoader
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self._plan_ids: set[int] = set()

    def get_queryset(self):
        return Task.objects.select_related("item__plan", "owner").order_by(
            "item__plan__year", "item__number", "id"
        )

    def before_import_row(self, row, **kwargs):
        title = str(row.get(TITLE) or "").strip()
        if not title:
            raise ValidationError({"title": _("The task column (任务) is empty.")})
        row[TITLE] = title
        if row.get(WEIGHT) in (None, ""):
            row[WEIGHT] = 1

    def import_instance(self, instance, row, **kwargs):
        # Remember the stored state: the status change must follow the transition table.
        instance._before = snapshot(instance, TASK_FIELDS) if instance.pk else {}
        super().import_instance(instance, row, **kwargs)
        old_status = instance._before.get("status")
        if (
            old_status
            and old_status != instance.status
            and instance.status not in TASK_TRANSITIONS[old_status]
        ):
            raise ValidationError(
                {
                    "status": _("cannot go from “%(current)s” to “%(requested)s”")
                    % {
                        "current": TaskStatus(old_status).label,
                        "requested": TaskStatus(instance.status).label,
                    }
                }
            )

    def after_save_instance(self, instance, row, **kwargs):
        self._plan_ids.add(instance.item.plan_id)
        if kwargs.get("dry_run"):
            return
        changes = diff(instance._before, snapshot(instance, TASK_FIELDS))
        if changes:
            action = "task.import" if instance._before else "task.create"
            record_event(actor=self.actor, action=action, obj=instance, changes=changes)

    def after_import(self, dataset, result, **kwargs):
        # One roll-up for the whole sheet, inside the import's transaction (rolled back on a dry run).
        if not result.has_errors() and not result.has_validation_errors():
            progress_recompute(plan_ids=self._plan_ids)
        super().after_import(dataset, result, **kwargs)


__all__ = ["TaskResource"]
