"""The transition code: the one path of every change to an escalation's state.

People reach it through ``escalations.services``; the clock through the flow's timer handlers
(``by=None``). Each transition takes one lock first, always the escalation's row, checks who may
act and that the stage is still the one the form was for, makes the move, and writes history,
stage records, the flow's tasks and timers, and notifications in one transaction.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from escalations.audit import save_with_reason
from escalations.events import record_event
from escalations.models import (
    Conclusion,
    Decision,
    Escalation,
    EventKind,
    Outcome,
    Side,
    StageHolder,
    User,
)
from escalations.models import NotificationEvent as Event
from escalations.notifications import notify, notify_all

from . import flows, rules
from .holders import may_name, partnership_team
from .inputs import limited, required, settling_outcomes
from .refusals import Invalid
from .stages import (
    add_holder,
    begin_stage,
    clock_of,
    conclude_stage,
    holders,
    record_of,
    situation,
)


def acknowledge(
    *,
    escalation_id: int,
    by: User,
    holder: User | None = None,
    expected_stage: int | None = None,
) -> Escalation:
    """A receiving-side holder acknowledges and names who holds it for the receiving agency;
    at stage 1 the named holder replaces the agency's stage-1 contacts."""
    with situation(escalation_id, timing=False) as s:
        rules.may_acknowledge(s, by, expected_stage=expected_stage).check()
        _acknowledge_locked(s.escalation, by=by, holder=holder or by)
    return s.escalation


def _acknowledge_locked(escalation: Escalation, *, by: User, holder: User) -> None:
    now = timezone.now()
    if not may_name(escalation, holder):
        raise Invalid(
            f"The named holder must be an active member of {escalation.receiving_agency} who "
            f"may hold stage {escalation.stage}: its contact, someone in the stage's role, or "
            "someone who has held it.",
            field="holder",
        )
    escalation.stay_open()
    escalation.acknowledged_at = now
    escalation.acknowledged_by = by
    escalation.receiving_holder = holder
    save_with_reason(escalation, by=by, reason=f"Acknowledged; named holder {holder}")
    if escalation.stage == 1:
        record = record_of(escalation, 1)
        # as the rules read them under the lock (prefetched), else read now
        current = [h for h in record.holders.all() if h.side == Side.RECEIVING and h.until is None]
        if not any(row.user_id == holder.pk for row in current):
            named = StageHolder(stage_record=record, side=Side.RECEIVING, user=holder, since=now)
            add_holder(
                escalation,
                save_with_reason(named, by=by, reason="Named holder on acknowledgement"),
            )
        for row in (row for row in current if row.user_id != holder.pk):
            row.until = now
            save_with_reason(row, by=by, reason=f"Replaced by the named holder {holder}")
    flows.complete_acknowledgement(escalation)
    record_event(escalation, EventKind.ACKNOWLEDGED, saved=True)
    notify(
        escalation=escalation,
        event=Event.ACKNOWLEDGED,
        recipients=holders(escalation, Side.RAISING),
        stage=escalation.stage,
    )


def respond(
    *,
    escalation_id: int,
    by: User,
    decision: str,
    response: str,
    expected_stage: int | None = None,
) -> Escalation:
    """A receiving-side holder records the agency's decision now (changed, stands, partly)
    and why. Responding acknowledges it too if nobody had."""
    with situation(escalation_id, timing=False) as s:
        rules.may_respond(s, by, expected_stage=expected_stage).check()
        if decision not in Decision.values:
            raise Invalid("Choose the agency's decision now.", field="decision")
        response = required(response, "why the agency decided this", field="response")
        escalation = s.escalation
        if escalation.acknowledged_at is None:
            _acknowledge_locked(escalation, by=by, holder=by)
        escalation.stay_open()
        record = s.record
        assert record is not None
        record.decision = decision
        record.decision_reason = response
        record.decided_at = timezone.now()
        record.decided_by = by
        save_with_reason(record, by=by, reason=f"Responded: {record.get_decision_display()}")
        record_event(escalation, EventKind.RESPONDED)
        notify(
            escalation=escalation,
            event=Event.RESPONDED,
            recipients=holders(escalation, Side.RAISING),
            stage=escalation.stage,
        )
    return escalation


# moving between stages ----------------------------------------------------------------------


def escalate(
    *, escalation_id: int, by: User | None, reason: str, expected_stage: int | None = None
) -> Escalation:
    """Stage n to n+1 (n < 4): a holder of the current stage on either side, or the raiser;
    the system only on breach when the policy escalates on breach."""
    with situation(escalation_id) as s:
        rules.may_escalate(s, by, expected_stage=expected_stage).check()
        reason = required(reason, "why you are escalating", field="reason")
        escalate_locked(s.escalation, by=by, reason=reason)
    return s.escalation


def escalate_locked(escalation: Escalation, *, by: User | None, reason: str) -> None:
    now = timezone.now()
    conclude_stage(escalation, Conclusion.ESCALATED, reason, now, by=by)
    escalation.move_to_next_stage()
    escalation.stage += 1
    record = begin_stage(escalation, escalation.stage, now, by=by, reason=f"Escalated: {reason}")
    escalation.stage_due_at = record.due_at
    save_with_reason(escalation, by=by, reason=f"Escalated to stage {escalation.stage}: {reason}")
    flows.complete_stage(escalation)
    record_event(escalation, EventKind.ESCALATED, saved=True)
    news = [(Event.ESCALATED, holders(escalation, with_raiser=True))]
    if escalation.stage >= escalation.policy.partnership_from_stage:
        news.append((Event.PARTNERSHIP_COPY, partnership_team(escalation)))
    notify_all(escalation=escalation, stage=escalation.stage, news=news)


def resolve(
    *,
    escalation_id: int,
    by: User,
    outcome: str,
    summary: str,
    agreed_actions: str,
    learning: str = "",
    expected_stage: int | None = None,
) -> Escalation:
    """Settled: the raising side's acceptance settles it at any stage; at stage 4 the
    partnership lead records the meeting's outcome. Dissent is recorded only at stage 4."""
    with situation(escalation_id) as s:
        rules.may_resolve(s, by, expected_stage=expected_stage).check()
        escalation = s.escalation
        if outcome not in Outcome.values or outcome == Outcome.WITHDRAWN:
            raise Invalid("Choose the outcome.", field="outcome")
        if outcome not in settling_outcomes(escalation.stage):
            raise Invalid(
                "Dissent is recorded only at stage 4: escalate if you still disagree.",
                field="outcome",
            )
        summary = required(summary, "a summary of the resolution", field="summary")
        agreed_actions = required(agreed_actions, "the agreed actions", field="agreed_actions")
        learning = limited(learning, "the learning points", field="learning")
        now = timezone.now()
        conclude_stage(escalation, Conclusion.RESOLVED, summary, now, by=by)
        escalation.mark_resolved()
        escalation.outcome = outcome
        escalation.resolution_summary = summary
        escalation.agreed_actions = agreed_actions
        escalation.learning_points = learning
        _close(escalation, now, by=by, reason=f"Resolved: {escalation.get_outcome_display()}")
        record_event(escalation, EventKind.RESOLVED, saved=True)
        _announce_close(escalation, Event.RESOLVED)
    return escalation


def withdraw(
    *, escalation_id: int, by: User, reason: str, expected_stage: int | None = None
) -> Escalation:
    """The raising side withdraws at any open stage."""
    with situation(escalation_id) as s:
        rules.may_withdraw(s, by, expected_stage=expected_stage).check()
        reason = required(reason, "why you are withdrawing it", field="reason")
        escalation = s.escalation
        now = timezone.now()
        conclude_stage(escalation, Conclusion.WITHDRAWN, reason, now, by=by)
        escalation.mark_withdrawn()
        escalation.outcome = Outcome.WITHDRAWN
        escalation.resolution_summary = reason
        _close(escalation, now, by=by, reason=f"Withdrawn: {reason}")
        record_event(escalation, EventKind.WITHDRAWN, saved=True)
        _announce_close(escalation, Event.WITHDRAWN)
    return escalation


def _close(escalation: Escalation, now: dt.datetime, *, by: User | None, reason: str) -> None:
    escalation.closed_at = now
    escalation.stage_due_at = None
    escalation.working_days_open = clock_of(escalation).working_days(escalation.raised_at, now)
    save_with_reason(escalation, by=by, reason=reason)
    flows.close_process(escalation)


def _announce_close(escalation: Escalation, event: Event) -> None:
    recipients = holders(escalation, with_raiser=True)
    if escalation.stage >= escalation.policy.partnership_from_stage:
        recipients += partnership_team(escalation)
    notify(escalation=escalation, event=event, recipients=recipients, stage=escalation.stage)
