"""Every task the portal registers goes to one of the three queues a worker consumes
(cppcc_portal/celery.py, docs/deployment.md): a new task without a route fails here instead of
waiting forever on Celery's default queue, which no worker consumes."""

from cppcc_portal import celery
from cppcc_portal.celery import IMPORTS_EXPORTS, INDEXING, NOTIFICATIONS, QUEUES, app


def portal_tasks() -> list[str]:
    app.loader.import_default_modules()
    return sorted(name for name in app.tasks if not name.startswith("celery."))


def queue_of(task_name: str) -> str | None:
    route = app.amqp.router.route({}, task_name)
    queue = route.get("queue")
    return getattr(queue, "name", queue)


def test_every_registered_task_is_routed_to_a_consumed_queue():
    tasks = portal_tasks()
    assert len(tasks) >= 10, tasks
    unrouted = {name: queue_of(name) for name in tasks if queue_of(name) not in QUEUES}
    assert unrouted == {}, f"route these tasks in cppcc_portal/celery.py (TASK_QUEUES): {unrouted}"


def test_a_route_names_only_tasks_that_exist():
    assert set(celery.TASK_QUEUES) <= set(portal_tasks())


def test_notifications_do_not_share_a_queue_with_imports_or_indexing():
    assert queue_of("cppcc_portal.core.tasks.deliver_notification") == NOTIFICATIONS
    assert queue_of("cppcc_portal.core.tasks.sweep_due_notifications") == NOTIFICATIONS
    assert queue_of("cppcc_portal.core.tasks.run_reminder_rule") == NOTIFICATIONS
    assert queue_of("members.tasks.run_import_job") == IMPORTS_EXPORTS
    assert queue_of("cppcc_portal.dashboard.tasks.build_export") == IMPORTS_EXPORTS
    assert queue_of("cppcc_portal.core.tasks.make_backup") == IMPORTS_EXPORTS
    assert queue_of("proposals.tasks.index_for_similarity") == INDEXING


def test_a_worker_started_without_queues_consumes_all_three():
    assert sorted(app.amqp.queues) == sorted(QUEUES)


def test_an_unknown_task_would_land_on_no_consumed_queue():
    # What the first test guards against: the default queue is none of the three.
    assert queue_of("some_app.tasks.forgotten") not in QUEUES
