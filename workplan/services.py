"""Every write to the work plan: importing the document, tasks, progress updates, progress roll-up."""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, DecimalField, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from cppcc_portal.core import roles
from cppcc_portal.core.audit import diff, record_event, snapshot
from cppcc_portal.core.errors import DomainError, TransitionError
from cppcc_portal.core.models import AuditEvent
from cppcc_portal.core.request_context import current_ip
from cppcc_portal.core.uploads import check_upload
from workplan import generation
from workplan.choices import STATUS_PERCENT, AttachmentType, ItemStatus, TaskStatus, UpdateKind
from workplan.importing import ParsedPlan, committee_key
from workplan.links import live_link_counts
from workplan.models import Item, ProgressAttachment, ProgressUpdate, Section, Task, WorkPlan

HUNDREDTH = Decimal("0.01")

# The one table of allowed task status changes: (from) -> {to}. A finished task may be reopened;
# a suspended one resumes or goes back to the start; nothing jumps from done to suspended.
TASK_TRANSITIONS: dict[str, set[str]] = {
    TaskStatus.NOT_STARTED: {TaskStatus.IN_PROGRESS, TaskStatus.DONE, TaskStatus.SUSPENDED},
    TaskStatus.IN_PROGRESS: {TaskStatus.NOT_STARTED, TaskStatus.DONE, TaskStatus.SUSPENDED},
    TaskStatus.DONE: {TaskStatus.IN_PROGRESS},
    TaskStatus.SUSPENDED: {TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS},
}


TASK_FIELDS = ["item", "title", "owner", "start_date", "due_date", "status", "weight", "progress"]


def _validate(obj) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        messages = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        field, errors = next(iter(messages.items()))
        raise DomainError(
            "; ".join(str(e) for e in errors), code="invalid", field=None if field == "__all__" else field
        ) from None


def _audit_many(*, actor, action: str, objs: Sequence, changes: dict[int, dict], note: str = "") -> None:
    """One audit row per changed object, written in a single query (bulk actions touch many rows)."""
    if not objs:
        return
    content_type = ContentType.objects.get_for_model(type(objs[0]), for_concrete_model=False)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            action=action,
            content_type=content_type,
            object_id=str(obj.pk),
            object_repr=str(obj)[:200],
            changes=changes.get(obj.pk, {}),
            note=note,
            ip_address=current_ip(),
        )
        for obj in objs
    )


# ---------------------------------------------------------------------------------------------
# Importing the plan document


@dataclass
class ImportOutcome:
    """What an import did: the plan, whether it was new, and how many rows it created or changed."""

    plan: WorkPlan
    created: bool
    sections_created: int
    items_created: int
    items_updated: int
    items_removed: int = 0


@dataclass
class ItemDiff:
    """One item of a re-import: what the document changes and what hangs on the stored item."""

    number: int
    title: str
    old_title: str = ""
    fields: list[str] = field(default_factory=list)
    # Tasks and progress updates, and records of the higher apps (activities, proposals…) by kind.
    work: int = 0
    links: dict[str, int] = field(default_factory=dict)


@dataclass
class ImportPreview:
    """What importing a parsed document would do to the stored plan of its year (nothing written)."""

    parsed: ParsedPlan
    existing: WorkPlan | None
    new_items: list[ItemDiff] = field(default_factory=list)
    changed_items: list[ItemDiff] = field(default_factory=list)
    removed_items: list[ItemDiff] = field(default_factory=list)
    unchanged_items: int = 0
    plan_fields: list[str] = field(default_factory=list)
    stored_committee: str = ""
    new_committee: str = ""
    # Why the import cannot go ahead as it stands (removed items that carry work or links).
    blocked: list[str] = field(default_factory=list)

    @property
    def other_issuer(self) -> bool:
        """The stored plan of this year comes from another committee than the document."""
        return bool(
            self.stored_committee and self.new_committee and self.stored_committee != self.new_committee
        )

    @property
    def has_changes(self) -> bool:
        return bool(
            self.existing is None
            or self.new_items
            or self.changed_items
            or self.removed_items
            or self.plan_fields
        )


PLAN_FIELDS = [
    "document_number",
    "issuer",
    "title",
    "adopted_on",
    "adoption_note",
    "preamble",
    "signatory",
    "signed_on",
    "distribution",
    "printing_note",
]


def _plan_committee(plan: WorkPlan | ParsedPlan) -> str:
    return committee_key(issuer=plan.issuer, signatory=plan.signatory, title=plan.title)


def plan_import_preview(*, parsed: ParsedPlan, lock: bool = False) -> ImportPreview:
    """Compare a parsed document with the stored plan of its year: new, changed and removed items."""
    plans = WorkPlan.objects.filter(year=parsed.year)
    existing = (plans.select_for_update() if lock else plans).first()
    preview = ImportPreview(parsed=parsed, existing=existing, new_committee=_plan_committee(parsed))
    if existing is None:
        preview.new_items = [ItemDiff(i.number, i.title) for i in parsed.items]
        return preview
    preview.stored_committee = _plan_committee(existing)
    preview.plan_fields = [name for name in PLAN_FIELDS if getattr(existing, name) != getattr(parsed, name)]
    stored = {
        item.number: item
        for item in existing.items.select_related("section").annotate(
            task_count=Count("tasks", distinct=True), update_count=Count("progress_updates", distinct=True)
        )
    }
    links = live_link_counts(list(item.pk for item in stored.values()))
    wanted = set()
    for section in parsed.sections:
        for parsed_item in section.items:
            wanted.add(parsed_item.number)
            item = stored.get(parsed_item.number)
            if item is None:
                preview.new_items.append(ItemDiff(parsed_item.number, parsed_item.title))
                continue
            changed = [
                name
                for name, old, new in (
                    ("title", item.title, parsed_item.title),
                    ("text", item.text, parsed_item.text),
                    ("section", item.section.number, section.number),
                )
                if old != new
            ]
            if changed:
                preview.changed_items.append(
                    ItemDiff(
                        item.number,
                        parsed_item.title,
                        item.title,
                        changed,
                        item.task_count + item.update_count,
                        links.get(item.pk, {}),
                    )
                )
            else:
                preview.unchanged_items += 1
    for number, item in sorted(stored.items()):
        if number in wanted:
            continue
        diff_row = ItemDiff(
            number, item.title, item.title, [], item.task_count + item.update_count, links.get(item.pk, {})
        )
        preview.removed_items.append(diff_row)
        if diff_row.work or diff_row.links:
            # Deleting the item would drop its tasks and unlink what the members did for it.
            preview.blocked.append(
                _(
                    "Item %(number)d is not in the new document but has tasks, progress updates or linked records."
                )
                % {"number": number}
            )
    return preview


@transaction.atomic
def plan_import(*, parsed: ParsedPlan, actor=None, replace_other_issuer: bool = False) -> ImportOutcome:
    """Store a parsed plan document: create the year's plan or update it in place (atomic).

    Items are matched by number, so tasks, progress updates and the records linked to an item stay
    with it. A plan of the same year from another committee is replaced only when asked to.
    """
    roles.require_staff(actor, system_may=True, message=_("Only office staff may change the work plan."))
    preview = plan_import_preview(parsed=parsed, lock=True)
    if preview.other_issuer and not replace_other_issuer:
        raise DomainError(
            _(
                "The %(year)d plan in the portal comes from “%(stored)s”, this document from “%(new)s”: "
                "choose explicitly to replace it."
            )
            % {"year": parsed.year, "stored": preview.stored_committee, "new": preview.new_committee},
            code="other_issuer",
        )
    if preview.blocked:
        raise DomainError(preview.blocked[0], code="item_in_use")
    plan_values = {name: getattr(parsed, name) for name in PLAN_FIELDS}
    plan = preview.existing
    created = plan is None
    if created:
        plan = WorkPlan(year=parsed.year, **plan_values)
        _check_imported(plan)
        try:
            with transaction.atomic():
                plan.save()
        except IntegrityError:
            # Two people confirmed the same new year at once: the second sees the first's plan.
            raise DomainError(
                _("The %(year)d plan was stored by someone else meanwhile: preview the file again.")
                % {"year": parsed.year},
                code="conflict",
            ) from None
        record_event(actor=actor, action="workplan.import", obj=plan, note=_("plan created from document"))
    else:
        before = snapshot(plan, PLAN_FIELDS)
        for name, value in plan_values.items():
            setattr(plan, name, value)
        _check_imported(plan)
        changes = diff(before, snapshot(plan, PLAN_FIELDS))
        if changes:
            plan.save(update_fields=list(changes))
            record_event(actor=actor, action="workplan.import", obj=plan, changes=changes)

    sections = {s.number: s for s in plan.sections.all()}
    items = {i.number: i for i in plan.items.all()}
    wanted_sections = {s.number for s in parsed.sections}
    removed = [items[row.number] for row in preview.removed_items]
    for item in removed:
        record_event(
            actor=actor, action="item.import_remove", obj=item, changes=diff(snapshot(item, ["title"]), {})
        )
    Item.objects.filter(pk__in=[i.pk for i in removed]).delete()

    # New sections and items are written in one query each: their numbers are unique by
    # construction (the parser checked the sequence), so only their fields need checking.
    new_sections = []
    for parsed_section in parsed.sections:
        section = sections.get(parsed_section.number)
        if section is None:
            section = Section(plan=plan, number=parsed_section.number, title=parsed_section.title)
            _check_imported(section, parsed_section.place)
            new_sections.append(section)
            sections[section.number] = section
        elif section.title != parsed_section.title:
            section.title = parsed_section.title
            _check_imported(section, parsed_section.place)
            section.save(update_fields=["title"])
    Section.objects.bulk_create(new_sections)
    new_items = []
    items_updated = 0
    for parsed_section in parsed.sections:
        section = sections[parsed_section.number]
        for parsed_item in parsed_section.items:
            item = items.get(parsed_item.number)
            values = {"section": section, "title": parsed_item.title, "text": parsed_item.text}
            if item is None:
                item = Item(plan=plan, number=parsed_item.number, **values)
                _check_imported(item, parsed_item.place)
                new_items.append(item)
                continue
            before = snapshot(item, ["section", "title", "text"])
            for name, value in values.items():
                setattr(item, name, value)
            changes = diff(before, snapshot(item, ["section", "title", "text"]))
            if changes:
                _check_imported(item, parsed_item.place)
                item.save(update_fields=list(changes))
                record_event(actor=actor, action="item.import", obj=item, changes=changes)
                items_updated += 1
    Item.objects.bulk_create(new_items)
    sections_created, items_created = len(new_sections), len(new_items)
    Section.objects.filter(plan=plan).exclude(number__in=wanted_sections).delete()
    progress_recompute(plan_ids=[plan.pk])
    plan.refresh_from_db()
    return ImportOutcome(plan, created, sections_created, items_created, items_updated, len(removed))


def _check_imported(obj: WorkPlan | Section | Item, place=None) -> None:
    """Validate an imported row; a refusal names the place in the document, the item and the field."""
    try:
        if isinstance(obj, WorkPlan):
            _validate(obj)
        else:
            try:
                # The plan and section exist (just read or written); the numbers are the parser's.
                obj.clean_fields(exclude=["plan", "section"])
                obj.clean()
            except ValidationError as exc:
                field_name, errors = next(iter(exc.message_dict.items()))
                raise DomainError("; ".join(errors), code="invalid", field=field_name) from None
    except DomainError as exc:
        if isinstance(obj, Item):
            what = _("item %(number)d") % {"number": obj.number}
        elif isinstance(obj, Section):
            what = _("section %(number)d") % {"number": obj.number}
        else:
            what = _("the plan")
        if exc.field:
            what = f"{what}, {obj._meta.get_field(exc.field).verbose_name}"
        where = f"{place}: " if place else ""
        raise DomainError(f"{where}{what}: {exc.message}", code=exc.code, field=exc.field) from None


# ---------------------------------------------------------------------------------------------
# Progress roll-up


def task_percent_expression(prefix: str = ""):
    """SQL for a task's percentage: its typed progress, else what its status stands for."""
    by_status = Case(
        *[
            When(**{f"{prefix}status": status}, then=Value(Decimal(p)))
            for status, p in STATUS_PERCENT.items()
        ],
        default=Value(Decimal(0)),
        output_field=DecimalField(max_digits=5, decimal_places=2),
    )
    return Coalesce(f"{prefix}progress", by_status, output_field=DecimalField(max_digits=5, decimal_places=2))


def task_percent(task: Task) -> Decimal:
    """A task's percentage, computed in Python for a task already loaded."""
    if task.progress is not None:
        return Decimal(task.progress)
    return Decimal(STATUS_PERCENT[task.status])


def _round(value: Decimal) -> Decimal:
    return Decimal(value).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def derive_item_status(*, total: int, done: int, not_started: int, suspended: int) -> str:
    """An item's status from its tasks' statuses (only for items that have tasks)."""
    if done == total:
        return ItemStatus.DONE
    if suspended == total:
        return ItemStatus.SUSPENDED
    if not_started + suspended == total:
        return ItemStatus.NOT_STARTED
    return ItemStatus.IN_PROGRESS


def progress_recompute(*, plan_ids: Iterable[int]) -> None:
    """Recompute item, section and plan progress (and item status) of the given plans.

    A fixed number of queries whatever the plan's size: one aggregate over the tasks, one read of
    the items and sections, and bulk updates.
    """
    plan_ids = list(set(plan_ids))
    if not plan_ids:
        return
    stats = {
        row["item_id"]: row
        for row in Task.objects.filter(item__plan_id__in=plan_ids)
        .values("item_id")
        .annotate(
            total=Count("id"),
            weight_sum=Sum("weight"),
            weighted=Sum(F("weight") * task_percent_expression()),
            done=Count("id", filter=Q(status=TaskStatus.DONE)),
            not_started=Count("id", filter=Q(status=TaskStatus.NOT_STARTED)),
            suspended=Count("id", filter=Q(status=TaskStatus.SUSPENDED)),
        )
        .order_by()
    }
    items = list(
        Item.objects.filter(plan_id__in=plan_ids).only("id", "plan_id", "section_id", "status", "progress")
    )
    changed_items = []
    section_values: dict[int, list[Decimal]] = defaultdict(list)
    plan_values: dict[int, list[Decimal]] = defaultdict(list)
    for item in items:
        row = stats.get(item.pk)
        if row:
            progress = _round(Decimal(row["weighted"]) / row["weight_sum"])
            status = derive_item_status(
                total=row["total"],
                done=row["done"],
                not_started=row["not_started"],
                suspended=row["suspended"],
            )
        else:
            progress = _round(Decimal(STATUS_PERCENT[item.status]))
            status = item.status
        if progress != item.progress or status != item.status:
            item.progress, item.status = progress, status
            changed_items.append(item)
        section_values[item.section_id].append(progress)
        plan_values[item.plan_id].append(progress)
    if changed_items:
        Item.objects.bulk_update(changed_items, ["progress", "status"])

    def average(values: list[Decimal]) -> Decimal:
        return _round(sum(values, Decimal(0)) / len(values)) if values else Decimal("0.00")

    sections = list(Section.objects.filter(plan_id__in=plan_ids).only("id", "progress"))
    for section in sections:
        section.progress = average(section_values.get(section.pk, []))
    Section.objects.bulk_update(sections, ["progress"])
    plans = list(WorkPlan.objects.filter(pk__in=plan_ids).only("id", "progress"))
    for plan in plans:
        plan.progress = average(plan_values.get(plan.pk, []))
    WorkPlan.objects.bulk_update(plans, ["progress"])
    # Bulk updates send no signal: the cached plan pages are told here.
    generation.plan_changed()


def _recompute_for_tasks(task_ids: Iterable[int]) -> None:
    plan_ids = Task.objects.filter(pk__in=list(task_ids)).values_list("item__plan_id", flat=True).distinct()
    progress_recompute(plan_ids=list(plan_ids))


# ---------------------------------------------------------------------------------------------
# Tasks


def _check_transition(task: Task, new_status: str) -> None:
    if new_status == task.status:
        return
    if new_status not in TASK_TRANSITIONS.get(task.status, set()):
        raise TransitionError(
            _("Task “%(task)s” cannot go from “%(current)s” to “%(requested)s”.")
            % {
                "task": task.title,
                "current": TaskStatus(task.status).label,
                "requested": TaskStatus(new_status).label,
            }
        )


@transaction.atomic
def task_create(
    *,
    actor,
    item: Item,
    title: str,
    owner=None,
    start_date: datetime.date | None = None,
    due_date: datetime.date | None = None,
    status: str = TaskStatus.NOT_STARTED,
    weight: int = 1,
    progress: Decimal | None = None,
) -> Task:
    """Add a task (deliverable) to an item and roll its progress up."""
    roles.require_staff(actor, system_may=True, message=_("Only office staff may change the work plan."))
    task = Task(
        item=item,
        title=title,
        owner=owner,
        start_date=start_date,
        due_date=due_date,
        status=status,
        weight=weight,
        progress=progress,
    )
    _validate(task)
    task.save()
    record_event(actor=actor, action="task.create", obj=task, changes=diff({}, snapshot(task, TASK_FIELDS)))
    progress_recompute(plan_ids=[item.plan_id])
    return task


@transaction.atomic
def task_update(*, actor, task: Task, note: str = "", **values) -> Task:
    """Change a task's fields (status changes follow the transition table) and roll progress up."""
    roles.require_staff(actor, system_may=True, message=_("Only office staff may change the work plan."))
    unknown = set(values) - set(TASK_FIELDS)
    if unknown:
        raise DomainError(_("Unknown task field: %(field)s") % {"field": ", ".join(sorted(unknown))})
    old_plan_id = task.item.plan_id
    if "status" in values:
        _check_transition(task, values["status"])
    before = snapshot(task, TASK_FIELDS)
    for name, value in values.items():
        setattr(task, name, value)
    _validate(task)
    changes = diff(before, snapshot(task, TASK_FIELDS))
    if not changes:
        return task
    task.save(update_fields=[*list(changes), "updated_at"])
    action = "task.status" if list(changes) == ["status"] else "task.update"
    record_event(actor=actor, action=action, obj=task, changes=changes, note=note)
    progress_recompute(plan_ids={old_plan_id, task.item.plan_id})
    return task


@transaction.atomic
def task_delete(*, actor, task: Task) -> None:
    """Remove a task and roll its item's progress up again."""
    roles.require_staff(actor, system_may=True, message=_("Only office staff may change the work plan."))
    plan_id = task.item.plan_id
    record_event(actor=actor, action="task.delete", obj=task, changes=diff(snapshot(task, TASK_FIELDS), {}))
    task.delete()
    progress_recompute(plan_ids=[plan_id])


@transaction.atomic
def tasks_set_status(*, actor, tasks: Iterable[Task], status: str, note: str = "") -> int:
    """Set many tasks to one status at once (all or none) and roll progress up."""
    roles.require_staff(actor, system_may=True, message=_("Only office staff may change the work plan."))
    if status not in TaskStatus.values:
        raise DomainError(_("Unknown status: %(status)s") % {"status": status}, field="status")
    ids = [t.pk for t in tasks]
    locked = list(Task.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    changed = []
    changes = {}
    for task in locked:
        if task.status == status:
            continue
        _check_transition(task, status)
        changes[task.pk] = {"status": [task.status, status]}
        task.status = status
        changed.append(task)
    if changed:
        Task.objects.filter(pk__in=[t.pk for t in changed]).update(status=status)
        _audit_many(actor=actor, action="task.status", objs=changed, changes=changes, note=note)
        _recompute_for_tasks(t.pk for t in changed)
    return len(changed)


@transaction.atomic
def tasks_move_due(
    *, actor, tasks: Iterable[Task], days: int | None = None, due_date: datetime.date | None = None
) -> int:
    """Shift many tasks' due dates by a number of days, or set them all to one date (all or none)."""
    roles.require_staff(actor, system_may=True, message=_("Only office staff may change the work plan."))
    if (days is None) == (due_date is None):
        raise DomainError(_("Give either a number of days or a new due date."))
    ids = [t.pk for t in tasks]
    locked = list(Task.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    changed = []
    changes = {}
    for task in locked:
        if due_date is not None:
            new = due_date
        elif task.due_date is not None:
            new = task.due_date + datetime.timedelta(days=days)
        else:
            continue
        if new == task.due_date:
            continue
        if task.start_date and new < task.start_date:
            raise DomainError(
                _("Task “%(task)s” would be due before it starts (%(start)s).")
                % {"task": task.title, "start": task.start_date.isoformat()},
                field="due_date",
            )
        changes[task.pk] = {"due_date": [str(task.due_date) if task.due_date else None, new.isoformat()]}
        task.due_date = new
        changed.append(task)
    if changed:
        Task.objects.bulk_update(changed, ["due_date"])
        _audit_many(actor=actor, action="task.due_date", objs=changed, changes=changes)
        generation.plan_changed()
    return len(changed)


@transaction.atomic
def item_set_status(*, actor, item: Item, status: str) -> Item:
    """Set the status of an item that has no tasks (an item with tasks takes its status from them)."""
    roles.require_staff(actor, system_may=True, message=_("Only office staff may change the work plan."))
    if item.tasks.exists():
        raise DomainError(_("This item's status follows its tasks."), code="status_derived", field="status")
    if status not in ItemStatus.values:
        raise DomainError(_("Unknown status: %(status)s") % {"status": status}, field="status")
    if item.status != status:
        record_event(actor=actor, action="item.status", obj=item, changes={"status": [item.status, status]})
        item.status = status
        item.save(update_fields=["status"])
        progress_recompute(plan_ids=[item.plan_id])
        item.refresh_from_db(fields=["progress", "status"])
    return item


# ---------------------------------------------------------------------------------------------
# Progress updates and their attachments


@dataclass
class CheckedFile:
    """An upload that passed the content and size checks, with what they found."""

    upload: UploadedFile
    file_type: str
    mime: str
    checksum: str


def attachment_check(upload: UploadedFile) -> CheckedFile:
    """Accept a PDF, JPEG, PNG, Word or Excel file judged by its content and size (the portal's one
    check, `cppcc_portal.core.uploads.check_upload`), or refuse it; with its checksum."""
    checked = check_upload(upload, field="attachment")
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    file_type = AttachmentType.JPG.value if checked.extension == "jpeg" else checked.extension
    return CheckedFile(upload, file_type, checked.content_type, digest.hexdigest())


@transaction.atomic
def progress_update_create(
    *,
    actor,
    item: Item,
    note: str,
    date: datetime.date,
    kind: str = UpdateKind.UPDATE,
    task: Task | None = None,
    files: Sequence[UploadedFile] = (),
) -> ProgressUpdate:
    """Record a dated progress note or milestone on an item (or one of its tasks), with files."""
    roles.require_staff(actor, system_may=True, message=_("Only office staff may change the work plan."))
    checked = [attachment_check(f) for f in files]
    update = ProgressUpdate(item=item, task=task, kind=kind, date=date, note=note.strip(), author=actor)
    _validate(update)
    update.save()
    saved: list[str] = []
    try:
        for file in checked:
            attachment = ProgressAttachment(
                update=update,
                original_name=file.upload.name[:200],
                file_type=file.file_type,
                content_type=file.mime,
                size=file.upload.size,
                checksum=file.checksum,
            )
            attachment.file.save(file.upload.name, file.upload, save=False)
            saved.append(attachment.file.name)
            attachment.save()
    except Exception:
        # The rows roll back with the transaction; the stored files must go with them.
        for name in saved:
            default_storage.delete(name)
        raise
    record_event(
        actor=actor,
        action="progress_update.create",
        obj=update,
        note=_("%(count)d attachment(s)") % {"count": len(checked)},
    )
    return update


@transaction.atomic
def progress_update_edit(*, actor, update: ProgressUpdate, changes: dict) -> ProgressUpdate:
    """Correct a progress update's date, kind, task or note (the admin)."""
    roles.require_staff(actor, system_may=True, message=_("Only office staff may change the work plan."))
    if not changes:
        return update
    _validate(update)
    update.save(update_fields=list(changes))
    plain = {
        k: [str(v[0]) if v[0] is not None else None, str(v[1]) if v[1] is not None else None]
        for k, v in changes.items()
    }
    record_event(actor=actor, action="progress_update.update", obj=update, changes=plain)
    return update


@transaction.atomic
def record_save(
    *, actor, obj: WorkPlan | Section | Item, changes: dict | None = None, created: bool = False
) -> WorkPlan | Section | Item:
    """Save a plan, section or item edited by hand (the admin), with an audit row and roll-up."""
    roles.require_staff(actor, system_may=True, message=_("Only office staff may change the work plan."))
    changes = changes or {}
    if isinstance(obj, Item) and "status" in changes and obj.pk and obj.tasks.exists():
        raise DomainError(_("This item's status follows its tasks."), code="status_derived", field="status")
    _validate(obj)
    if created:
        obj.save()
    elif changes:
        obj.save(update_fields=[name for name in changes if name != "responsible_staff"] or None)
    else:
        return obj
    name = type(obj).__name__.lower()
    action = f"{name}.{'create' if created else 'update'}"
    plain = {
        field: [str(old) if old is not None else None, str(new) if new is not None else None]
        for field, (old, new) in changes.items()
    }
    record_event(actor=actor, action=action, obj=obj, changes=plain)
    plan_id = obj.pk if isinstance(obj, WorkPlan) else obj.plan_id
    progress_recompute(plan_ids=[plan_id])
    return obj
