from django.contrib import admin

from cppcc_portal.core.models import AuditEvent, UserPreference


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail can be read, never edited or deleted."""

    list_display = ["created_at", "actor", "action", "content_type", "object_repr", "ip_address"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "actor__username", "note"]
    list_select_related = ["actor", "content_type"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(UserPreference)
class UserPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "language"]
    list_select_related = ["user"]
