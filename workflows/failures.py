"""Timer handlers that fail.

viewflow leaves the task in ERROR with the traceback and the local variables of the failing
frame in the task's data, and local variables can hold case text. We keep only the exception's
class and the stack of code locations, log it, tell the partnership lead, and offer a re-run
(``manage.py timer_failures --rerun TASK``).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db.models import QuerySet
from django.dispatch import receiver
from viewflow.workflow.models import Task
from viewflow.workflow.signals import task_failed
from viewflow.workflow.status import STATUS

logger = logging.getLogger("workflows.timers")


def scrub(data: dict[str, Any]) -> dict[str, Any]:
    """Keep where it failed (the exception's class and the code locations of the stack),
    never what it held (its message and local variables)."""
    failure = data.get("_exception")
    if not isinstance(failure, dict):
        return data
    lines = str(failure.get("traceback", "")).strip().splitlines()
    kind = failure.get("kind") or (lines[-1].split(":", 1)[0] if lines else "Error")
    stack = failure.get("stack") or [line for line in lines if line.startswith('  File "')]
    data["_exception"] = {"kind": kind, "stack": stack}
    return data


@receiver(task_failed)
def scrub_failed_task(sender: Any, process: Any, task: Task, **kwargs: Any) -> None:
    task.data = scrub(task.data)
    task.save(update_fields=["data"])
    logger.error(
        "Timer handler failed: task %s (%s) of process %s raised %s; "
        "re-run with manage.py timer_failures --rerun %s",
        task.pk,
        task.flow_task,
        process.pk,
        task.data["_exception"]["kind"],
        task.pk,
    )
    _alert(process)


def _alert(process: Any) -> None:
    from escalations.models import Escalation, NotificationEvent
    from escalations.notifications import notify

    from .holders import partnership_leads

    escalation = Escalation.objects.filter(pk=process.seed_object_id).first()
    if escalation is not None:
        notify(
            escalation=escalation,
            event=NotificationEvent.TIMER_FAILED,
            recipients=partnership_leads(escalation),
            stage=escalation.stage,
        )


def failed_tasks() -> QuerySet[Task]:
    return Task.objects.filter(status=STATUS.ERROR).order_by("finished")


def rerun(task: Task) -> Task:
    """Revive a failed handler: viewflow makes a fresh task and runs it again. Handlers are
    idempotent, so a re-run after a partial effect does no harm."""
    with task.activation() as activation:
        revived: Task = activation.revive()
    return revived
