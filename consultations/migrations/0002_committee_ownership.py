"""Every consultations row belongs to exactly one committee: the existing rows to committee number one.

Three steps in one migration: the column is added empty, filled, then made non-null
(docs/architecture.md, Committees). Child rows belong through their parent.
"""

import django.db.models.deletion
from django.db import migrations, models

import cppcc_portal.core.committees

OWNED = [
    "consultations.ConsultationPlan",
    "consultations.CollectionWindow",
    "consultations.ConsultationTopic",
]


def fill(apps, schema_editor):
    cppcc_portal.core.committees.fill_tenant(apps, schema_editor, OWNED)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0012_committee"),
        ("consultations", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="consultationplan",
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
        migrations.AddField(
            model_name="collectionwindow",
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
        migrations.AddField(
            model_name="consultationtopic",
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
            model_name="consultationplan",
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
            model_name="collectionwindow",
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
            model_name="consultationtopic",
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
