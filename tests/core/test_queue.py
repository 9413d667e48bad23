"""Services queue background work by task name (core.queue), so they never import the tasks module that
imports them. A name is a string the import graph cannot check: this file does."""

import ast

from config.celery import app as celery_app
from core.queue import enqueue_on_commit
from tests.layout import APPS, REPO


def _queued_task_names() -> list[tuple[str, str]]:
    found = []
    for app in APPS:
        for path in sorted((REPO / app).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "enqueue_on_commit":
                    name = node.args[0]
                    assert isinstance(name, ast.Constant), f"{path}: name the task with a literal string"
                    found.append((str(path.relative_to(REPO)), name.value))
    return found


def test_every_task_a_service_queues_by_name_is_one_the_worker_registers():
    celery_app.loader.import_default_modules()  # what a worker does at start: import every app's tasks
    queued = _queued_task_names()

    # The scan sees the services that queue work, or this test would pass on a tree that queues nothing.
    assert {name for _, name in queued} >= {
        "accounts.tasks.send_invitation_email_task",
        "outreach.tasks.send_outreach_email_task",
        "creators.tasks.run_import_job_task",
    }
    unknown = [(path, name) for path, name in queued if name not in celery_app.tasks]
    assert not unknown, f"queued under a name no task has: {unknown}"


def test_the_task_is_sent_when_the_transaction_commits_not_before(django_capture_on_commit_callbacks, db):
    with django_capture_on_commit_callbacks() as callbacks:
        enqueue_on_commit("accounts.tasks.send_invitation_email_task", 0)

    assert len(callbacks) == 1  # waiting for the commit, not sent from inside the transaction
    assert callbacks[0].args == (0,)
    assert callbacks[0].keywords == {"task_name": "accounts.tasks.send_invitation_email_task"}
