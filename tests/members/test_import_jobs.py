"""A large roster import runs in a worker: the upload answers at once with a progress page, the
preview and then the import happen in the background, the page shows the outcome."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from members import import_jobs
from members.choices import ImportJobState
from members.models import ImportJob, Member
from tests.conftest import login
from tests.members.test_import import HEADERS, good_row, reference  # noqa: F401 - the fixture

# `reference`: the term, parties and sectors the roster rows name.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference")]


def workbook(rows) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "花名册.xlsx"
    return buffer


@pytest.fixture
def queued(monkeypatch):
    """Job ids handed to the worker, each with its committee (the test runs the task's service itself)."""
    from cppcc_portal.core import committees
    from members import tasks

    sent = []

    def delay(job_id, committee_id):
        assert committee_id == committees.default().pk
        sent.append(job_id)

    monkeypatch.setattr(tasks.run_import_job, "delay", delay)
    return sent


def upload(client, rows, django_capture_on_commit_callbacks):
    url = reverse("admin:members_member_import")
    form = client.get(url).context["form"]
    xlsx = next(value for value, label in form.fields["format"].choices if str(label).lower() == "xlsx")
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(url, {"format": xlsx, "import_file": workbook(rows)})


def test_a_roster_over_the_threshold_is_previewed_then_imported_by_the_worker(
    client, staff_user, settings, queued, django_capture_on_commit_callbacks
):
    settings.IMPORT_BACKGROUND_ROWS = 3
    rows = [good_row(f"D{n:03}", f"委员{n}") for n in range(5)]
    login(client, staff_user)

    response = upload(client, rows, django_capture_on_commit_callbacks)

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/import/jobs/{job.pk}/")
    assert (job.state, job.dry_run, job.total_rows, queued) == (ImportJobState.QUEUED, True, 5, [job.pk])
    page = client.get(response["Location"])
    assert b"<progress" in page.content and b'http-equiv="refresh"' in page.content
    assert not Member.objects.exists(), "the request itself parsed nothing"

    import_jobs.import_job_run(job.pk)
    page = client.get(response["Location"])
    assert b"<progress" not in page.content and b"refresh" not in page.content
    assert page.context["can_confirm"] and not Member.objects.exists(), "a preview saves nothing"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"])
    assert queued == [job.pk, job.pk]
    import_jobs.import_job_run(job.pk)

    job.refresh_from_db()
    assert job.state == ImportJobState.DONE
    assert Member.objects.count() == 5


def test_a_preview_with_a_bad_row_lists_it_and_offers_no_import(
    client, staff_user, settings, queued, django_capture_on_commit_callbacks
):
    settings.IMPORT_BACKGROUND_ROWS = 1
    rows = [good_row("D001", "王丽"), good_row("D002", "陈刚", sector="不存在的界别")]
    login(client, staff_user)
    upload(client, rows, django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()

    import_jobs.import_job_run(job.pk)

    page = client.get(reverse("admin:members_member_import_job", args=[job.pk]))
    assert not page.context["can_confirm"]
    assert "不存在的界别" in page.content.decode() or page.context["job"].result["error_count"] >= 1
    confirmed = client.post(reverse("admin:members_member_import_job", args=[job.pk]), follow=True)
    assert ImportJob.objects.get().state == ImportJobState.PREVIEWED
    assert "只有没有错误的预览才能导入" in confirmed.content.decode()
    assert not Member.objects.exists()


def test_a_redelivered_job_message_runs_the_job_once(
    client, staff_user, settings, queued, django_capture_on_commit_callbacks
):
    settings.IMPORT_BACKGROUND_ROWS = 1
    login(client, staff_user)
    upload(client, [good_row("D001", "王丽"), good_row("D002", "陈刚")], django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    import_jobs.import_job_run(job.pk)
    finished = ImportJob.objects.get().finished_at

    import_jobs.import_job_run(job.pk)

    assert ImportJob.objects.get().finished_at == finished


def test_a_small_roster_still_previews_in_the_request(
    client, staff_user, queued, django_capture_on_commit_callbacks
):
    login(client, staff_user)
    response = upload(client, [good_row("D001", "王丽")], django_capture_on_commit_callbacks)
    assert response.status_code == 200 and "confirm_form" in response.context
    assert not ImportJob.objects.exists() and not queued


@pytest.mark.parametrize("persona", ["member_user", "unit_user"])
def test_other_roles_cannot_open_an_import_job(client, staff_user, persona, request):
    job = ImportJob.objects.create(
        resource="members.member", original_name="a.xlsx", file_format="xlsx", created_by=staff_user
    )
    login(client, request.getfixturevalue(persona))
    response = client.get(reverse("admin:members_member_import_job", args=[job.pk]))
    assert response.status_code in (302, 403)
    assert b"a.xlsx" not in response.content
