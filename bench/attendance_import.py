"""Import of a 10,000-row attendance workbook through the members' AttendanceResource, against a
plain bulk_create of the same rows; both inside a transaction that is rolled back, so the bench
database keeps its data. Also checks that the import's query count does not grow with rows.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import time

import django

django.setup()

import tablib  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from members.models import Activity, Member, Participation  # noqa: E402
from members.resources import AttendanceResource, import_with_rules  # noqa: E402

# 10,000 rows by default; BENCH_IMPORT_ROWS lowers it when the import is too slow to wait for.
ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "10000"))
PER_ACTIVITY = 10


class Rollback(Exception):
    """Raised to leave the measuring transaction without keeping its rows."""


def fresh_activities(count: int) -> list[Activity]:
    start = timezone.now() - dt.timedelta(days=3)
    return Activity.objects.bulk_create(
        [
            Activity(
                title=f"导入测试活动{n}",
                kind="meeting",
                starts_at=start,
                ends_at=start + dt.timedelta(hours=2),
                status="held",
            )
            for n in range(count)
        ]
    )


def workbook(activities: list[Activity], members: list[Member], rows: int) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["活动编号", "活动", "委员编号", "姓名", "出席情况", "请假事由"])
    for n in range(rows):
        activity = activities[n // PER_ACTIVITY]
        member = members[n % PER_ACTIVITY + (n // PER_ACTIVITY) % (len(members) - PER_ACTIVITY)]
        sheet.append([activity.pk, activity.pk, member.member_number, member.name, "出席", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class QueryCounter:
    """Counts queries without keeping them (Django's query log stops at 9,000 entries)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def office_actor():
    """The office account that records attendance (the bench's staff login)."""
    from cppcc_portal.core import roles

    user, _ = get_user_model().objects.get_or_create(username="bench_staff")
    user.groups.add(roles.ensure_groups()[roles.STAFF])
    return user


def timed_import(rows: int, members: list[Member]) -> tuple[float, int, int]:
    """Seconds, queries and errors of importing `rows` rows (rolled back)."""
    actor = office_actor()
    try:
        with transaction.atomic():
            activities = fresh_activities(rows // PER_ACTIVITY)
            content = workbook(activities, members, rows)
            counter = QueryCounter()
            started = time.perf_counter()
            with connection.execute_wrapper(counter):
                dataset = tablib.Dataset().load(content, format="xlsx")
                result = import_with_rules(AttendanceResource(), dataset, actor=actor, dry_run=False)
            elapsed = time.perf_counter() - started
            errors = len(result.invalid_rows) + len(result.row_errors())
            if errors:
                print(
                    "first row errors:",
                    [str(e.error) for _, errs in result.row_errors()[:1] for e in errs][:3],
                    [r.error_dict for r in result.invalid_rows[:2]],
                )
            raise Rollback((elapsed, counter.count, errors))
    except Rollback as done:
        return done.args[0]


def timed_bulk_create(rows: int, members: list[Member]) -> float:
    try:
        with transaction.atomic():
            activities = fresh_activities(rows // PER_ACTIVITY)
            started = time.perf_counter()
            Participation.objects.bulk_create(
                [
                    Participation(
                        activity=activities[n // PER_ACTIVITY],
                        member=members[
                            n % PER_ACTIVITY + (n // PER_ACTIVITY) % (len(members) - PER_ACTIVITY)
                        ],
                        attendance="present",
                    )
                    for n in range(rows)
                ],
                batch_size=2000,
            )
            raise Rollback(time.perf_counter() - started)
    except Rollback as done:
        return done.args[0]


def main() -> None:
    members = list(Member.objects.filter(status="in_office").order_by("id")[:200])
    small_seconds, small_queries, small_errors = timed_import(ROWS // 10, members)
    seconds, queries, errors = timed_import(ROWS, members)
    bulk_seconds = timed_bulk_create(ROWS, members)
    rate, bulk_rate = ROWS / seconds, ROWS / bulk_seconds
    print(
        f"- import of {ROWS:,} rows (xlsx, AttendanceResource): {seconds:.1f} s, {rate:,.0f} rows/s, "
        f"{queries:,} queries, {errors} row errors"
    )
    print(
        f"- import of {ROWS // 10:,} rows: {small_seconds:.1f} s, {small_queries:,} queries, {small_errors} row errors "
        f"(queries per row: {small_queries / (ROWS // 10):.1f} vs {queries / ROWS:.1f})"
    )
    print(f"- plain bulk_create of the same {ROWS:,} rows: {bulk_seconds:.2f} s, {bulk_rate:,.0f} rows/s")
    print(f"- import speed / bulk_create speed: {rate / bulk_rate:.3f} (target ≥ 0.2)")
    grows = queries > small_queries * 1.5
    print(f"- query count grows with rows: {'yes' if grows else 'no'}")
    print("- (the two COPY statements, one per table written, are psycopg2's own and not in the counts)")


if __name__ == "__main__":
    main()
