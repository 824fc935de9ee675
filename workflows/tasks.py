"""The Celery task of larger deployments: beat runs it every minute (``CELERY_BEAT_SCHEDULE``).

It is the same sweep as ``manage.py run_timers`` and fails the same way: a timer handler that
raises is caught by the sweep, recorded and reported by ``workflows.failures``; a sweep that
fails as a whole (the database is down) fails the task, Celery logs it, and the next minute's
sweep tries again. No retries of its own.
"""

from __future__ import annotations

from celery import shared_task

from workflows.sweep import sweep


@shared_task(name="workflows.tasks.sweep_timers")
def sweep_timers() -> dict[str, int]:
    """Fire the due timers, then deliver the due emails; return how many of each."""
    fired, sent, failed = sweep()
    return {"fired": fired, "sent": sent, "failed": failed}
