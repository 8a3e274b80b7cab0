"""The dashboard's stored figures are per committee: each committee has its own row per year.

The existing rows are committee number one's (the same three steps as the other apps' committee
ownership migrations: added empty, filled, made non-null); the year is unique per committee.
"""

import django.db.models.deletion
from django.db import migrations, models

import cppcc_portal.core.committees


def fill(apps, schema_editor):
    cppcc_portal.core.committees.fill_tenant(apps, schema_editor, ["dashboard.YearFigures"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0012_committee"),
        ("dashboard", "0002_refresh_schedule"),
    ]

    operations = [
        migrations.AddField(
            model_name="yearfigures",
            name="tenant",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.committee",
                verbose_name="committee",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="yearfigures",
            name="tenant",
            field=models.ForeignKey(
                default=cppcc_portal.core.committees.current_id,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.committee",
                verbose_name="committee",
            ),
        ),
        migrations.AlterField(
            model_name="yearfigures",
            name="year",
            field=models.PositiveSmallIntegerField(verbose_name="year"),
        ),
        migrations.AddConstraint(
            model_name="yearfigures",
            constraint=models.UniqueConstraint(fields=("tenant", "year"), name="year_figures_committee_year"),
        ),
    ]
