"""The Celery app; tasks live in each app's tasks.py and are found by autodiscovery.

Every task is routed to one of three queues (docs/deployment.md), so that a slow import or a
rebuild of the similarity index never holds up the delivery of notifications:

- ``notifications``: reminders, notification delivery and the sweep of the outbox;
- ``imports_exports``: spreadsheet imports and exports, backups (long, heavy on memory and disk);
- ``indexing``: derived data kept up to date: the similarity index, the dashboard's stored
  figures, the audit chain's seals, co-signing closed at its deadline.

One worker may consume all three (`make run`, bin/serve; a worker started without ``-Q``
consumes every queue named here); a scaled-out installation runs a worker per group of queues.
A task without a route would go to Celery's default queue, which no worker consumes:
tests/core/test_task_routes.py fails for such a task.
"""

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cppcc_portal.settings")

NOTIFICATIONS = "notifications"
IMPORTS_EXPORTS = "imports_exports"
INDEXING = "indexing"
QUEUES = (NOTIFICATIONS, IMPORTS_EXPORTS, INDEXING)

# The one place that says which queue runs which task.
TASK_QUEUES = {
    "cppcc_portal.core.tasks.deliver_notification": NOTIFICATIONS,
    "cppcc_portal.core.tasks.sweep_due_notifications": NOTIFICATIONS,
    "cppcc_portal.core.tasks.run_reminder_rule": NOTIFICATIONS,
    "members.tasks.run_import_job": IMPORTS_EXPORTS,
    "cppcc_portal.dashboard.tasks.build_export": IMPORTS_EXPORTS,
    "cppcc_portal.core.tasks.make_backup": IMPORTS_EXPORTS,
    "proposals.tasks.index_for_similarity": INDEXING,
    "cppcc_portal.dashboard.tasks.refresh_year_figures": INDEXING,
    "cppcc_portal.core.tasks.seal_audit_events": INDEXING,
    "proposals.tasks.close_expired_cosigning": INDEXING,
}

app = Celery("cppcc_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = [Queue(name, routing_key=name) for name in QUEUES]
app.conf.task_routes = {task: {"queue": queue, "routing_key": queue} for task, queue in TASK_QUEUES.items()}
app.autodiscover_tasks()
app.autodiscover_tasks(["cppcc_portal.core"])
