"""The office's admin for the plan: every save, action and import goes through the services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportModelAdmin

from cppcc_portal.core.admin_import_export import PortalImportExportMixin
from cppcc_portal.core.errors import DomainError
from workplan import services
from workplan.forms import TaskDueDateForm, TaskStatusForm
from workplan.models import Item, ProgressAttachment, ProgressUpdate, Section, Task, WorkPlan
from workplan.resources import TaskResource

PERCENT = _("progress (%)")


def _changes(form) -> dict:
    return {name: [form.initial.get(name), form.cleaned_data.get(name)] for name in form.changed_data}


class ServiceSaveMixin:
    """Hand edits of plans, sections and items are saved (and audited) by the service."""

    def save_model(self, request, obj, form, change):
        try:
            services.record_save(actor=request.user, obj=obj, changes=_changes(form), created=not change)
        except DomainError as exc:
            raise ValidationError(exc.message) from exc


class TaskOverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "yes":
            return queryset.overdue(today)
        if self.value() == "no":
            return queryset.exclude(pk__in=Task.objects.overdue(today).values("pk"))
        return queryset


class ItemOverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Has overdue tasks")), ("no", _("No overdue tasks"))]

    def queryset(self, request, queryset):
        late = Exists(Task.objects.overdue().filter(item=OuterRef("pk")))
        if self.value() == "yes":
            return queryset.filter(late)
        if self.value() == "no":
            return queryset.filter(~late)
        return queryset


class SectionInline(admin.TabularInline):
    """Sections come from the imported document; here they are only listed."""

    model = Section
    fields = ["number", "title", "progress"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WorkPlan)
class WorkPlanAdmin(ServiceSaveMixin, admin.ModelAdmin):
    list_display = ["year", "title", "document_number", "adopted_on", "progress"]
    readonly_fields = ["progress"]
    search_fields = ["title", "document_number"]
    show_full_result_count = False
    inlines = [SectionInline]

    def has_import_permission(self, request) -> bool:
        """Who may import the year's plan (导入工作要点): whoever may add and change plans."""
        return self.has_add_permission(request) and self.has_change_permission(request)

    def get_urls(self):
        from django.urls import path

        from workplan.admin_import import import_view

        view = self.admin_site.admin_view(lambda request: import_view(self, request))
        return [path("import/", view, name="workplan_workplan_import"), *super().get_urls()]


@admin.register(Section)
class SectionAdmin(ServiceSaveMixin, admin.ModelAdmin):
    list_display = ["number", "title", "plan", "progress"]
    list_filter = ["plan"]
    list_select_related = ["plan"]
    readonly_fields = ["progress"]
    search_fields = ["title"]
    show_full_result_count = False


class TaskInline(admin.TabularInline):
    model = Task
    fields = ["title", "owner", "start_date", "due_date", "status", "weight", "progress"]
    autocomplete_fields = ["owner"]
    extra = 0


@admin.register(Item)
class ItemAdmin(ServiceSaveMixin, admin.ModelAdmin):
    list_display = ["number", "title", "section", "status", "progress_display"]
    list_display_links = ["number", "title"]
    list_filter = ["plan", "section", "status", ItemOverdueFilter]
    list_select_related = ["section", "plan"]
    readonly_fields = ["progress"]
    search_fields = ["title", "text"]
    filter_horizontal = ["responsible_staff"]
    show_full_result_count = False
    inlines = [TaskInline]

    @admin.display(description=PERCENT, ordering="progress")
    def progress_display(self, obj):
        return f"{obj.progress:.0f}%"

    def get_readonly_fields(self, request, obj=None):
        # An item with tasks takes its status from them.
        if obj is not None and obj.tasks.exists():
            return [*self.readonly_fields, "status"]
        return self.readonly_fields

    def save_formset(self, request, form, formset, change):
        if formset.model is not Task:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        try:
            for task in formset.deleted_objects:
                services.task_delete(actor=request.user, task=task)
            for task in instances:
                values = {f: getattr(task, f) for f in services.TASK_FIELDS if f != "item"}
                if task.pk is None:
                    services.task_create(actor=request.user, item=form.instance, **values)
                else:
                    stored = Task.objects.get(pk=task.pk)
                    services.task_update(actor=request.user, task=stored, **values)
        except DomainError as exc:
            raise ValidationError(exc.message) from exc
        formset.save_m2m()


@admin.register(Task)
class TaskAdmin(PortalImportExportMixin, ImportExportModelAdmin):
    resource_classes = [TaskResource]
    list_display = [
        "title",
        "item_number",
        "owner",
        "start_date",
        "due_date",
        "status",
        "weight",
        "progress_display",
    ]
    list_filter = ["item__section", "status", "owner", TaskOverdueFilter]
    list_select_related = ["item", "item__section", "owner"]
    search_fields = ["title", "item__title"]
    autocomplete_fields = ["owner"]
    raw_id_fields = ["item"]
    date_hierarchy = "due_date"
    show_full_result_count = False
    actions = ["set_status", "move_due_date"]

    @admin.display(description=_("item"), ordering="item__number")
    def item_number(self, obj):
        return f"{obj.item.number}. {obj.item.title}"

    @admin.display(description=PERCENT)
    def progress_display(self, obj):
        return f"{services.task_percent(obj):.0f}%"

    def get_import_resource_kwargs(self, request, **kwargs):
        return {**super().get_import_resource_kwargs(request, **kwargs), "actor": request.user}

    def get_import_data_kwargs(self, **kwargs):
        # The confirm step must refuse the whole file if any row became invalid since the preview.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def save_model(self, request, obj, form, change):
        values = {f: form.cleaned_data.get(f, getattr(obj, f)) for f in services.TASK_FIELDS}
        try:
            if change:
                stored = Task.objects.select_related("item").get(pk=obj.pk)
                services.task_update(actor=request.user, task=stored, **values)
            else:
                obj.pk = services.task_create(actor=request.user, **values).pk
        except DomainError as exc:
            raise ValidationError(exc.message) from exc

    def delete_model(self, request, obj):
        services.task_delete(actor=request.user, task=obj)

    def delete_queryset(self, request, queryset):
        for task in queryset.select_related("item"):
            services.task_delete(actor=request.user, task=task)

    def _action_page(self, request, queryset, form, action, title):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "tasks": list(queryset.select_related("item")),
            "form": form,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/workplan/action_form.html", context)

    @admin.action(description=_("Set the status of the selected tasks"), permissions=["change"])
    def set_status(self, request, queryset):
        form = TaskStatusForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            try:
                count = services.tasks_set_status(
                    actor=request.user,
                    tasks=queryset,
                    status=form.cleaned_data["status"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                return None
            self.message_user(
                request,
                ngettext("%(count)d task changed.", "%(count)d tasks changed.", count) % {"count": count},
            )
            return None
        return self._action_page(
            request, queryset, form, "set_status", _("Set the status of the selected tasks")
        )

    @admin.action(description=_("Shift or set the due date of the selected tasks"), permissions=["change"])
    def move_due_date(self, request, queryset):
        form = TaskDueDateForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            try:
                count = services.tasks_move_due(
                    actor=request.user,
                    tasks=queryset,
                    days=form.cleaned_data["days"],
                    due_date=form.cleaned_data["due_date"],
                )
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                return None
            self.message_user(
                request,
                ngettext("%(count)d task changed.", "%(count)d tasks changed.", count) % {"count": count},
            )
            return None
        return self._action_page(
            request, queryset, form, "move_due_date", _("Shift or set the due date of the selected tasks")
        )


class ProgressAttachmentInline(admin.TabularInline):
    model = ProgressAttachment
    fields = ["original_name", "file_type", "size", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # Files are added through the item page, where their content is checked.
        return False


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(admin.ModelAdmin):
    list_display = ["date", "item", "task", "kind", "author"]
    list_filter = ["kind", "item__plan", "item__section"]
    list_select_related = ["item", "task", "author"]
    search_fields = ["note", "item__title"]
    raw_id_fields = ["item", "task"]
    date_hierarchy = "date"
    show_full_result_count = False
    inlines = [ProgressAttachmentInline]
    readonly_fields = ["author"]

    def save_model(self, request, obj, form, change):
        try:
            services.progress_update_edit(actor=request.user, update=obj, changes=_changes(form))
        except DomainError as exc:
            raise ValidationError(exc.message) from exc

    def has_add_permission(self, request):
        # Updates are posted from the item page, where attachments are checked by content.
        return False
