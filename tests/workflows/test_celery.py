"""The timers on Celery (DESIGN.md section 8, docs/adr/0009-celery.md): the project's Celery app
and its beat schedule, and the task run by a real worker in a thread on Celery's in-memory broker.

Raised on Wednesday 2 December 2026 at 10:00, stage 1 is due Monday 7 December at 17:00.
"""

import datetime as dt
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from celery.beat import Scheduler
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail

from escalations import services
from escalations.models import Notification, NotificationEvent
from tests.factories import raise_one
from workflows.calendar import LONDON
from workflows.tasks import sweep_timers

DUE = dt.datetime(2026, 12, 7, 17, 0, tzinfo=LONDON)

# the broker and result store of this process instead of Redis, polled often to keep it quick
IN_MEMORY = {
    "broker_url": "memory://localhost/",
    "broker_transport_options": {"polling_interval": 0.01},
    "result_backend": "cache+memory://",
}


@pytest.fixture
def celery_app() -> Iterator[Any]:
    from config import celery_app as app

    saved = {key: app.conf[key] for key in IN_MEMORY}
    app.conf.update(IN_MEMORY)
    try:
        yield app
    finally:
        app.close()
        app.conf.update(saved)


@pytest.fixture
def worker(celery_app: Any) -> Iterator[None]:
    # the worker's thread has its own database connection: it sees only committed rows
    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=10):
        yield


def run_sweep() -> Any:
    """What beat does every minute, and wait for the worker to have done it."""
    return sweep_timers.delay().get(timeout=10, interval=0.01)


@pytest.mark.django_db(transaction=True)
def test_a_worker_running_the_task_records_the_breach_and_emails_it(world, clock, worker):
    escalation = raise_one(world)
    services.escalation_acknowledge(escalation=escalation, by=world.csc.practitioner)
    assert run_sweep() == {"fired": 0, "sent": 2, "failed": 0}  # raised, acknowledged
    mail.outbox.clear()

    clock.move_to(DUE)
    # the reminder (nothing to do once the due moment has come) and the breach
    assert run_sweep() == {"fired": 2, "sent": 4, "failed": 0}

    assert escalation.stage_records.get().breached_at == DUE
    breached = Notification.objects.filter(escalation=escalation, event=NotificationEvent.BREACHED)
    assert {n.recipient.username for n in breached} == {
        world.police.practitioner.username,
        world.csc.practitioner.username,
        world.police.manager.username,
        world.csc.manager.username,
    }
    assert all(n.sent_at == DUE for n in breached)
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(
        n.recipient.email for n in breached
    )


def test_importing_the_project_does_not_import_celery():
    """Every manage.py command and web worker imports config: Celery waits until it is used."""
    code = "import sys, config; assert 'celery' not in sys.modules; config.celery_app"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=settings.BASE_DIR)  # noqa: S603


def test_the_app_takes_its_settings_from_django():
    from config import celery_app as app

    assert app.main == "resolve"
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True
    assert app.conf.task_time_limit < 60  # killed before the next sweep is due


def test_beat_runs_the_sweep_task_every_minute():
    from config import celery_app as app

    scheduler = Scheduler(app, lazy=True)
    scheduler.update_from_dict(app.conf.beat_schedule)
    [entry] = scheduler.schedule.values()
    assert entry.task == sweep_timers.name == "workflows.tasks.sweep_timers"
    assert entry.schedule.run_every == dt.timedelta(minutes=1)
    # a tick no worker took before the next one is dropped, not run late
    assert entry.options["expires"] < 60
