from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from cppcc_portal.core import committees, passwords, roles, two_factor
from cppcc_portal.core.admin_lists import LargeTableAdminMixin
from cppcc_portal.core.errors import DomainError
from cppcc_portal.core.models import (
    AuditEvent,
    Committee,
    CommitteeSeat,
    Notification,
    NotificationDelivery,
    UserPreference,
)
from cppcc_portal.core.notifications import rules
from cppcc_portal.core.notifications import services as notification_services
from cppcc_portal.core.notifications.services import _render


@admin.register(AuditEvent)
class AuditEventAdmin(LargeTableAdminMixin, admin.ModelAdmin):
    """Read-only: the audit trail can be read, never edited or deleted; the auditor exports it."""

    change_list_template = "admin/core/auditevent/change_list.html"

    list_display = ["created_at", "account", "action", "outcome", "content_type", "object_repr", "ip_address"]
    list_filter = ["action", "outcome", "content_type"]
    search_fields = ["object_repr", "account", "note"]
    list_select_related = ["content_type"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_export_trail_permission(self, request):
        return request.user.has_perm("core.export_auditevent")

    def changelist_view(self, request, extra_context=None):
        extra = {**(extra_context or {}), "can_export_audit": self.has_export_trail_permission(request)}
        return super().changelist_view(request, extra_context=extra)

    def get_urls(self):
        export = self.admin_site.admin_view(self.export_trail_view)
        return [path("export/", export, name="core_auditevent_export_trail"), *super().get_urls()]

    def export_trail_view(self, request):
        """The rows of the list as filtered, as xlsx or CSV (the auditor; the download is audited)."""
        from django.core.exceptions import PermissionDenied
        from django.http import HttpResponse, HttpResponseBadRequest
        from django.utils.http import content_disposition_header

        from cppcc_portal.core import audit_export

        if not self.has_export_trail_permission(request):
            raise PermissionDenied
        request.GET = request.GET.copy()
        file_format = request.GET.pop("format", ["xlsx"])[0]
        if file_format not in audit_export.FORMATS:
            return HttpResponseBadRequest(_("Choose the format xlsx or csv."))
        queryset = self.get_changelist_instance(request).get_queryset(request)
        if file_format == "csv":
            content, content_type = audit_export.as_csv(queryset), "text/csv; charset=utf-8"
        else:
            content = audit_export.as_xlsx(queryset)
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(content, content_type=content_type)
        name = f"{AuditEvent._meta.verbose_name_plural}-{timezone.localdate():%Y-%m-%d}.{file_format}"
        response["Content-Disposition"] = content_disposition_header(True, name)
        return response


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    """The city and its districts: names shown on every page and document (core.committees)."""

    list_display = ["name", "short_name", "slug", "parent", "is_active"]
    list_select_related = ["parent"]
    search_fields = ["name", "short_name", "slug"]
    fields = list(committees.COMMITTEE_FIELDS)

    def save_model(self, request, obj, form, change):
        changes = {name: [form.initial.get(name), form.cleaned_data.get(name)] for name in form.changed_data}
        try:
            committees.committee_save(actor=request.user, committee=obj, changes=changes, created=not change)
        except DomainError as exc:
            raise ValidationError(exc.message) from exc

    def has_delete_permission(self, request, obj=None):
        # Every row of a committee's work protects it; committees are not deleted from the admin.
        return False


# The roles a seat may carry: every business role; the separated administrators are installation-wide.
SEAT_ROLES = [role for role in roles.ROLES if role not in roles.ADMINISTRATORS]


def may_give_roles(user) -> bool:
    """三员分立: roles are the security administrator's, per committee as on the account."""
    return user.is_superuser or roles.has_role(user, roles.SECURITY_ADMIN)


class CommitteeSeatForm(forms.ModelForm):
    role_codes = forms.MultipleChoiceField(
        label=_("roles in this committee"),
        choices=[(role, roles.GROUP_NAMES[role]) for role in SEAT_ROLES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: the person's own roles (their groups) apply in this committee."),
    )

    class Meta:
        model = CommitteeSeat
        fields = ["user", "committee"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["role_codes"] = sorted(roles.role_codes(self.instance.roles.all()))


@admin.register(CommitteeSeat)
class CommitteeSeatAdmin(admin.ModelAdmin):
    """Who works in which committees, and as what: one login in the city and a district (core.committees).

    The office seats people in its own committee; the security administrator gives the roles a
    seat carries (and seats people in any committee).
    """

    form = CommitteeSeatForm
    list_display = ["user", "committee", "roles_shown"]
    list_select_related = ["user", "committee"]
    list_filter = ["committee"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    raw_id_fields = ["user"]

    @admin.display(description=_("roles in this committee"))
    def roles_shown(self, obj):
        names = [group.name for group in obj.roles.all()]
        return "、".join(sorted(names)) if names else _("their own roles")

    def get_queryset(self, request):
        seats = super().get_queryset(request).prefetch_related("roles")
        if may_give_roles(request.user):
            return seats
        return seats.filter(committee=committees.current())

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "committee" and not may_give_roles(request.user):
            kwargs["queryset"] = Committee.objects.filter(pk=committees.current_id())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_fields(self, request, obj=None):
        fields = ["user", "committee"]
        if may_give_roles(request.user):
            fields.append("role_codes")
        elif obj is not None:
            fields.append("roles_shown")
        return fields

    def get_readonly_fields(self, request, obj=None):
        # A seat is given or taken away, never moved; only its roles change.
        return ["user", "committee", "roles_shown"] if obj is not None else []

    def has_change_permission(self, request, obj=None):
        if obj is not None and not may_give_roles(request.user):
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        codes = form.cleaned_data.get("role_codes", [])
        try:
            if change:
                committees.seat_set_roles(actor=request.user, seat=obj, roles_in_committee=codes)
            else:
                seat = committees.seat_add(
                    actor=request.user, user=obj.user, committee=obj.committee, roles_in_committee=codes
                )
                obj.pk = seat.pk
        except DomainError as exc:
            raise PermissionDenied(exc.message) from exc

    def save_related(self, request, form, formsets, change):
        pass  # the roles were set by the service above (audited), not by the form

    def delete_model(self, request, obj):
        committees.seat_remove(actor=request.user, seat=obj)

    def delete_queryset(self, request, queryset):
        for seat in queryset:
            committees.seat_remove(actor=request.user, seat=seat)


@admin.register(UserPreference)
class UserPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "language"]
    list_select_related = ["user"]
    search_fields = ["user__username"]


class NotificationDeliveryInline(admin.TabularInline):
    model = NotificationDelivery
    extra = 0
    can_delete = False
    readonly_fields = ["channel", "delivered_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(LargeTableAdminMixin, admin.ModelAdmin):
    """The outbox as staff see it: what is pending, sent, failed; retry and cancel by hand."""

    list_display = ["title", "recipient", "kind", "state", "due_at", "attempts", "sent_at", "read_at"]
    list_filter = ["state", "kind", "send_email"]
    search_fields = ["title", "recipient__username", "dedupe_key"]
    list_select_related = ["recipient"]
    date_hierarchy = "due_at"
    show_full_result_count = False
    actions = ["retry_selected", "cancel_selected"]
    inlines = [NotificationDeliveryInline]
    readonly_fields = [
        "recipient",
        "kind",
        "dedupe_key",
        "content_type",
        "object_id",
        "title",
        "body",
        "link",
        "due_at",
        "state",
        "send_email",
        "attempts",
        "last_error",
        "claimed_at",
        "sent_at",
        "read_at",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Rows change only through the services (actions below), so the form is read-only.
        return request.method in ("GET", "HEAD") and super().has_change_permission(request, obj)

    @admin.action(
        description=_("Send the selected failed or cancelled notifications again"), permissions=["retry"]
    )
    def retry_selected(self, request, queryset):
        count = notification_services.notifications_retry(
            notification_ids=list(queryset.values_list("pk", flat=True)), actor=request.user
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d notification will be sent again.",
                "%(count)d notifications will be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )

    @admin.action(description=_("Cancel the selected notifications not sent yet"), permissions=["retry"])
    def cancel_selected(self, request, queryset):
        count = notification_services.notifications_cancel(
            notification_ids=list(queryset.values_list("pk", flat=True)), actor=request.user
        )
        self.message_user(
            request,
            ngettext("%(count)d notification cancelled.", "%(count)d notifications cancelled.", count)
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )

    def has_retry_permission(self, request):
        return request.user.has_perm("core.change_notification")

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        return [path("preview/", preview, name="core_notification_preview"), *super().get_urls()]

    def preview_view(self, request):
        """What each reminder rule would send today, without sending anything (staff only)."""
        if not request.user.has_perm("core.change_notification"):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        now = timezone.now()
        previews = [
            {
                "rule": rule,
                "label": _render(rule.label),
                "reminders": [
                    {
                        "recipient": reminder.recipient,
                        "title": _render(reminder.title),
                        "due_at": reminder.due_at or now,
                        "queued": reminder.dedupe_key[:200] in existing,
                    }
                    for reminder in reminders
                ],
            }
            for rule, reminders, existing in rules.preview(now)
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reminders due today"),
            "opts": self.model._meta,
            "previews": previews,
            "now": now,
        }
        return TemplateResponse(request, "notifications/admin_preview.html", context)


class PortalUserAdmin(UserAdmin):
    """Django's user admin; a password the office sets must be changed by its owner at sign-in.

    The security administrator resets a lost phone's two-factor login here (an audited action).
    """

    actions = ["reset_two_factor"]

    @admin.action(
        description=_("Reset the two-factor login of the selected accounts (lost phone)"),
        permissions=["reset_two_factor"],
    )
    def reset_two_factor(self, request, queryset):
        for user in queryset:
            two_factor.reset(user=user, actor=request.user, reason=_("lost device, reset in the admin"))
        count = len(queryset)
        self.message_user(
            request,
            ngettext(
                "Two-factor login reset for %(count)d account: it sets up a new authenticator at its next sign-in.",
                "Two-factor login reset for %(count)d accounts: they set up a new authenticator at their next sign-in.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    # 三员分立: roles are the security administrator's, accounts the system administrator's.
    ROLE_FIELDS = ("groups", "user_permissions", "is_superuser", "is_staff")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        user = request.user
        if user.is_superuser or obj is None:
            return fields
        if roles.has_role(user, roles.SECURITY_ADMIN):
            keep = {"groups", "is_active"}
            names = {name for _title, opts in self.get_fieldsets(request, obj) for name in opts["fields"]}
            return [*fields, *sorted(names - keep - {"password"})]
        return [*fields, *self.ROLE_FIELDS]

    def has_reset_two_factor_permission(self, request):
        return request.user.is_superuser or roles.has_role(request.user, roles.SECURITY_ADMIN)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            passwords.require_change(obj)

    def user_change_password(self, request, id, form_url=""):
        if roles.has_role(request.user, roles.SECURITY_ADMIN) and not request.user.is_superuser:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied  # passwords are the system administrator's
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, id)
            if user is not None and user.pk != request.user.pk:
                passwords.require_change(user)
        return response


admin.site.unregister(get_user_model())
# Devices are managed through two-factor login's own pages and the reset above, not edited by hand
# (the device admin would show the secret keys).
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)
admin.site.register(get_user_model(), PortalUserAdmin)
