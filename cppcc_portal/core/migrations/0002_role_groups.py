from django.db import migrations

GROUP_NAMES = ["机关工作人员", "领导", "委员", "承办单位", "信息员"]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in GROUP_NAMES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    """The role groups; their permissions are granted after every migrate (core.roles)."""

    dependencies = [("core", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
