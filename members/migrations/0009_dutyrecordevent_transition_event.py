"""DutyRecordEvent takes the shape of `core.models.TransitionEvent` (like ProposalEvent, ReportEvent
and RecommendationEvent): its columns are renamed, not recreated, so every row is kept.

from_status → from_state, to_status → to_state, at → created_at; the note is a text (it was at most
300 characters, so every note fits)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0008_duty_points_follow_rules"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="dutyrecordevent", old_name="from_status", new_name="from_state"),
        migrations.RenameField(model_name="dutyrecordevent", old_name="to_status", new_name="to_state"),
        migrations.RenameField(model_name="dutyrecordevent", old_name="at", new_name="created_at"),
        migrations.AlterModelOptions(
            name="dutyrecordevent",
            options={
                "ordering": ["created_at", "pk"],
                "verbose_name": "duty record event",
                "verbose_name_plural": "duty record events",
            },
        ),
        migrations.AlterField(
            model_name="dutyrecordevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="by",
            ),
        ),
        migrations.AlterField(
            model_name="dutyrecordevent",
            name="from_state",
            field=models.CharField(
                blank=True,
                choices=[("submitted", "submitted"), ("verified", "verified"), ("rejected", "rejected")],
                max_length=16,
                verbose_name="from",
            ),
        ),
        migrations.AlterField(
            model_name="dutyrecordevent",
            name="note",
            field=models.TextField(blank=True, verbose_name="note"),
        ),
        migrations.AlterField(
            model_name="dutyrecordevent",
            name="to_state",
            field=models.CharField(
                choices=[("submitted", "submitted"), ("verified", "verified"), ("rejected", "rejected")],
                max_length=16,
                verbose_name="to",
            ),
        ),
    ]
