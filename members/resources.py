"""Excel import and export of the roster and of attendance, with Chinese headers.

Rows are matched by natural keys (member number, names of parties and sectors); saving goes
through the services so an import obeys the same rules as a form. Imports run in one
transaction and are all or nothing: one bad row and no row is kept.
"""

from __future__ import annotations

import re
from collections import Counter

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from cppcc_portal.core.errors import DomainError
from cppcc_portal.core.spreadsheets import SpreadsheetSafeResource
from members import attendance_import, services
from members.choices import Attendance, Gender, MemberStatus
from members.models import Activity, Member, Participation, Party, Sector, Term
from members.validators import is_phone

CHINESE_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _chinese_number(text: str) -> int | None:
    """十四 → 14, 二十一 → 21; plain digits pass through."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(c not in CHINESE_NUMERALS for c in text):
        return None
    if "十" not in text:
        return CHINESE_NUMERALS[text] if len(text) == 1 else None
    tens, _sep, units = text.partition("十")
    return (CHINESE_NUMERALS[tens] if tens else 1) * 10 + (CHINESE_NUMERALS[units] if units else 0)


class NamedForeignKeyWidget(widgets.ForeignKeyWidget):
    """A foreign key given by its name (or short name), refused with a clear message when unknown."""

    def __init__(self, model, label: str, alt_field: str | None = None):
        super().__init__(model, field="name")
        self.label = label
        self.alt_field = alt_field

    def clean(self, value, row=None, **kwargs):
        value = (str(value).strip() if value is not None else "") or ""
        if not value:
            raise ValueError(_("%(label)s is required.") % {"label": self.label})
        found = self.model.objects.filter(name=value).first()
        if found is None and self.alt_field:
            found = self.model.objects.filter(**{self.alt_field: value}).first()
        if found is None:
            raise ValueError(_("Unknown %(label)s “%(value)s”.") % {"label": self.label, "value": value})
        return found


class TermWidget(widgets.ForeignKeyWidget):
    """届次 given as 14, 第十四届 or 十四届."""

    def __init__(self):
        super().__init__(Term, field="number")

    def clean(self, value, row=None, **kwargs):
        text = re.sub(r"[第届\s]", "", str(value or ""))
        number = _chinese_number(text)
        term = Term.objects.filter(number=number).first() if number else None
        if term is None:
            raise ValueError(_("Unknown term “%(value)s”.") % {"value": value})
        return term

    def render(self, value, obj=None, **kwargs):
        return f"第{value.number}届" if value else ""


class ChoiceLabelWidget(widgets.Widget):
    """A choice given by its Chinese label (男, 在任 …) or its code."""

    def __init__(self, choices, label: str, aliases: dict | None = None, default=None):
        self.choices = choices
        self.label = label
        self.aliases = aliases or {}
        self.default = default

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text and self.default is not None:
            return self.default
        if text in self.aliases:
            return self.aliases[text]
        for code, label in self.choices.choices:
            if text in (code, str(label)):
                return code
        raise ValueError(_("Unknown %(label)s “%(value)s”.") % {"label": self.label, "value": text})

    def render(self, value, obj=None, **kwargs):
        return str(dict(self.choices.choices).get(value, value or ""))


class YesNoWidget(widgets.Widget):
    YES = {"是", "1", "true", "True", "y", "Y", "yes", "√"}
    NO = {"否", "0", "false", "False", "n", "N", "no", ""}

    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip()
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValueError(_("Write 是 or 否, not “%(value)s”.") % {"value": text})

    def render(self, value, obj=None, **kwargs):
        return "是" if value else "否"


class PhoneWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        # Excel turns a mobile number typed as a number into 13800138000.0.
        if re.fullmatch(r"\d+\.0", text):
            text = text[:-2]
        if text and not is_phone(text):
            raise ValueError(_("“%(value)s” is not a Chinese mobile or landline number.") % {"value": text})
        return text


class MemberNumberWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if re.fullmatch(r"\d+\.0", text):
            text = text[:-2]
        return text


class ProgressMixin:
    """Calls `on_row_imported()` after each row (a background import job counts them)."""

    on_row_imported = None

    def after_import_row(self, row, row_result, **kwargs):
        super().after_import_row(row, row_result, **kwargs)
        if self.on_row_imported is not None:
            self.on_row_imported()


class MemberResource(ProgressMixin, SpreadsheetSafeResource):
    """The roster: 委员编号 is the key; parties, sectors and terms by name."""

    member_number = fields.Field("member_number", "委员编号", widget=MemberNumberWidget())
    name = fields.Field("name", "姓名", widget=widgets.CharWidget())
    gender = fields.Field(
        "gender", "性别", widget=ChoiceLabelWidget(Gender, "性别", {"男": "male", "女": "female"})
    )
    ethnicity = fields.Field("ethnicity", "民族", widget=widgets.CharWidget())
    birth_date = fields.Field("birth_date", "出生日期", widget=widgets.DateWidget())
    party = fields.Field("party", "党派", widget=NamedForeignKeyWidget(Party, "党派", alt_field="short_name"))
    sector = fields.Field("sector", "界别", widget=NamedForeignKeyWidget(Sector, "界别"))
    work_unit = fields.Field("work_unit", "工作单位", widget=widgets.CharWidget())
    job_title = fields.Field("job_title", "职务", widget=widgets.CharWidget())
    phone = fields.Field("phone", "手机", widget=PhoneWidget())
    email = fields.Field("email", "电子邮箱", widget=widgets.CharWidget())
    is_standing_committee = fields.Field("is_standing_committee", "常委", widget=YesNoWidget())
    term = fields.Field("term", "届次", widget=TermWidget())
    status = fields.Field(
        "status",
        "状态",
        widget=ChoiceLabelWidget(
            MemberStatus, "状态", {"在任": "in_office", "离任": "left"}, default=MemberStatus.IN_OFFICE
        ),
    )

    class Meta:
        model = Member
        import_id_fields = ("member_number",)
        fields = (
            "member_number",
            "name",
            "gender",
            "ethnicity",
            "birth_date",
            "party",
            "sector",
            "work_unit",
            "job_title",
            "phone",
            "email",
            "is_standing_committee",
            "term",
            "status",
        )
        export_order = fields
        clean_model_instances = True
        use_transactions = True
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        return Member.objects.select_related("party", "sector", "term")

    def before_import(self, dataset, **kwargs):
        column = dataset.headers.index("委员编号") if "委员编号" in (dataset.headers or []) else None
        numbers = [MemberNumberWidget().clean(row[column]) for row in dataset] if column is not None else []
        self._duplicates = {n for n, count in Counter(numbers).items() if n and count > 1}

    def before_import_row(self, row, **kwargs):
        number = MemberNumberWidget().clean(row.get("委员编号"))
        if not number:
            raise ValidationError({"member_number": _("委员编号 is required.")})
        if number in getattr(self, "_duplicates", set()):
            raise ValidationError(
                {"member_number": _("Member number %(number)s appears more than once.") % {"number": number}}
            )

    def save_instance(self, instance, is_create, row, **kwargs):
        self.before_save_instance(instance, row, **kwargs)
        try:
            services.member_save(member=instance, actor=kwargs.get("user"))
        except DomainError as exc:
            raise ValidationError({exc.field or "__all__": exc.message}) from exc
        self.after_save_instance(instance, row, **kwargs)


# 活动编号 as Excel gives it: digits, or a whole float ("12.0").
_ACTIVITY_NUMBER = re.compile(r"\d+(\.0)?")


class ActivityWidget(widgets.ForeignKeyWidget):
    """An activity given by its number (ID) or its exact title, which must then be unique.

    An import fills `by_pk` and `by_title` once for the whole workbook (see prefetch()); without
    them (a single value) each lookup is a query."""

    def __init__(self):
        super().__init__(Activity, field="pk")
        self.by_pk: dict[int, Activity] | None = None
        self.by_title: dict[str, list[Activity]] | None = None

    def prefetch(self, rows) -> list[Activity]:
        """Load every activity a workbook names, by number and by title, in two queries."""
        numbers, titles = set(), set()
        for row in rows:
            number = str(row.get("活动编号") or "").strip()
            if _ACTIVITY_NUMBER.fullmatch(number):
                numbers.add(int(float(number)))
            else:
                titles.add(str(row.get("活动") or "").strip())
        self.by_pk = Activity.objects.in_bulk(numbers)
        self.by_title = {}
        for activity in Activity.objects.filter(title__in=titles).order_by("pk"):
            self.by_title.setdefault(activity.title, []).append(activity)
        return [*self.by_pk.values(), *(a for found in self.by_title.values() for a in found)]

    def clean(self, value, row=None, **kwargs):
        number = str((row or {}).get("活动编号") or "").strip()
        if _ACTIVITY_NUMBER.fullmatch(number):
            if self.by_pk is not None:
                found = self.by_pk.get(int(float(number)))
            else:
                found = Activity.objects.filter(pk=int(float(number))).first()
            if found is None:
                raise ValueError(_("Unknown activity number %(value)s.") % {"value": number})
            return found
        title = str(value or "").strip()
        if self.by_title is not None:
            matches = self.by_title.get(title, [])[:2]
        else:
            matches = list(Activity.objects.filter(title=title)[:2])
        if not matches:
            raise ValueError(_("Unknown activity “%(value)s”.") % {"value": title})
        if len(matches) > 1:
            raise ValueError(
                _("Several activities are called “%(value)s”: give 活动编号.") % {"value": title}
            )
        return matches[0]

    def render(self, value, obj=None, **kwargs):
        return value.title if value else ""


class MemberByNumberWidget(widgets.ForeignKeyWidget):
    """A member given by 委员编号; an import loads the workbook's members once (see prefetch())."""

    def __init__(self):
        super().__init__(Member, field="member_number")
        self.by_number: dict[str, Member] | None = None

    def prefetch(self, rows) -> None:
        numbers = {MemberNumberWidget().clean(row.get("委员编号")) for row in rows}
        self.by_number = {m.member_number: m for m in Member.objects.filter(member_number__in=numbers - {""})}

    def clean(self, value, row=None, **kwargs):
        number = MemberNumberWidget().clean(value)
        if self.by_number is not None:
            found = self.by_number.get(number)
        else:
            found = Member.objects.filter(member_number=number).first()
        if found is None:
            raise ValueError(_("Unknown member number “%(value)s”.") % {"value": number})
        return found


class AttendanceResource(ProgressMixin, SpreadsheetSafeResource):
    """Attendance of activities: one row per member and activity; each 出席 becomes a verified duty record.

    Rows are checked in memory against members, activities and participations loaded once in
    before_import(), each against the rules of services.attendance_record (a bad row is reported on
    its row); when every row is good, attendance_import.attendance_import_rows() writes them all with bulk
    queries. So the query count does not grow with the rows, and one bad row keeps nothing.
    """

    activity_id = fields.Field("activity_id", "活动编号", readonly=True)
    activity = fields.Field("activity", "活动", widget=ActivityWidget())
    member = fields.Field("member", "委员编号", widget=MemberByNumberWidget())
    member_name = fields.Field("member__name", "姓名", readonly=True)
    attendance = fields.Field(
        "attendance",
        "出席情况",
        widget=ChoiceLabelWidget(
            Attendance, "出席情况", {"出席": "present", "请假": "leave", "缺席": "absent"}
        ),
    )
    leave_reason = fields.Field("leave_reason", "请假事由", widget=widgets.CharWidget())

    class Meta:
        model = Participation
        import_id_fields = ("activity", "member")
        fields = ("activity_id", "activity", "member", "member_name", "attendance", "leave_reason")
        export_order = fields
        use_transactions = True
        skip_diff = True
        # Rows are written together in after_import(); "bulk" also spares a savepoint per row.
        use_bulk = True

    def get_queryset(self):
        return Participation.objects.select_related("activity", "member")

    def before_import(self, dataset, **kwargs):
        self._seen = Counter()
        self._pending: list[attendance_import.AttendanceRow] = []
        rows = [dict(zip(dataset.headers or [], values, strict=False)) for values in dataset]
        activities = self.fields["activity"].widget.prefetch(rows)
        self.fields["member"].widget.prefetch(rows)
        self._rules = attendance_import.AttendanceImportRules(actor=kwargs.get("user"), activities=activities)

    def _key_objects(self, row) -> tuple[Activity | None, Member | None]:
        try:
            activity = self.fields["activity"].widget.clean(row.get("活动"), row=row)
            member = self.fields["member"].widget.clean(row.get("委员编号"), row=row)
        except ValueError:
            return None, None
        return activity, member

    def before_import_row(self, row, **kwargs):
        key = (
            str(row.get("活动编号") or row.get("活动") or "").strip(),
            str(row.get("委员编号") or "").strip(),
        )
        self._seen[key] += 1
        if self._seen[key] > 1:
            raise ValidationError({"member": _("This member appears twice for the same activity.")})
        # The key columns are looked up before field validation; check them here so a bad one
        # is reported against its column like any other field.
        errors = {}
        for field_name, column in (("activity", "活动"), ("member", "委员编号")):
            try:
                self.fields[field_name].widget.clean(row.get(column), row=row)
            except ValueError as exc:
                errors[field_name] = str(exc)
        if errors:
            raise ValidationError(errors)

    def get_instance(self, instance_loader, row):
        activity, member = self._key_objects(row)
        if activity is None or member is None:
            return None
        return self._rules.existing.get((activity.pk, member.pk))

    def save_instance(self, instance, is_create, row, **kwargs):
        """Check the row against the attendance rules and keep it for the one bulk write."""
        problem = self._rules.problem(instance.activity, instance.member, instance.attendance)
        if problem is not None:
            field, message = problem
            raise ValidationError({field: message})
        self._pending.append(
            attendance_import.AttendanceRow(
                activity=instance.activity,
                member=instance.member,
                attendance=instance.attendance,
                reason=instance.leave_reason or "",
            )
        )

    def after_import(self, dataset, result, **kwargs):
        if result.has_errors() or result.has_validation_errors() or not self._pending:
            return
        try:
            attendance_import.attendance_import_rows(actor=kwargs.get("user"), rows=self._pending)
        except DomainError as exc:
            raise ValidationError({exc.field or "attendance": exc.message}) from exc


def import_with_rules(resource: resources.Resource, dataset, *, actor, dry_run: bool):
    """Run an import all or nothing: any bad row rolls every row back."""
    return resource.import_data(
        dataset,
        dry_run=dry_run,
        use_transactions=True,
        rollback_on_validation_errors=True,
        raise_errors=False,
        user=actor,
    )


def row_errors(result) -> list[dict]:
    """Each bad row of an import result as {row, field, message} (row 1 is the first row under the headers)."""
    errors = []
    for invalid in result.invalid_rows:
        for field, messages in invalid.error_dict.items():
            for message in messages:
                errors.append({"row": invalid.number, "field": field, "message": str(message)})
    for number, row_errs in result.row_errors():
        for err in row_errs:
            errors.append({"row": number, "field": "", "message": str(err.error)})
    # An error of the whole import (the final bulk write refused), not of one row.
    for err in result.base_errors:
        message = "; ".join(err.error.messages) if isinstance(err.error, ValidationError) else str(err.error)
        errors.append({"row": 0, "field": "", "message": message})
    return errors
