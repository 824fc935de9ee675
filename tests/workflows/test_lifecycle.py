"""The happy paths of the lifecycle as people see them (DESIGN.md sections 3, 4 and 5).

The clock starts on Wednesday 2 December 2026 at 10:00 London time (GMT, so UTC too) and moves
only when told. Working days in December 2026: Wednesday 2, Thursday 3, Friday 4, Monday 7,
Tuesday 8, Wednesday 9 ... (no bank holiday before Friday 25 December).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from escalations import services
from escalations.models import (
    Escalation,
    Extension,
    Membership,
    Note,
    Notification,
    NotificationEvent,
    Role,
    StageContact,
    StageHolder,
    User,
)
from escalations.notifications import _message
from escalations.services import Refused
from tests.factories import World, make_user, make_world, raise_one
from workflows import timers
from workflows.calendar import LONDON
from workflows.flows import EscalationFlow
from workflows.holders import may_be_named, may_name
from workflows.stages import situation

pytestmark = pytest.mark.django_db


def at(day: int, hour: int, minute: int = 0, *, month: int = 12, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def fresh(escalation: Escalation) -> Escalation:
    return Escalation.objects.get(pk=escalation.pk)


def holders(escalation: Escalation, stage: int) -> dict[str, set[User]]:
    """Who holds a stage now, by side."""
    rows = StageHolder.objects.filter(
        stage_record__escalation=escalation, stage_record__stage=stage, until__isnull=True
    )
    found: dict[str, set[User]] = {"raising": set(), "receiving": set(), "partnership": set()}
    for row in rows.select_related("user"):
        found[row.side].add(row.user)
    return found


def escalate(escalation: Escalation, by: User, times: int = 1) -> Escalation:
    for _ in range(times):
        services.escalation_escalate(escalation=escalation, by=by, reason="Still no agreement.")
    return fresh(escalation)


def resolve(escalation: Escalation, by: User, **fields: Any) -> Escalation:
    values = {
        "outcome": "decision_changed",
        "summary": "Strategy discussion held.",
        "agreed_actions": "Section 47 enquiry.",
    }
    values.update(fields)
    services.escalation_resolve(escalation=escalation, by=by, **values)
    return fresh(escalation)


def colleague_of(user: User) -> User:
    """A colleague with the same role in the same agency, who joins now."""
    membership = user.membership
    return make_user(
        partnership=membership.partnership, role=membership.role, agency=membership.agency
    )


def notified(escalation: Escalation, event: str) -> set[User]:
    return {
        n.recipient
        for n in Notification.objects.filter(escalation=escalation, event=event).select_related(
            "recipient"
        )
    }


# --------------------------------------------------------------------------------------------
# holders are fixed when a stage starts
# --------------------------------------------------------------------------------------------


def test_stage_1_is_held_by_the_raiser_and_the_receiving_agencys_stage_1_contact(world, clock):
    escalation = raise_one(world)

    assert holders(escalation, 1) == {
        "raising": {world.police.practitioner},
        "receiving": {world.csc.practitioner},
        "partnership": set(),
    }
    assert escalation.receiving_holder is None


def test_acknowledging_names_a_holder_who_replaces_the_stage_1_contacts(world, clock):
    # the front door names two stage-1 contacts: both hold stage 1 until one acknowledges
    StageContact.objects.create(agency=world.csc.agency, stage=1, user=world.csc.colleague)
    escalation = raise_one(world)
    assert holders(escalation, 1)["receiving"] == {world.csc.practitioner, world.csc.colleague}

    clock.move_to(at(2, 11))
    named = colleague_of(world.csc.practitioner)
    services.escalation_acknowledge(escalation=escalation, by=world.csc.practitioner, holder=named)

    escalation = fresh(escalation)
    assert holders(escalation, 1)["receiving"] == {named}
    assert (escalation.acknowledged_by, escalation.acknowledged_at) == (
        world.csc.practitioner,
        at(2, 11),
    )
    assert escalation.receiving_holder == named
    replaced = StageHolder.objects.filter(
        stage_record__escalation=escalation, user__in=[world.csc.practitioner, world.csc.colleague]
    )
    assert {row.until for row in replaced} == {at(2, 11)}
    assert holders(escalation, 1)["raising"] == {world.police.practitioner}
    # the named holder can now answer for the front door
    services.escalation_respond(
        escalation=escalation, by=named, decision="changed", response="Strategy discussion."
    )
    assert escalation.stage_records.get(stage=1).decided_by == named


def test_acknowledging_without_naming_anyone_makes_the_acknowledger_the_holder(world, clock):
    StageContact.objects.create(agency=world.csc.agency, stage=1, user=world.csc.colleague)
    escalation = raise_one(world)

    services.escalation_acknowledge(escalation=escalation, by=world.csc.colleague)

    assert holders(escalation, 1)["receiving"] == {world.csc.colleague}
    assert fresh(escalation).receiving_holder == world.csc.colleague


def test_the_named_holder_must_work_at_the_receiving_agency(world, clock):
    escalation = raise_one(world)
    with pytest.raises(Refused, match="active member of Northshire Children's Services"):
        services.escalation_acknowledge(
            escalation=escalation, by=world.csc.practitioner, holder=world.outsider
        )
    assert fresh(escalation).acknowledged_at is None


def test_a_holder_who_has_moved_to_another_agency_cannot_name_themselves(world, clock):
    escalation = raise_one(world)
    moved = world.csc.practitioner  # holds stage 1 for the receiving agency
    Membership.objects.filter(user=moved).update(agency=world.police.agency)
    moved = User.objects.get(pk=moved.pk)

    with pytest.raises(Refused, match="active member of Northshire Children's Services"):
        services.escalation_acknowledge(escalation=escalation, by=moved)
    services.escalation_acknowledge(escalation=escalation, by=moved, holder=world.csc.colleague)

    assert fresh(escalation).receiving_holder == world.csc.colleague


@pytest.mark.parametrize("holder_active", [True, False])
def test_who_may_be_named_is_the_same_asked_of_the_rows_in_hand_or_of_the_database(
    world, clock, holder_active
):
    escalation = raise_one(world)
    User.objects.filter(pk=world.csc.practitioner.pk).update(is_active=holder_active)
    ids = [world.csc.practitioner.pk, world.csc.colleague.pk, world.csc.manager.pk]
    ids += [world.police.practitioner.pk, world.outsider.pk, world.lead.pk]
    asked = set(may_be_named(escalation).filter(pk__in=ids))

    with situation(escalation.pk) as s:
        people = list(User.objects.filter(pk__in=ids).select_related("membership"))
        in_hand = {person for person in people if may_name(s.escalation, person)}

    assert in_hand == asked
    assert (world.csc.practitioner in asked) is holder_active


def test_stage_2_is_held_by_the_stage_2_contacts_or_every_manager_of_an_agency_that_names_none(
    world, clock
):
    # a second manager in each agency: the police name no stage-2 contact, so both of theirs
    # hold it; children's services name their manager, so their other manager does not
    second_police_manager = colleague_of(world.police.manager)
    colleague_of(world.csc.manager)
    escalation = raise_one(world)

    escalation = escalate(escalation, world.police.practitioner)

    assert holders(escalation, 2) == {
        "raising": {world.police.manager, second_police_manager},
        "receiving": {world.csc.manager},
        "partnership": set(),
    }
    # stage 1 keeps its own holders
    assert holders(escalation, 1)["raising"] == {world.police.practitioner}


def test_stage_3_is_held_by_every_senior_manager_of_an_agency_that_names_no_contact(world, clock):
    second_csc_senior_manager = colleague_of(world.csc.senior_manager)
    escalation = escalate(raise_one(world), world.police.practitioner, times=2)

    assert holders(escalation, 3) == {
        "raising": {world.police.senior_manager},
        "receiving": {world.csc.senior_manager, second_csc_senior_manager},
        "partnership": set(),
    }


def test_stage_4_is_held_by_both_agencies_and_the_partnership_lead(world, clock):
    escalation = escalate(raise_one(world), world.police.practitioner, times=3)

    assert holders(escalation, 4) == {
        "raising": {world.police.senior_manager},
        "receiving": {world.csc.senior_manager},
        "partnership": {world.lead},
    }


def test_people_who_join_or_are_named_after_a_stage_starts_do_not_hold_it(world, clock):
    escalation = escalate(raise_one(world), world.police.practitioner)
    before = holders(escalation, 2)

    newcomer = colleague_of(world.police.manager)
    StageContact.objects.create(agency=world.csc.agency, stage=2, user=world.csc.senior_manager)

    assert holders(escalation, 2) == before
    with pytest.raises(Refused, match="Only a holder of stage 2"):
        services.escalation_escalate(escalation=escalation, by=newcomer, reason="Stuck.")


# --------------------------------------------------------------------------------------------
# handing over
# --------------------------------------------------------------------------------------------


def test_a_hand_over_is_recorded_and_the_new_holder_can_act_and_the_old_cannot(world, clock):
    escalation = escalate(raise_one(world), world.police.practitioner)
    old = world.csc.manager
    new = colleague_of(old)
    clock.move_to(at(3, 9))

    row = services.escalation_hand_over(escalation=escalation, by=old, to=new)

    old_row = StageHolder.objects.get(stage_record__escalation=escalation, user=old)
    assert (old_row.until, old_row.handed_over_to) == (at(3, 9), row)
    assert (row.user, row.side, row.since) == (new, "receiving", at(3, 9))
    assert holders(escalation, 2)["receiving"] == {new}
    assert old_row.history.first().history_change_reason == f"Handed over to {new}"
    assert row.history.first().history_user == old
    assert notified(escalation, NotificationEvent.HANDED_OVER) == {new}

    due = timezone.localtime(fresh(escalation).stage_due_at).date()
    later = due + dt.timedelta(days=1)
    with pytest.raises(Refused, match="Only a holder of stage 2"):
        services.escalation_propose_extension(
            escalation=escalation, by=old, new_due_date=later, reason="Leave."
        )
    with pytest.raises(Refused, match="Only a holder of stage 2"):
        services.escalation_escalate(escalation=escalation, by=old, reason="Leave.")
    with pytest.raises(Refused, match="Only a holder of stage 2"):
        services.escalation_hand_over(escalation=escalation, by=old, to=colleague_of(old))

    extension = services.escalation_propose_extension(
        escalation=escalation, by=new, new_due_date=later, reason="Awaiting the assessment."
    )
    assert extension.proposed_by == new
    services.escalation_escalate(escalation=escalation, by=new, reason="No agreement.")
    assert fresh(escalation).stage == 3


def test_a_raiser_who_hands_stage_1_over_keeps_only_the_raisers_own_rights(world, clock):
    escalation = raise_one(world)
    raiser, colleague = world.police.practitioner, world.police.colleague

    services.escalation_hand_over(escalation=escalation, by=raiser, to=colleague)

    assert holders(escalation, 1)["raising"] == {colleague}
    later = dt.date(2026, 12, 9)
    with pytest.raises(Refused, match="Only a holder of stage 1"):
        services.escalation_propose_extension(
            escalation=escalation, by=raiser, new_due_date=later, reason="Leave."
        )
    services.escalation_propose_extension(
        escalation=escalation, by=colleague, new_due_date=later, reason="Meeting moved."
    )
    # the raiser may still escalate (DESIGN.md section 4: "... or the raiser")
    services.escalation_escalate(escalation=escalation, by=raiser, reason="No agreement.")
    assert fresh(escalation).stage == 2


def test_a_named_receiving_holder_who_hands_over_passes_the_name_on(world, clock):
    escalation = raise_one(world)
    services.escalation_acknowledge(escalation=escalation, by=world.csc.practitioner)

    services.escalation_hand_over(
        escalation=escalation, by=world.csc.practitioner, to=world.csc.colleague
    )

    assert fresh(escalation).receiving_holder == world.csc.colleague
    assert holders(escalation, 1)["receiving"] == {world.csc.colleague}


# --------------------------------------------------------------------------------------------
# stage records conclude with how and how long
# --------------------------------------------------------------------------------------------


def test_an_escalated_stage_concludes_as_escalated_with_the_working_days_and_hours_it_took(
    world, clock
):
    escalation = raise_one(world)  # Wednesday 10:00
    clock.move_to(at(4, 10))  # Friday 10:00: two working days later

    services.escalation_escalate(
        escalation=escalation, by=world.police.practitioner, reason="Threshold still disputed."
    )

    stage_1 = escalation.stage_records.get(stage=1)
    assert (stage_1.concluded_at, stage_1.conclusion) == (at(4, 10), "escalated")
    assert stage_1.conclusion_reason == "Threshold still disputed."
    assert (stage_1.duration_working_days, stage_1.duration_hours) == (2, 48)
    stage_2 = escalation.stage_records.get(stage=2)
    assert (stage_2.started_at, stage_2.concluded_at, stage_2.conclusion) == (at(4, 10), None, "")
    assert stage_2.due_at == at(9, 17)  # day 0 Friday + 3 working days: Wednesday 9 December


def test_a_resolved_escalation_concludes_its_last_stage_and_keeps_its_working_days_open(
    world, clock
):
    escalation = raise_one(world)  # Wednesday 2 December 10:00
    clock.move_to(at(4, 10))
    escalation = escalate(escalation, world.police.practitioner)
    clock.move_to(at(8, 15))  # Tuesday 8 December 15:00

    escalation = resolve(
        escalation,
        world.police.manager,
        outcome="partly_agreed",
        summary="Strategy discussion held; no section 47.",
        agreed_actions="Child in need assessment.",
        learning="Share the police risk assessment with the referral.",
    )

    stage_2 = escalation.stage_records.get(stage=2)
    assert (stage_2.concluded_at, stage_2.conclusion) == (at(8, 15), "resolved")
    assert (stage_2.duration_working_days, stage_2.duration_hours) == (2, 4 * 24 + 5)
    assert escalation.stage_records.get(stage=1).conclusion == "escalated"
    assert (escalation.status, escalation.outcome, escalation.stage) == (
        "resolved",
        "partly_agreed",
        2,
    )
    assert escalation.closed_at == at(8, 15)
    assert escalation.stage_due_at is None
    assert escalation.working_days_open == 4  # Thursday, Friday, Monday, Tuesday
    assert escalation.learning_points == "Share the police risk assessment with the referral."


def test_a_withdrawn_escalation_concludes_its_stage_as_withdrawn(world, clock):
    escalation = raise_one(world)
    clock.move_to(at(3, 18, 30))  # Thursday, after the cut-off: still Thursday's work

    services.escalation_withdraw(
        escalation=escalation, by=world.police.practitioner, reason="The family moved away."
    )

    escalation = fresh(escalation)
    stage_1 = escalation.stage_records.get(stage=1)
    assert (stage_1.conclusion, stage_1.conclusion_reason) == (
        "withdrawn",
        "The family moved away.",
    )
    assert (stage_1.duration_working_days, stage_1.duration_hours) == (1, 33)  # 32.5 rounded up
    assert (escalation.status, escalation.outcome) == ("withdrawn", "withdrawn")
    assert escalation.resolution_summary == "The family moved away."
    assert (escalation.closed_at, escalation.working_days_open) == (at(3, 18, 30), 1)


def test_a_stage_settled_on_its_first_day_took_no_working_days(world, clock):
    clock.move_to(at(4, 17, 30))  # Friday after the cut-off: day 0 is Monday
    escalation = raise_one(world)
    assert escalation.stage_due_at == at(10, 17)  # Monday + 3 working days: Thursday
    clock.move_to(at(7, 12))

    escalation = resolve(escalation, world.police.practitioner)

    assert escalation.stage_records.get(stage=1).duration_working_days == 0
    assert escalation.working_days_open == 0


def test_a_pending_extension_lapses_when_the_escalation_closes(world, clock):
    escalation = raise_one(world)
    extension = services.escalation_propose_extension(
        escalation=escalation,
        by=world.csc.practitioner,
        new_due_date=dt.date(2026, 12, 9),
        reason="Awaiting the assessment.",
    )
    resolve(escalation, world.police.practitioner)
    assert Extension.objects.get(pk=extension.pk).status == "lapsed"


# --------------------------------------------------------------------------------------------
# the flow process ends when an escalation closes
# --------------------------------------------------------------------------------------------

LIVE_TASK_STATUSES = [STATUS.NEW, STATUS.SCHEDULED, STATUS.ASSIGNED, STATUS.STARTED, STATUS.ERROR]


def close_unacknowledged_at_stage_1(world: World) -> Escalation:
    return resolve(raise_one(world), world.police.practitioner)


def withdraw_acknowledged_at_stage_1(world: World) -> Escalation:
    escalation = raise_one(world)
    services.escalation_acknowledge(escalation=escalation, by=world.csc.practitioner)
    services.escalation_withdraw(escalation=escalation, by=world.police.practitioner, reason="No.")
    return fresh(escalation)


def resolve_at_stage_2_after_an_extension(world: World) -> Escalation:
    escalation = escalate(raise_one(world), world.police.practitioner)
    extension = services.escalation_propose_extension(
        escalation=escalation,
        by=world.csc.manager,
        new_due_date=dt.date(2026, 12, 10),
        reason="The manager is in court.",
    )
    services.escalation_accept_extension(extension=extension, by=world.police.manager)
    return resolve(escalation, world.police.manager)


def withdraw_at_stage_3_after_responding(world: World) -> Escalation:
    escalation = escalate(raise_one(world), world.police.practitioner, times=2)
    services.escalation_respond(
        escalation=escalation, by=world.csc.senior_manager, decision="stands", response="Reviewed."
    )
    services.escalation_withdraw(escalation=escalation, by=world.police.senior_manager, reason="Ok")
    return fresh(escalation)


def record_dissent_at_stage_4(world: World) -> Escalation:
    escalation = escalate(raise_one(world), world.police.practitioner, times=3)
    return resolve(escalation, world.lead, outcome="not_agreed")


def resolve_an_urgent_one_started_at_stage_3(world: World) -> Escalation:
    escalation = raise_one(world, urgent=True, start_stage=3)
    return resolve(escalation, world.police.practitioner)


@pytest.mark.parametrize(
    "close",
    [
        close_unacknowledged_at_stage_1,
        withdraw_acknowledged_at_stage_1,
        resolve_at_stage_2_after_an_extension,
        withdraw_at_stage_3_after_responding,
        record_dissent_at_stage_4,
        resolve_an_urgent_one_started_at_stage_3,
    ],
    ids=lambda close: close.__name__,
)
def test_the_flow_process_ends_with_nothing_left_waiting_when_an_escalation_closes(
    world, clock, close
):
    escalation = close(world)

    assert not escalation.is_open
    escalation.process.refresh_from_db()
    assert escalation.process.status == "DONE"
    left = Task.objects.filter(process=escalation.process, status__in=LIVE_TASK_STATUSES)
    assert list(left.values_list("flow_task", "status")) == []
    end = Task.objects.get(process=escalation.process, flow_task=EscalationFlow.end)
    assert (end.status, end.started is not None, end.finished is not None) == ("DONE", True, True)
    assert [task.flow_task for task in end.previous.all()] == [EscalationFlow.stage]


def test_the_acknowledgement_deadline_waits_on_the_stage_task_until_someone_acknowledges(
    world, clock
):
    escalation = raise_one(world)
    tasks = Task.objects.filter(process=fresh(escalation).process)
    assert not tasks.filter(flow_task=EscalationFlow.acknowledgement).exists()  # no task of its own
    deadline = tasks.get(flow_task=EscalationFlow.stage_acknowledgement_due)
    assert deadline.status == STATUS.SCHEDULED
    assert deadline.scheduled == fresh(escalation).acknowledgement_due_at
    services.escalation_acknowledge(escalation=escalation, by=world.csc.practitioner)
    deadline.refresh_from_db()
    assert deadline.status == STATUS.CANCELED
    # acknowledged: the next stage's task arms no acknowledgement deadline
    services.escalation_respond(
        escalation=escalation, by=world.csc.practitioner, decision="stands", response="Met."
    )
    escalate(escalation, world.police.practitioner)
    assert tasks.filter(flow_task=EscalationFlow.stage_acknowledgement_due).count() == 1


def test_a_process_started_with_its_own_acknowledgement_task_still_runs_to_its_end(
    world, clock, monkeypatch
):
    """Processes started before the acknowledgement deadline moved onto the stage task went
    through a split to an acknowledgement task of their own: they keep working."""
    monkeypatch.setattr(EscalationFlow.start, "_next", EscalationFlow.split)
    escalation = raise_one(world)
    monkeypatch.undo()
    tasks = Task.objects.filter(process=fresh(escalation).process)
    tasks.filter(flow_task=EscalationFlow.stage_acknowledgement_due).delete()  # as it was then
    acknowledgement = tasks.get(flow_task=EscalationFlow.acknowledgement)
    services.escalation_acknowledge(escalation=escalation, by=world.csc.practitioner)
    acknowledgement.refresh_from_db()
    assert acknowledgement.status == STATUS.DONE
    assert tasks.get(flow_task=EscalationFlow.acknowledgement_due).status == STATUS.CANCELED
    services.escalation_respond(
        escalation=escalation, by=world.csc.practitioner, decision="stands", response="Met."
    )
    resolve(escalate(escalation, world.police.practitioner), world.police.manager)
    process = fresh(escalation).process
    assert process.status == "DONE"
    assert not tasks.filter(status__in=LIVE_TASK_STATUSES).exists()


def test_a_process_of_before_escalated_unacknowledged_keeps_its_own_acknowledgement_deadline(
    world, clock, monkeypatch
):
    monkeypatch.setattr(EscalationFlow.start, "_next", EscalationFlow.split)
    escalation = raise_one(world)
    monkeypatch.undo()
    tasks = Task.objects.filter(process=fresh(escalation).process)
    tasks.filter(flow_task=EscalationFlow.stage_acknowledgement_due).delete()  # as it was then
    escalate(escalation, world.police.practitioner)
    # stage 2's task arms no second acknowledgement deadline: the old task keeps its own
    assert not tasks.filter(flow_task=EscalationFlow.stage_acknowledgement_due).exists()
    services.escalation_acknowledge(escalation=escalation, by=world.csc.manager)
    assert tasks.get(flow_task=EscalationFlow.acknowledgement).status == STATUS.DONE
    assert tasks.get(flow_task=EscalationFlow.acknowledgement_due).status == STATUS.CANCELED


def test_no_acknowledgement_deadline_is_armed_again_once_the_chase_has_gone(world, clock):
    escalation = raise_one(world)
    clock.move_to(fresh(escalation).acknowledgement_due_at + dt.timedelta(minutes=1))
    timers.chase_acknowledgement(escalation_id=escalation.pk)
    escalate(escalation, world.police.practitioner)
    waiting = Task.objects.filter(
        process=fresh(escalation).process,
        flow_task=EscalationFlow.stage_acknowledgement_due,
        status=STATUS.SCHEDULED,
    )
    assert not waiting.exists()


def test_an_open_escalations_process_waits_on_its_stage_and_timers(world, clock):
    escalation = escalate(raise_one(world), world.police.practitioner)

    escalation.process.refresh_from_db()
    assert escalation.process.status == "NEW"
    assert Task.objects.filter(process=escalation.process, status=STATUS.SCHEDULED).exists()


def test_a_raised_escalations_flow_runs_from_its_start_to_its_stage_and_timers(world, clock):
    escalation = raise_one(world)

    tasks = Task.objects.filter(process=fresh(escalation).process)
    start = tasks.get(flow_task=EscalationFlow.start)
    stage = tasks.get(flow_task=EscalationFlow.stage)
    assert (start.status, start.flow_task_type, start.finished is not None) == (
        "DONE",
        "START",
        True,
    )
    assert (stage.status, stage.flow_task_type) == ("NEW", "FUNCTION")
    assert list(stage.previous.all()) == [start]
    timers = tasks.filter(flow_task_type="TIMER")
    assert {timer.status for timer in timers} == {STATUS.SCHEDULED}
    assert all(list(timer.previous.all()) == [stage] for timer in timers)
    assert timers.count() == 3  # acknowledgement due, reminder, due moment


# --------------------------------------------------------------------------------------------
# due moments
# --------------------------------------------------------------------------------------------


def test_a_standard_stage_raised_on_wednesday_morning_is_due_at_17_00_on_monday(world, clock):
    escalation = raise_one(world)

    assert escalation.stage_due_at == at(7, 17)  # Thursday, Friday, Monday
    record = escalation.stage_records.get(stage=1)
    assert (record.started_at, record.original_due_at, record.due_at) == (
        at(2, 10),
        at(7, 17),
        at(7, 17),
    )


def test_the_acknowledgement_is_due_at_17_00_one_working_day_after_raising(world, clock):
    assert raise_one(world).acknowledgement_due_at == at(3, 17)
    clock.move_to(at(4, 10))  # a Friday: the next working day is Monday
    assert raise_one(world).acknowledgement_due_at == at(7, 17)


@pytest.mark.parametrize(
    ("stage", "due"),
    [(2, at(7, 17)), (3, at(9, 17)), (4, at(16, 17))],
    ids=["stage_2-3-working-days", "stage_3-5-working-days", "stage_4-10-working-days"],
)
def test_each_later_stage_is_due_by_its_own_number_of_working_days(world, clock, stage, due):
    escalation = escalate(raise_one(world), world.police.practitioner, times=stage - 1)

    assert escalation.stage_due_at == due
    assert escalation.stage_records.get(stage=stage).original_due_at == due


def test_an_urgent_stage_is_due_24_clock_hours_after_it_starts_and_acknowledged_in_2(world, clock):
    escalation = raise_one(world, urgent=True)

    assert escalation.stage_due_at == at(3, 10)
    assert escalation.acknowledgement_due_at == at(2, 12)


def test_urgent_hours_run_through_the_weekend(world, clock):
    clock.move_to(at(4, 20))  # Friday evening
    escalation = raise_one(world, urgent=True)

    assert escalation.stage_due_at == at(5, 20)  # Saturday evening
    assert escalation.acknowledgement_due_at == at(4, 22)
    clock.move_to(at(5, 9))
    escalation = escalate(escalation, world.police.practitioner, times=3)
    assert escalation.stage_due_at == at(7, 9)  # stage 4: 48 hours


def test_an_accepted_extension_moves_the_due_moment_but_keeps_the_original(world, clock):
    escalation = raise_one(world)
    extension = services.escalation_propose_extension(
        escalation=escalation,
        by=world.csc.practitioner,
        new_due_date=dt.date(2026, 12, 9),
        reason="Awaiting the assessment.",
    )
    services.escalation_accept_extension(extension=extension, by=world.scrutineer)

    escalation = fresh(escalation)
    record = escalation.stage_records.get(stage=1)
    assert escalation.stage_due_at == record.due_at == at(9, 17)
    assert record.original_due_at == at(7, 17)


# --------------------------------------------------------------------------------------------
# references
# --------------------------------------------------------------------------------------------


def test_references_run_in_order_within_each_partnership(world, clock):
    first, second = raise_one(world), raise_one(world)
    other = make_world()
    elsewhere = raise_one(other)

    assert (first.reference, second.reference) == ("ESC-2026-0001", "ESC-2026-0002")
    assert elsewhere.reference == "ESC-2026-0001"
    assert raise_one(world).reference == "ESC-2026-0003"


def test_references_start_again_in_a_new_year(world, clock):
    raise_one(world)
    clock.move_to(at(4, 10, month=1, year=2027))

    assert raise_one(world).reference == "ESC-2027-0001"


# --------------------------------------------------------------------------------------------
# notifications
# --------------------------------------------------------------------------------------------


def test_raising_tells_the_receiving_agencys_stage_1_contact_and_nobody_else(world, clock):
    escalation = raise_one(world)

    events = Notification.objects.filter(escalation=escalation)
    assert {(n.event, n.recipient) for n in events} == {
        (NotificationEvent.RAISED, world.csc.practitioner)
    }


def test_a_child_at_immediate_risk_tells_the_partnership_team_at_once(world, clock):
    acted = timezone.now() - dt.timedelta(minutes=30)
    escalation = raise_one(world, immediate_risk=True, immediate_action_at=acted)

    assert notified(escalation, NotificationEvent.IMMEDIATE_RISK) == {world.lead, world.scrutineer}
    assert notified(escalation, NotificationEvent.RAISED) == {world.csc.practitioner}


def test_acknowledging_and_responding_tell_the_raising_side(world, clock):
    escalation = escalate(raise_one(world), world.police.practitioner)

    services.escalation_respond(
        escalation=escalation, by=world.csc.manager, decision="partly", response="Reviewed."
    )

    assert notified(escalation, NotificationEvent.ACKNOWLEDGED) == {world.police.manager}
    assert notified(escalation, NotificationEvent.RESPONDED) == {world.police.manager}


def test_escalating_tells_the_new_holders_and_the_raiser_and_copies_in_the_partnership_team(
    world, clock
):
    escalation = escalate(raise_one(world), world.police.practitioner)

    assert notified(escalation, NotificationEvent.ESCALATED) == {
        world.police.manager,
        world.csc.manager,
        world.police.practitioner,
    }
    assert notified(escalation, NotificationEvent.PARTNERSHIP_COPY) == {
        world.lead,
        world.scrutineer,
    }


def test_settling_tells_the_current_holders_and_the_raiser_not_who_handed_over(world, clock):
    escalation = raise_one(world)
    raiser, colleague = world.police.practitioner, world.police.colleague
    services.escalation_hand_over(escalation=escalation, by=raiser, to=colleague)
    services.escalation_acknowledge(
        escalation=escalation, by=world.csc.practitioner, holder=world.csc.colleague
    )

    resolve(escalation, colleague)

    # the raiser is told as the raiser; the receiving contact the named holder replaced is not
    assert notified(escalation, NotificationEvent.RESOLVED) == {
        raiser,
        colleague,
        world.csc.colleague,
    }


def test_the_partnership_team_is_not_copied_in_at_stage_1(world, clock):
    escalation = raise_one(world)
    services.escalation_respond(
        escalation=escalation, by=world.csc.practitioner, decision="stands", response="No."
    )
    resolve(escalation, world.police.practitioner, outcome="stands_accepted")

    recipients = {n.recipient for n in Notification.objects.filter(escalation=escalation)}
    assert recipients.isdisjoint({world.lead, world.scrutineer})


def test_a_notification_row_holds_no_case_content(world, clock):
    fields = {field.name for field in Notification._meta.concrete_fields}
    delivery = {"id", "created_at", "next_attempt_at", "attempts", "last_error", "sent_at"}
    delivery |= {"leased_until", "leased_by"}  # the outbox lease: which worker, until when
    assert fields - delivery - {"read_at"} == {"escalation", "recipient", "event", "stage"}


CASE_TEXT = {
    "child_reference": "POL-CHILD-777111",
    "receiving_case_number": "CSC-CASE-888222",
    "decision_disputed": "Referral closed at the front door, marker-decision.",
    "reasons": "Third incident in a month, marker-reasons.",
    "impact_on_child": "A baby left at risk, marker-impact.",
    "outcome_sought": "A strategy discussion, marker-sought.",
    "family_informed": "not_safe",
    "family_not_informed_reason": "Telling the father raises the risk, marker-family.",
}


def test_emails_carry_the_reference_stage_and_a_link_and_never_case_content(world, clock):
    acted = timezone.now() - dt.timedelta(minutes=30)
    escalation = raise_one(world, immediate_risk=True, immediate_action_at=acted, **CASE_TEXT)
    services.escalation_respond(
        escalation=escalation,
        by=world.csc.practitioner,
        decision="stands",
        response="Threshold not met, marker-response.",
    )
    services.escalation_add_note(
        escalation=escalation, author=world.police.practitioner, text="Called CSC, marker-note."
    )
    escalation = escalate(escalation, world.police.practitioner)
    resolve(
        escalation,
        world.police.manager,
        summary="Strategy discussion agreed, marker-summary.",
        agreed_actions="Section 47 today, marker-actions.",
        learning="Read the police log, marker-learning.",
    )
    secrets = [
        *CASE_TEXT.values(),
        "marker",
        escalation.get_category_display(),
        "Not safe to",
    ]
    secrets.remove("not_safe")
    notifications = Notification.objects.filter(escalation=escalation).select_related(
        "escalation", "recipient"
    )
    assert {n.event for n in notifications} >= {
        NotificationEvent.RAISED,
        NotificationEvent.IMMEDIATE_RISK,
        NotificationEvent.RESPONDED,
        NotificationEvent.NOTE,
        NotificationEvent.ESCALATED,
        NotificationEvent.RESOLVED,
    }

    link = settings.SITE_URL + escalation.get_absolute_url()
    for notification in notifications:
        message = _message(notification)
        html = message.alternatives[0][0]
        for text in (message.body, html):
            assert escalation.reference in text
            assert link in text
        assert escalation.reference in message.subject
        assert message.to == [notification.recipient.email]
        for part in (message.subject, message.body, html):
            leaked = [secret for secret in secrets if secret.lower() in part.lower()]
            assert leaked == [], f"{notification.get_event_display()} leaks {leaked}"


def test_a_note_is_kept_and_tells_the_other_current_holders(world, clock):
    escalation = raise_one(world)

    note = services.escalation_add_note(
        escalation=escalation, author=world.police.practitioner, text="Called the front door."
    )

    assert list(Note.objects.filter(escalation=escalation)) == [note]
    assert notified(escalation, NotificationEvent.NOTE) == {world.csc.practitioner}


def test_a_note_cannot_be_edited(world, clock):
    note = services.escalation_add_note(
        escalation=raise_one(world), author=world.police.practitioner, text="Called."
    )
    note.text = "Changed."
    with pytest.raises(ValueError, match="append-only"):
        note.save()


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.MANAGER])
def test_history_keeps_who_raised_and_why(world, clock, role):
    raiser = world.police.practitioner if role == Role.PRACTITIONER else world.police.manager
    escalation = raise_one(world, raised_by=raiser)

    first = escalation.history.last()
    assert (first.history_user, first.history_change_reason) == (raiser, "Raised")


def test_a_pending_extension_lapses_when_its_stage_is_escalated(world, clock):
    escalation = raise_one(world)
    extension = services.escalation_propose_extension(
        escalation=escalation,
        by=world.csc.practitioner,
        new_due_date=dt.date(2026, 12, 9),
        reason="Awaiting the assessment.",
    )
    escalate(escalation, world.police.practitioner)
    assert Extension.objects.get(pk=extension.pk).status == "lapsed"
