"""Insert many new rows of one model at once: COPY on PostgreSQL, bulk_create elsewhere.

An attendance workbook of ten thousand rows writes ten thousand participations and as many duty
records. bulk_create builds one INSERT of all of them, converting every value through its field
(most of the import's time); COPY takes the rows as text. Both run in the caller's transaction and
are checked by the same constraints, so a bad row still rolls the whole import back.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable, Sequence
from decimal import Decimal
from operator import attrgetter
from typing import Any

from django.db import connection
from django.db.models import Field, Model

# SQLite refuses statements with more than a few thousand parameters.
_ORM_BATCH = 500


def bulk_insert(model: type[Model], objs: Sequence[Model], *, with_ids: bool = False) -> None:
    """Save new, unsaved instances; with_ids sets each one's primary key (COPY returns none).

    Fields are saved as they are on the instances, after each field's pre_save (auto_now and
    auto_now_add fill in the time), as bulk_create does; no signals are sent, as with bulk_create.
    """
    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=_ORM_BATCH)
        return
    meta = model._meta
    pk = meta.pk
    if with_ids:
        with connection.cursor() as cursor:
            # Ids come from the table's own sequence, so rows inserted meanwhile by others never clash.
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, pk.column, len(objs)],
            )
            for obj, (new_id,) in zip(objs, cursor.fetchall(), strict=True):
                obj.pk = new_id
    fields = [f for f in meta.concrete_fields if with_ids or f is not pk]
    values = [_value_getter(field) for field in fields]
    buffer = io.StringIO()
    for obj in objs:
        buffer.write(",".join([copy_text(value(obj)) for value in values]))
        buffer.write("\n")
        obj._state.adding = False
        obj._state.db = connection.alias
    buffer.seek(0)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    # copy_expert is psycopg2's own: wrapped, a broken constraint is Django's IntegrityError as with INSERT.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.copy_expert(
            f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
            buffer,
        )


def _value_getter(field: Field) -> Callable[[Model], Any]:
    """What bulk_create saves for a field: its pre_save, or (the usual case) the attribute itself."""
    if type(field).pre_save is Field.pre_save:
        return attrgetter(field.attname)
    return lambda obj: field.pre_save(obj, True)


def copy_text(value: Any) -> str:
    """A Python value as one field of PostgreSQL's CSV: NULL unquoted, every value quoted.

    Quoting every value keeps a text that happens to read \\N (or is empty) a text, not a NULL.
    """
    if value is None:
        return "\\N"
    kind = type(value)
    if kind is int:
        return f'"{value}"'
    if kind is str:
        return '"' + value.replace('"', '""') + '"'
    return '"' + _text(value).replace('"', '""') + '"'


def _text(value: Any) -> str:
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "adapted"):  # psycopg2's Json wrapper
        return json.dumps(value.adapted, ensure_ascii=False)
    return str(value)
