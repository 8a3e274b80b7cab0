"""Every workplan row belongs to exactly one committee: the existing rows to committee number one.

Three steps in one migration: the column is added empty, filled, then made non-null
(docs/architecture.md, Committees). Child rows belong through their parent.
"""

import django.db.models.deletion
from django.db import migrations, models

import cppcc_portal.core.committees

OWNED = ["workplan.WorkPlan"]


def fill(apps, schema_editor):
    cppcc_portal.core.committees.fill_tenant(apps, schema_editor, OWNED)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0012_committee"),
        ("workplan", "0003_plan_sign_off"),
    ]

    operations = [
        migrations.AddField(
            model_name="workplan",
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
            model_name="workplan",
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
    ]
