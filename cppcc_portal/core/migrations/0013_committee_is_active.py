"""A committee may be made inactive: it keeps its rows and receives no forwarded matters.

It comes after the apps' ownership migrations (an installation of the previous release has them
applied already: a ``run_before`` here made its ``migrate`` refuse with InconsistentMigrationHistory).
Their new ``tenant`` column's default reads the default committee through the current model
(core.committees.current_id), which therefore leaves this field out of that read (``defer``).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0012_committee"),
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
