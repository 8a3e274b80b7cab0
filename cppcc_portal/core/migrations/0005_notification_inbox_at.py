# The inbox no longer waits for delivery: each row carries the time it enters the inbox.

from django.db import migrations, models
from django.db.models.functions import Coalesce


def fill_inbox_at(apps, schema_editor):
    Notification = apps.get_model("core", "Notification")
    Notification.objects.update(inbox_at=Coalesce("sent_at", "due_at"))


class Migration(migrations.Migration):
    dependencies = [("core", "0004_notification_unread_index")]

    operations = [
        migrations.RemoveIndex(model_name="notification", name="notification_inbox_idx"),
        migrations.RemoveIndex(model_name="notification", name="notification_unread_idx"),
        migrations.AddField(
            model_name="notification",
            name="inbox_at",
            field=models.DateTimeField(null=True, verbose_name="in the inbox from"),
        ),
        migrations.RunPython(fill_inbox_at, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="notification",
            name="inbox_at",
            field=models.DateTimeField(verbose_name="in the inbox from"),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(fields=["recipient", "inbox_at"], name="notification_inbox_at_idx"),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(
                condition=models.Q(
                    ("read_at__isnull", True), models.Q(("state", "cancelled"), _negated=True)
                ),
                fields=["recipient", "inbox_at"],
                name="notification_unread_inbox_idx",
            ),
        ),
    ]
