"""The clock's part (DESIGN.md section 4, "Timers"), with time moved by time-machine.

Raised on Wednesday 2 December 2026 at 10:00: acknowledgement due Thursday 3 December 17:00;
stage 1 due Monday 7 December 17:00 (three working days), reminder that morning at 09:00.
"""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from escalations import services
from escalations.models import (
    Escalation,
    Extension,
    ExtensionStatus,
    Notification,
    NotificationEvent,
)
from tests.factories import raise_one
from workflows import flows, timers
from workflows.calendar import LONDON
from workflows.refusals import Refused
from workflows.sweep import sweep

pytestmark = pytest.mark.django_db


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=LONDON)


def sent(event: str, escalation: Escalation) -> set[str]:
    return set(
        Notification.objects.filter(escalation=escalation, event=event).values_list(
            "recipient__username", flat=True
        )
    )


def fresh(escalation: Escalation) -> Escalation:
    return Escalation.objects.get(pk=escalation.pk)


def test_acknowledgement_is_chased_to_the_receiving_stage_2_contact_once_it_is_late(world, clock):
    escalation = raise_one(world)
    clock.move_to(at(3, 16, 59))
    sweep()
    assert sent(NotificationEvent.ACKNOWLEDGEMENT_LATE, escalation) == set()

    clock.move_to(at(3, 17))
    sweep()
    assert sent(NotificationEvent.ACKNOWLEDGEMENT_LATE, escalation) == {world.csc.manager.username}
    assert fresh(escalation).acknowledgement_chased_at == at(3, 17)


def test_an_acknowledged_escalation_is_never_chased(world, clock):
    escalation = raise_one(world)
    services.escalation_acknowledge(escalation=escalation, by=world.csc.practitioner)
    clock.move_to(at(4, 12))
    sweep()
    assert sent(NotificationEvent.ACKNOWLEDGEMENT_LATE, escalation) == set()


def test_no_reminder_before_the_due_day_and_one_on_its_morning(world, clock):
    escalation = raise_one(world)
    clock.move_to(at(4, 17))  # Friday, the working day before
    sweep()
    assert sent(NotificationEvent.REMINDER, escalation) == set()

    clock.move_to(at(7, 8, 59))
    sweep()
    assert sent(NotificationEvent.REMINDER, escalation) == set()

    clock.move_to(at(7, 9))
    sweep()
    holders = {world.police.practitioner.username, world.csc.practitioner.username}
    assert sent(NotificationEvent.REMINDER, escalation) == holders

    sweep()  # and only once
    assert Notification.objects.filter(event=NotificationEvent.REMINDER).count() == 2


def test_a_breach_is_recorded_and_notified_at_the_due_moment(world, clock):
    escalation = raise_one(world)
    clock.move_to(at(7, 16, 59))
    sweep()
    assert escalation.stage_records.get().breached_at is None

    clock.move_to(at(7, 17))
    sweep()
    record = escalation.stage_records.get()
    assert record.breached_at == at(7, 17)
    # the holders, and their managers: the next stage's contacts (police names none: its
    # managers; the front door names its manager). The partnership is copied from stage 2.
    assert sent(NotificationEvent.BREACHED, escalation) == {
        world.police.practitioner.username,
        world.csc.practitioner.username,
        world.police.manager.username,
        world.csc.manager.username,
    }
    assert fresh(escalation).status == "stage_1"  # the policy leaves the decision to people


def test_a_breach_from_stage_2_copies_the_partnership_team(world, clock):
    escalation = raise_one(world)
    services.escalation_escalate(escalation=escalation, by=world.police.practitioner, reason="x")
    clock.move_to(at(7, 17))
    sweep()
    assert {world.lead.username, world.scrutineer.username} <= sent(
        NotificationEvent.BREACHED, escalation
    )


def test_the_system_escalates_on_breach_only_when_the_policy_says_so(world, clock):
    world.policy.escalate_on_breach = True
    world.policy.save()
    escalation = raise_one(world)
    clock.move_to(at(7, 17))
    sweep()

    escalation = fresh(escalation)
    assert escalation.status == "stage_2"
    assert escalation.history.first().history_user is None
    stage_1 = escalation.stage_records.get(stage=1)
    assert (stage_1.conclusion, stage_1.concluded_at) == ("escalated", at(7, 17))
    # stage 2 starts after the cut-off: day 0 is Tuesday, due Friday 11 December at 17:00
    assert escalation.stage_due_at == at(11, 17)


def test_firing_again_does_nothing_more(world, clock):
    world.policy.escalate_on_breach = True
    world.policy.save()
    escalation = raise_one(world)
    clock.move_to(at(7, 17))
    sweep()
    rows = Notification.objects.count()
    history = escalation.history.count()

    sweep()
    assert timers.breach(escalation_id=escalation.pk, stage=1) is False
    assert timers.remind(escalation_id=escalation.pk, stage=1) is False
    assert timers.chase_acknowledgement(escalation_id=escalation.pk) is False
    assert (Notification.objects.count(), escalation.history.count()) == (rows, history)
    assert fresh(escalation).status == "stage_2"


def test_a_timer_of_a_stage_that_has_ended_does_nothing(world, clock):
    escalation = raise_one(world)
    services.escalation_escalate(escalation=escalation, by=world.police.practitioner, reason="x")
    assert timers.breach(escalation_id=escalation.pk, stage=1) is False
    assert escalation.stage_records.get(stage=1).breached_at is None


def test_an_extension_moves_the_waiting_timers(world, clock):
    escalation = raise_one(world)
    extend(world, escalation, dt.date(2026, 12, 9))

    waiting = Task.objects.filter(
        process=fresh(escalation).process, status=STATUS.SCHEDULED, flow_task_type="TIMER"
    )
    moments = {str(task.flow_task): task.scheduled for task in waiting}
    assert moments["Stage Due"] == at(9, 17)
    assert moments["Stage Reminder"] == at(9, 9)

    clock.move_to(at(7, 17))
    sweep()
    assert escalation.stage_records.get().breached_at is None

    clock.move_to(at(9, 17))
    sweep()
    record = escalation.stage_records.get()
    assert record.breached_at == at(9, 17)
    assert record.original_due_at == at(7, 17)


def test_an_urgent_reminder_comes_two_hours_before_the_due_moment(world, clock):
    escalation = raise_one(world, urgent=True)
    assert escalation.stage_due_at == at(3, 10)
    clock.move_to(at(3, 7, 59))
    sweep()
    assert sent(NotificationEvent.REMINDER, escalation) == set()
    clock.move_to(at(3, 8))
    sweep()
    assert sent(NotificationEvent.REMINDER, escalation)


def test_timers_end_with_the_escalation(world, clock):
    escalation = raise_one(world)
    services.escalation_withdraw(
        escalation=escalation, by=world.police.practitioner, reason="Strategy discussion held"
    )
    process = fresh(escalation).process
    assert process.status == "DONE"
    assert not Task.objects.filter(process=process, status__in=["NEW", "SCHEDULED"]).exists()


def test_a_failing_handler_is_scrubbed_listed_alerted_and_can_be_re_run(
    world, clock, monkeypatch, capsys
):
    escalation = raise_one(world)

    def broken(**kwargs):
        raise ValueError("a message that quotes case text: POL-123456 baby in the home")

    monkeypatch.setattr(timers, "breach", broken)
    clock.move_to(at(7, 17))
    sweep()
    failed = Task.objects.get(status=STATUS.ERROR)
    stored = json.dumps(failed.data)
    assert "POL-123456" not in stored
    assert "baby" not in stored
    assert failed.data["_exception"]["kind"] == "ValueError"
    assert sent(NotificationEvent.TIMER_FAILED, escalation) == {world.lead.username}

    call_command("timer_failures")
    assert f"task {failed.pk}" in capsys.readouterr().out

    monkeypatch.undo()
    call_command("timer_failures", "--rerun", str(failed.pk))
    assert escalation.stage_records.get().breached_at == at(7, 17)


def test_timer_moments_come_from_the_stage_record(world, clock):
    escalation = raise_one(world)
    record = escalation.stage_records.get()
    assert flows.reschedule_stage_timers(fresh(escalation)) == 2
    assert record.due_at == at(7, 17)


def test_an_extension_after_the_reminder_brings_a_reminder_on_the_new_due_day(world, clock):
    escalation = raise_one(world)
    clock.move_to(at(7, 9))
    sweep()
    assert Notification.objects.filter(event=NotificationEvent.REMINDER).count() == 2

    clock.move_to(at(7, 11))
    extend(world, escalation, dt.date(2026, 12, 9))
    clock.move_to(at(8, 17))
    sweep()
    assert Notification.objects.filter(event=NotificationEvent.REMINDER).count() == 2

    clock.move_to(at(9, 9))
    sweep()
    assert Notification.objects.filter(event=NotificationEvent.REMINDER).count() == 4


# --------------------------------------------------------------------------------------------
# an extension accepted after the due day: a reminder and a due moment of its own
# --------------------------------------------------------------------------------------------


def waiting_stage_timers(escalation: Escalation) -> list[tuple[str, dt.datetime]]:
    return sorted(
        (str(task.flow_task), task.scheduled)
        for task in Task.objects.filter(
            process=fresh(escalation).process, status=STATUS.SCHEDULED, flow_task_type="TIMER"
        ).exclude(flow_task=flows.EscalationFlow.stage_acknowledgement_due)
    )


def rows(event: str, escalation: Escalation, since: dt.datetime) -> list[str]:
    return sorted(
        Notification.objects.filter(
            escalation=escalation, event=event, created_at__gte=since
        ).values_list("recipient__username", flat=True)
    )


def propose(world, escalation: Escalation, new_due_date: dt.date) -> Extension:
    """The front door asks for more time."""
    return services.escalation_propose_extension(
        escalation=escalation,
        by=world.csc.practitioner,
        new_due_date=new_due_date,
        reason="Waiting for the strategy discussion minutes",
    )


def extend(world, escalation: Escalation, new_due_date: dt.date) -> None:
    """The front door asks for more time and the police practitioner agrees."""
    extension = propose(world, escalation, new_due_date)
    services.escalation_accept_extension(extension=extension, by=world.police.practitioner)


def test_an_extension_accepted_after_the_due_day_brings_one_reminder_and_a_new_due_moment(
    world, clock
):
    escalation = raise_one(world)
    holders = sorted([world.police.practitioner.username, world.csc.practitioner.username])
    clock.move_to(at(7, 9))
    sweep()  # the due day's reminder
    clock.move_to(at(7, 17))
    sweep()  # and its breach
    assert escalation.stage_records.get().breached_at == at(7, 17)
    breach_alerts = rows(NotificationEvent.BREACHED, escalation, at(7, 17))

    clock.move_to(at(8, 11))  # the day after the due day
    extend(world, escalation, dt.date(2026, 12, 10))
    assert waiting_stage_timers(escalation) == [
        ("Stage Due", at(10, 17)),
        ("Stage Reminder", at(10, 9)),
    ]

    clock.move_to(at(10, 8, 59))
    sweep()
    assert rows(NotificationEvent.REMINDER, escalation, at(8, 11)) == []

    clock.move_to(at(10, 9))  # the same lead time as before: the reminder hour of the due day
    sweep()
    sweep()
    assert rows(NotificationEvent.REMINDER, escalation, at(8, 11)) == holders
    assert escalation.stage_records.get().reminded_at == at(10, 9)

    clock.move_to(at(10, 16, 59))
    sweep()
    record = escalation.stage_records.get()
    assert record.breached_at == at(7, 17)  # the first breach stays recorded until then
    assert rows(NotificationEvent.BREACHED, escalation, at(8, 11)) == []

    clock.move_to(at(10, 17))  # the new due moment passes too: breached again, and told
    sweep()
    record = escalation.stage_records.get()
    assert (record.original_due_at, record.due_at) == (at(7, 17), at(10, 17))
    # the report counts the stage as breached from its first breach; the latest is kept too
    assert (record.breached_at, record.last_breached_at) == (at(7, 17), at(10, 17))
    assert rows(NotificationEvent.BREACHED, escalation, at(8, 11)) == breach_alerts
    breaches = [
        (row.last_breached_at, row.history_change_reason)
        for row in record.history.order_by("history_date")
        if row.last_breached_at is not None
    ]
    assert breaches[0] == (at(7, 17), "Stage 1 passed its due moment")
    assert breaches[-1] == (at(10, 17), "Stage 1 passed its extended due moment")
    assert fresh(escalation).status == "stage_1"  # the policy leaves the decision to people

    # and once only, however often the clock fires
    clock.move_to(at(11, 10))
    sweep()
    assert timers.remind(escalation_id=escalation.pk, stage=1) is False
    assert timers.breach(escalation_id=escalation.pk, stage=1) is False
    assert rows(NotificationEvent.REMINDER, escalation, at(8, 11)) == holders
    assert rows(NotificationEvent.BREACHED, escalation, at(8, 11)) == breach_alerts
    assert waiting_stage_timers(escalation) == []


def test_an_extension_accepted_after_the_due_moment_before_the_sweep_records_the_breach(
    world, clock
):
    """The timers were down (or the sweep had not come round) when the due moment passed: the
    acceptance records the breach the timer would have, with its alerts, then moves both
    timers."""
    escalation = raise_one(world)
    clock.move_to(at(8, 10))  # no sweep since the raise: nothing has fired yet
    extend(world, escalation, dt.date(2026, 12, 9))
    record = escalation.stage_records.get()
    assert (record.breached_at, record.last_breached_at) == (at(8, 10), at(8, 10))
    assert len(rows(NotificationEvent.BREACHED, escalation, at(2, 10))) >= 2  # holders and more
    assert waiting_stage_timers(escalation) == [
        ("Stage Due", at(9, 17)),
        ("Stage Reminder", at(9, 9)),
    ]
    sweep()
    assert escalation.stage_records.get().breached_at == at(8, 10)  # once
    assert rows(NotificationEvent.REMINDER, escalation, at(2, 10)) == []
    assert fresh(escalation).status == "stage_1"

    clock.move_to(at(9, 9))
    sweep()
    assert len(rows(NotificationEvent.REMINDER, escalation, at(2, 10))) == 2


def test_a_late_extension_is_refused_when_the_policy_escalates_the_breach(world, clock):
    """Under a policy that escalates on breach, the stage is already on its way to stage 2
    when its due moment has passed: the acceptance says so and changes nothing; the sweep
    breaches and escalates as it would have."""
    world.policy.escalate_on_breach = True
    world.policy.save()
    escalation = raise_one(world)
    clock.move_to(at(8, 10))  # due Monday 17:00, no sweep since
    extension = propose(world, escalation, dt.date(2026, 12, 9))
    with pytest.raises(services.Refused, match="policy escalates a breached stage"):
        services.escalation_accept_extension(extension=extension, by=world.police.practitioner)
    assert escalation.stage_records.get().breached_at is None
    sweep()
    assert fresh(escalation).status == "stage_2"
    assert escalation.stage_records.get(stage=1).breached_at == at(8, 10)


def test_a_second_extension_after_a_late_one_keeps_one_timer_of_each_kind(world, clock):
    escalation = raise_one(world)
    clock.move_to(at(7, 17))
    sweep()
    clock.move_to(at(8, 10))
    extend(world, escalation, dt.date(2026, 12, 9))
    clock.move_to(at(8, 12))
    extend(world, escalation, dt.date(2026, 12, 11))
    assert waiting_stage_timers(escalation) == [
        ("Stage Due", at(11, 17)),
        ("Stage Reminder", at(11, 9)),
    ]

    clock.move_to(at(9, 17))  # the first extension's moments no longer count
    sweep()
    assert rows(NotificationEvent.REMINDER, escalation, at(8, 10)) == []
    assert escalation.stage_records.get().breached_at == at(7, 17)

    clock.move_to(at(11, 9))
    sweep()
    assert len(rows(NotificationEvent.REMINDER, escalation, at(8, 10))) == 2
    clock.move_to(at(11, 17))
    sweep()
    record = escalation.stage_records.get()
    assert (record.breached_at, record.last_breached_at) == (at(7, 17), at(11, 17))


def test_an_urgent_stage_extended_after_its_breach_is_reminded_two_hours_before(world, clock):
    escalation = raise_one(world, urgent=True)  # stage 1 due Thursday 3 December 10:00
    clock.move_to(at(3, 10))
    sweep()
    assert escalation.stage_records.get().breached_at == at(3, 10)

    clock.move_to(at(3, 11))
    extend(world, escalation, dt.date(2026, 12, 4))  # to Friday's cut-off, 17:00
    clock.move_to(at(4, 14, 59))
    sweep()
    assert rows(NotificationEvent.REMINDER, escalation, at(3, 11)) == []
    clock.move_to(at(4, 15))
    sweep()
    assert len(rows(NotificationEvent.REMINDER, escalation, at(3, 11))) == 2
    clock.move_to(at(4, 17))
    sweep()
    record = escalation.stage_records.get()
    assert (record.breached_at, record.last_breached_at) == (at(3, 10), at(4, 17))


def test_an_extension_whose_new_due_moment_has_passed_is_neither_proposed_nor_accepted(
    world, clock
):
    """Its reminder and its due moment would both be behind it: it would give no time."""
    escalation = raise_one(world)
    clock.move_to(at(7, 12))
    extension = propose(world, escalation, dt.date(2026, 12, 8))
    clock.move_to(at(8, 17))
    with pytest.raises(Refused, match="has passed: propose a later one"):
        services.escalation_accept_extension(extension=extension, by=world.police.practitioner)
    with pytest.raises(Refused, match="Tuesday 8 December 2026 has passed its 17:00 cut-off"):
        services.escalation_propose_extension(
            escalation=escalation,
            by=world.csc.practitioner,
            new_due_date=dt.date(2026, 12, 8),
            reason="Still waiting",
        )

    # the stale proposal lapses rather than blocking a new one
    extend(world, escalation, dt.date(2026, 12, 10))
    extension.refresh_from_db()
    assert extension.status == ExtensionStatus.LAPSED
    assert escalation.stage_records.get().due_at == at(10, 17)


def test_escalating_cancels_the_stage_timers_and_arms_the_next_stage_s(world, clock):
    """The flow's timers are armed already scheduled and cancelled in one write: stage 1's
    acknowledgement deadline, reminder and due moment are cancelled, stage 2's are waiting on
    stage 2's task."""
    escalation = raise_one(world)
    services.escalation_escalate(
        escalation=escalation, by=world.police.practitioner, reason="No reply by the due day."
    )
    escalation = fresh(escalation)
    stage_tasks = Task.objects.filter(
        process=escalation.process, flow_task=flows.EscalationFlow.stage
    ).order_by("pk")
    first, second = stage_tasks
    timers_of = {
        task: {
            (t.flow_task.name, t.status, t.scheduled)
            for t in Task.objects.filter(previous=task, flow_task_type="TIMER")
        }
        for task in (first, second)
    }
    stage_2 = escalation.stage_records.get(stage=2)
    assert {(name, status) for name, status, _ in timers_of[first]} == {
        ("stage_acknowledgement_due", STATUS.CANCELED),
        ("stage_reminder", STATUS.CANCELED),
        ("stage_due", STATUS.CANCELED),
    }
    # nobody acknowledged it: the acknowledgement's deadline waits on stage 2's task too
    assert timers_of[second] == {
        ("stage_acknowledgement_due", STATUS.SCHEDULED, escalation.acknowledgement_due_at),
        ("stage_reminder", STATUS.SCHEDULED, stage_2.due_at.replace(hour=9, minute=0)),
        ("stage_due", STATUS.SCHEDULED, stage_2.due_at),
    }


def test_a_stage_concluded_after_its_due_moment_before_the_sweep_records_the_breach(world, clock):
    """The sweep had not come round (the worker was down) when the due moment passed, and the
    raiser escalated first: stage 1 is breached as the timer would have breached it, once,
    and the report's count of breached stages keeps it (found by benches/chaos.py)."""
    escalation = raise_one(world)
    clock.move_to(at(8, 10))  # due at 7 December 17:00; no sweep since the raise
    services.escalation_escalate(
        escalation=escalation, by=world.police.practitioner, reason="No answer by the due day."
    )
    record = escalation.stage_records.get(stage=1)
    assert record.breached_at == at(7, 17)  # its due moment, as the timer would have
    assert (record.concluded_at, record.conclusion) == (at(8, 10), "escalated")
    breached = rows(NotificationEvent.BREACHED, escalation, at(2, 10))
    assert len(breached) >= 2  # the holders and the next stage's contacts
    assert Notification.objects.filter(event=NotificationEvent.BREACHED, stage=2).count() == 0
    sweep()  # its timer was cancelled with the stage: nothing more
    assert escalation.stage_records.get(stage=1).breached_at == at(7, 17)
    assert rows(NotificationEvent.BREACHED, escalation, at(2, 10)) == breached


def test_a_stage_resolved_after_its_due_moment_is_breached_without_alarms(world, clock):
    """Resolved late, before the sweep: the breach counts in the report, but nobody is
    alerted about an escalation that is closing in the same moment."""
    escalation = raise_one(world)
    clock.move_to(at(8, 10))
    services.escalation_resolve(
        escalation=escalation,
        by=world.police.practitioner,
        outcome="decision_changed",
        summary="Strategy discussion held.",
        agreed_actions="Section 47 enquiry.",
    )
    assert escalation.stage_records.get(stage=1).breached_at == at(7, 17)
    assert rows(NotificationEvent.BREACHED, escalation, at(2, 10)) == []


def test_a_stage_concluded_in_time_is_never_breached(world, clock):
    escalation = raise_one(world)
    clock.move_to(at(7, 16))  # an hour before the due moment
    services.escalation_escalate(
        escalation=escalation, by=world.police.practitioner, reason="No change."
    )
    clock.move_to(at(8, 10))
    sweep()
    assert escalation.stage_records.get(stage=1).breached_at is None
    assert rows(NotificationEvent.BREACHED, escalation, at(2, 10)) == []
