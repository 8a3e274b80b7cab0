"""Stored duty points follow the scoring rules (members.scoring): store them again once."""

from django.db import migrations, models
from django.db.models import F, IntegerField, OuterRef, Subquery


def refresh_points(apps, schema_editor):
    DutyRecord = apps.get_model("members", "DutyRecord")
    ScoringRule = apps.get_model("members", "ScoringRule")
    rule_points = ScoringRule.objects.filter(
        year=OuterRef("year"), event_kind=OuterRef("event_kind"), role=OuterRef("role")
    ).values("points")[:1]
    DutyRecord.objects.filter(status="verified").update(
        points=Subquery(rule_points, output_field=IntegerField()) * F("quantity")
    )
    DutyRecord.objects.exclude(status="verified").filter(points__isnull=False).update(points=None)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0007_merge_20261206_1238"),
    ]

    operations = [
        migrations.AlterField(
            model_name="dutyrecord",
            name="points",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="From the scoring rule, kept up to date with it.",
                null=True,
                verbose_name="points",
            ),
        ),
        migrations.RunPython(refresh_points, migrations.RunPython.noop),
    ]
