"""A member's login carries the member's name (姓名), so pages that name a user show the person."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def forwards(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    User = apps.get_model("auth", "User")
    name = Member.objects.filter(user_id=OuterRef("pk")).values("name")[:1]
    User.objects.filter(member__isnull=False, first_name="").update(first_name=Subquery(name))


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0003_activity_portal_indexes"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
