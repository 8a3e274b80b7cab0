"""A committee may be made inactive: it keeps its rows and receives no forwarded matters.

It runs before the apps' ownership migrations: their new ``tenant`` column's default reads the
default committee through the current model (core.committees.current_id), which has this field.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0012_committee"),
    ]

    run_before = [
        ("workplan", "0004_committee_ownership"),
        ("members", "0010_committee_ownership"),
        ("meetings", "0002_committee_ownership"),
        ("proposals", "0007_committee_ownership"),
        ("supervision", "0004_committee_ownership"),
        ("consultations", "0002_committee_ownership"),
    ]

    operations = [
        migrations.AddField(
            model_name="committee",
            name="is_active",
            field=models.BooleanField(
                default=True,
                help_text="An inactive committee keeps its rows but receives no forwarded matters.",
                verbose_name="active",
            ),
        ),
    ]
