"""How the generator writes: progress bars, the bulk `Writer` (PostgreSQL COPY, else bulk_create)
and the small helpers every step uses."""

from __future__ import annotations

import datetime as dt
import io
import random
import time
from collections.abc import Iterable, Sequence
from typing import Any

from django.apps import apps
from django.db import connection
from django.utils import timezone

from cppcc_portal.core.bulk_insert import copy_text
from devdata.decade.vocabulary import CHUNK, GIVEN, ORM_BATCH, SURNAMES


class Progress:
    """Progress lines on the command's output: one bar per step, redrawn every ~10%."""

    def __init__(self, say, label: str, total: int):
        self.say, self.label, self.total = say, label, max(total, 1)
        self.done, self.next_mark, self.started = 0, 0.0, time.monotonic()

    def add(self, count: int) -> None:
        self.done += count
        share = self.done / self.total
        if share >= self.next_mark or self.done >= self.total:
            filled = int(share * 20)
            self.say(
                f"  {self.label:<22} [{'#' * filled}{'-' * (20 - filled)}] {share:6.1%} "
                f"{self.done:>9,}/{self.total:,}  {time.monotonic() - self.started:6.1f}s"
            )
            self.next_mark = share + 0.1


class Writer:
    """Write many rows of one model: fixed columns prepared once from a template instance.

    `fields` are the attnames that vary per row (always starting with the id); every other column
    takes the value a `Model(**base)` would be saved with (its defaults, auto_now_add, …).
    """

    def __init__(self, model, fields: Sequence[str], base: dict[str, Any] | None = None):
        self.model = model
        self.fields = list(fields)
        template = model(**(base or {}))
        concrete = [f for f in model._meta.concrete_fields]
        by_attname = {f.attname: f for f in concrete}
        self.columns = [by_attname[name].column for name in self.fields]
        self.fixed_columns, self.fixed_values = [], []
        for field in concrete:
            if field.attname in self.fields:
                continue
            value = field.pre_save(template, add=True)
            self.fixed_columns.append(field.column)
            self.fixed_values.append(copy_text(field.get_db_prep_save(value, connection)))
        self.table = model._meta.db_table
        self.postgres = connection.vendor == "postgresql"

    def next_id(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT COALESCE(MAX("id"), 0) FROM "{self.table}"')  # noqa: S608 - our table name
            return cursor.fetchone()[0] + 1

    def write(self, rows: Iterable[Sequence[Any]], progress: Progress | None = None) -> int:
        count = 0
        chunk: list[Sequence[Any]] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= CHUNK:
                count += self._flush(chunk, progress)
                chunk = []
        if chunk:
            count += self._flush(chunk, progress)
        self._reset_sequence()
        return count

    def _flush(self, rows: list[Sequence[Any]], progress: Progress | None) -> int:
        if self.postgres:
            buffer = io.StringIO()
            fixed = self.fixed_values
            for row in rows:
                buffer.write(",".join([copy_text(v) for v in row] + fixed))
                buffer.write("\n")
            buffer.seek(0)
            columns = ", ".join(f'"{c}"' for c in self.columns + self.fixed_columns)
            with connection.cursor() as cursor:
                cursor.copy_expert(
                    f"COPY \"{self.table}\" ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer
                )
        else:
            objs = []
            for row in rows:
                obj = self.model(**dict(zip(self.fields, row, strict=True)))
                objs.append(obj)
            self.model.objects.bulk_create(objs, batch_size=ORM_BATCH)
        if progress:
            progress.add(len(rows))
        return len(rows)

    def _reset_sequence(self) -> None:
        if not self.postgres:
            return
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{self.table}\"', 'id'), "  # noqa: S608
                f'(SELECT COALESCE(MAX("id"), 1) FROM "{self.table}"))'
            )


def _get(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _aware(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_current_timezone())


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
