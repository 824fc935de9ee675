"""Two things at once on one escalation (PostgreSQL only: SQLite serialises every writer).

People and the timer sweep take the escalation's row lock first, always, so each race has
exactly one effect and never deadlocks.
"""

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from escalations import services
from escalations.models import Escalation, Notification, NotificationEvent, StageRecord
from tests.factories import raise_one
from workflows.calendar import LONDON
from workflows.sweep import sweep

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DUE = dt.datetime(2026, 12, 7, 17, 0, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")


def race(*actions: Callable[[], object]) -> list[object]:
    """Start every action at the same moment, each on its own connection; return what each
    returned or raised. A deadlock would surface as an error from PostgreSQL, and a hang
    fails the join timeout."""
    barrier = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)

    def run(index: int, action: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[index] = action()
        except Exception as error:  # recorded for the assertions
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive(), "deadlocked"
    return results


def refused(results: list[object]) -> list[object]:
    return [r for r in results if isinstance(r, services.Refused)]


def test_two_people_escalating_at_once_move_it_one_stage(world, clock):
    escalation = raise_one(world)
    results = race(
        lambda: services.escalation_escalate(
            escalation=escalation, by=world.police.practitioner, reason="a", expected_stage=1
        ),
        lambda: services.escalation_escalate(
            escalation=escalation, by=world.csc.practitioner, reason="b", expected_stage=1
        ),
    )
    assert len(refused(results)) == 1
    assert "moved on to stage 2" in str(refused(results)[0])
    assert Escalation.objects.get(pk=escalation.pk).stage == 2
    assert StageRecord.objects.filter(escalation=escalation).count() == 2


def test_resolving_and_withdrawing_at_once_settles_it_once(world, clock):
    escalation = raise_one(world)
    results = race(
        lambda: services.escalation_resolve(
            escalation=escalation,
            by=world.police.practitioner,
            outcome="decision_changed",
            summary="Strategy discussion agreed",
            agreed_actions="Strategy discussion today",
        ),
        lambda: services.escalation_withdraw(
            escalation=escalation, by=world.police.practitioner, reason="No longer needed"
        ),
    )
    assert len(refused(results)) == 1
    assert Escalation.objects.get(pk=escalation.pk).status in ("resolved", "withdrawn")


def test_a_person_and_the_sweep_at_the_due_moment_have_one_effect_each(world, clock):
    world.policy.escalate_on_breach = True
    world.policy.save()
    escalation = raise_one(world)
    clock.move_to(DUE)
    results = race(
        sweep,
        lambda: services.escalation_resolve(
            escalation=escalation,
            by=world.police.practitioner,
            outcome="decision_changed",
            summary="Agreed",
            agreed_actions="Strategy discussion",
            expected_stage=1,
        ),
    )
    escalation = Escalation.objects.get(pk=escalation.pk)
    if isinstance(results[1], services.Refused):
        # the sweep won: breached and escalated; the stale stage-1 form was refused
        assert escalation.status == "stage_2"
        assert StageRecord.objects.get(escalation=escalation, stage=1).breached_at == DUE
    else:
        # the person won: resolved at stage 1, at its due moment, so breached as the timer
        # would have (once, without alarms: it closed); the timer found its stage ended
        assert escalation.status == "resolved"
        assert not StageRecord.objects.filter(escalation=escalation, stage=2).exists()
        assert StageRecord.objects.get(escalation=escalation, stage=1).breached_at == DUE
        assert not Notification.objects.filter(event=NotificationEvent.BREACHED).exists()


def test_two_sweeps_at_once_fire_each_timer_once(world, clock):
    world.policy.escalate_on_breach = True
    world.policy.save()
    escalations = [raise_one(world) for _ in range(3)]
    clock.move_to(DUE)
    results = race(sweep, sweep)
    assert not [r for r in results if isinstance(r, Exception)]
    for escalation in escalations:
        assert Escalation.objects.get(pk=escalation.pk).stage == 2
        assert StageRecord.objects.filter(escalation=escalation).count() == 2
    breaches = Notification.objects.filter(event=NotificationEvent.BREACHED)
    assert breaches.count() == 3 * 4  # four people told per escalation, once each


def test_two_delivery_workers_leasing_at_once_never_take_the_same_message(world, clock):
    """The outbox's lease is a conditional update, not FOR UPDATE: two workers racing for the
    same due rows get disjoint batches, and nothing is lost."""
    from escalations.models import Role
    from escalations.notifications import LEASE
    from escalations.outbox import lease
    from tests.factories import make_user

    people = [
        make_user(partnership=world.partnership, role=Role.PRACTITIONER, agency=world.csc.agency)
        for _ in range(30)
    ]
    Notification.objects.bulk_create(
        Notification(recipient=person, event=NotificationEvent.TIMER_FAILED) for person in people
    )

    def take(worker: str) -> Callable[[], object]:
        return lambda: {
            n.pk
            for n in lease(Notification.objects.due(), worker=worker, batch=20, lease_for=LEASE)
        }

    first, second = race(take("one"), take("two"))
    assert isinstance(first, set)
    assert isinstance(second, set)
    assert not first & second
    rest = take("three")()  # what neither took is still there for the next batch
    assert isinstance(rest, set)
    assert not rest & (first | second)
    assert len(first | second | rest) == 30


def test_raisers_at_once_never_share_a_reference_even_on_the_years_first(world, clock):
    """The year's first two come before its sequence row exists; two more come after."""

    def raising(number: int) -> Callable[[], Escalation]:
        return lambda: raise_one(world, child_reference=f"POL-{number:06d}")

    made = race(raising(1), raising(2)) + race(raising(3), raising(4))

    assert all(isinstance(e, Escalation) for e in made), made
    assert sorted(e.reference for e in made) == [f"ESC-2026-000{n}" for n in range(1, 5)]
