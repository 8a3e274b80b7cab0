"""Finer planner statistics on a participation's member (PostgreSQL only).

Members take part very unevenly: at ten years a member may have thousands of rows or seven. With
the default statistics the planner guessed about 1,400 rows for everyone, so a member's own list,
ordered by the activities' start, walked the activities backwards looking for their rows (19 ms at
ten years, 0.2 ms with these statistics, which keep every member's own share). Takes effect at the
next ANALYZE (autovacuum's, or `bench/run.py`'s).
"""

from django.db import migrations

TARGET = 1000


def set_target(apps, schema_editor, target=TARGET):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite keeps no such statistics
    table = schema_editor.quote_name(apps.get_model("members", "Participation")._meta.db_table)
    schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN member_id SET STATISTICS {int(target)}")


def reset_target(apps, schema_editor):
    set_target(apps, schema_editor, target=-1)


class Migration(migrations.Migration):
    dependencies = [("members", "0012_member_per_committee")]

    operations = [migrations.RunPython(set_target, reset_target, elidable=False)]
