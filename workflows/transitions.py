"""The transition code: the one path of every change to an escalation's state.

People reach it through ``escalations.services``; the clock through the flow's timer handlers
(``by=None``). Each transition takes one lock first, always the escalation's row, checks who may
act and that the stage is still the one the form was for, makes the move, and writes history,
stage records, the flow's tasks and timers, and notifications in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from escalations.audit import save_with_reason
from escalations.models import (
    Agency,
    Category,
    Child,
    Conclusion,
    Decision,
    Escalation,
    Extension,
    ExtensionStatus,
    Outcome,
    ReferenceSequence,
    Role,
    Side,
    StageHolder,
    StageRecord,
    User,
)
from escalations.models import NotificationEvent as Event
from escalations.notifications import notify

from . import flows
from .locks import lock_escalation
from .rules import (
    Refused,
    current_holder_ids,
    holders_for_stage,
    partnership_team,
    refuse_unless,
    require_member,
    require_open,
    side_user_ids,
)
from .states import LAST_STAGE, status_for_stage
from .timescales import Clock, elapsed_hours

__all__ = ["Refused"]


@contextmanager
def locked(escalation_id: int) -> Iterator[Escalation]:
    with transaction.atomic():
        yield lock_escalation(escalation_id)


def clock_of(escalation: Escalation) -> Clock:
    return Clock.of(partnership=escalation.partnership, policy=escalation.policy)


def _names(users: Sequence[User]) -> str:
    return ", ".join(sorted(str(user) for user in users)) or "nobody yet"


def _holders(escalation: Escalation, side: Side | None = None) -> list[User]:
    return list(User.objects.filter(pk__in=current_holder_ids(escalation, side)))


def _required(value: str, what: str) -> str:
    value = (value or "").strip()
    refuse_unless(bool(value), f"Enter {what}.")
    return value


# raising ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildDetails:
    raising_case_number: str
    receiving_case_number: str = ""
    age_band: str = ""


@dataclass(frozen=True)
class Dispute:
    """What the raise form records about the disagreement (DESIGN.md section 3)."""

    category: str
    decision_disputed: str
    reasons: str
    outcome_sought: str
    subject: str = "children"
    impact_on_child: str = ""
    level_of_need: str = ""
    case_status: str = "none"
    family_informed: str = "yes"
    family_not_informed_reason: str = ""


def _next_reference(escalation_partnership_id: int, year: int) -> str:
    sequence, _ = ReferenceSequence.objects.select_for_update().get_or_create(
        partnership_id=escalation_partnership_id, year=year
    )
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"ESC-{year}-{sequence.last:04d}"


def raise_escalation(
    *,
    raised_by: User,
    raising_agency: Agency | None,
    receiving_agency: Agency,
    dispute: Dispute,
    children: Sequence[ChildDetails],
    urgent: bool,
    immediate_risk: bool,
    immediate_action_at: dt.datetime | None,
    start_stage: int,
) -> Escalation:
    """Raise: a practitioner or manager records the disagreement; it starts at stage 1, or at
    stage 2 or 3 when urgent. A child at immediate risk makes it urgent and needs the moment
    the raiser acted under child protection procedures."""
    now = timezone.now()
    membership = raised_by.membership if raised_by and hasattr(raised_by, "membership") else None
    refuse_unless(
        membership is not None
        and raised_by.is_active
        and membership.role in (Role.PRACTITIONER, Role.MANAGER),
        "Only a practitioner or manager of a partner agency can raise an escalation.",
    )
    assert membership is not None
    raising_agency = raising_agency or membership.agency
    assert raising_agency is not None
    refuse_unless(
        raising_agency.pk == membership.agency_id,
        f"You can raise escalations for {membership.agency} only.",
    )
    partnership = membership.partnership
    refuse_unless(
        receiving_agency.partnership_id == partnership.pk
        and receiving_agency.is_active_on(timezone.localdate(now)),
        "Choose an active agency of this partnership to receive the escalation.",
    )
    refuse_unless(
        receiving_agency.pk != raising_agency.pk,
        "A disagreement inside one agency follows that agency's own policy, not this one.",
    )
    refuse_unless(dispute.category in Category.values, "Choose the category of the disagreement.")
    if immediate_risk:
        urgent = True
        refuse_unless(
            immediate_action_at is not None and immediate_action_at <= now,
            "A child at immediate risk needs action now under child protection procedures: "
            "enter when you acted.",
        )
    refuse_unless(start_stage in (1, 2, 3), "An escalation starts at stage 1, 2 or 3.")
    refuse_unless(start_stage == 1 or urgent, "Only an urgent escalation can start after stage 1.")
    if dispute.subject == "children":
        refuse_unless(
            bool(children) and all(c.raising_case_number.strip() for c in children),
            "Enter your agency's case number for each child (never a name).",
        )
    refuse_unless(
        dispute.family_informed != "no"
        and dispute.family_informed != "not_safe"
        or bool(dispute.family_not_informed_reason.strip()),
        "Say why the family has not been told.",
    )
    for value, what in (
        (dispute.decision_disputed, "the decision you disagree with"),
        (dispute.reasons, "why you disagree"),
        (dispute.outcome_sought, "the outcome you are seeking"),
    ):
        _required(value, what)

    policy = partnership.current_policy(now)
    clock = Clock.of(partnership=partnership, policy=policy)
    with transaction.atomic():
        escalation = Escalation(
            partnership=partnership,
            policy=policy,
            reference=_next_reference(partnership.pk, timezone.localdate(now).year),
            raising_agency=raising_agency,
            raised_by=raised_by,
            receiving_agency=receiving_agency,
            urgent=urgent,
            immediate_risk=immediate_risk,
            immediate_action_at=immediate_action_at if immediate_risk else None,
            status=status_for_stage(start_stage),
            stage=start_stage,
            stage_due_at=clock.stage_due(stage=start_stage, started_at=now, urgent=urgent),
            acknowledgement_due_at=clock.acknowledgement_due(raised_at=now, urgent=urgent),
            raised_at=now,
            **{field: getattr(dispute, field) for field in Dispute.__dataclass_fields__},
        )
        save_with_reason(escalation, by=raised_by, reason="Raised")
        for child in children:
            save_with_reason(
                Child(
                    escalation=escalation,
                    raising_case_number=child.raising_case_number.strip(),
                    receiving_case_number=child.receiving_case_number.strip(),
                    age_band=child.age_band,
                ),
                by=raised_by,
                reason="Raised",
            )
        _start_stage(escalation, start_stage, now, by=raised_by, reason="Raised")
        escalation.process = flows.start_process(escalation)
        escalation.skip_history_when_saving = True  # type: ignore[attr-defined]
        escalation.save(update_fields=["process"])  # the flow link is plumbing, not history
        del escalation.skip_history_when_saving  # type: ignore[attr-defined]
        _announce_raise(escalation)
    return escalation


def _announce_raise(escalation: Escalation) -> None:
    notify(
        escalation=escalation,
        event=Event.RAISED,
        recipients=_holders(escalation, Side.RECEIVING),
        stage=escalation.stage,
    )
    if escalation.immediate_risk:
        notify(
            escalation=escalation,
            event=Event.IMMEDIATE_RISK,
            recipients=partnership_team(escalation),
            stage=escalation.stage,
        )
    elif escalation.stage >= escalation.policy.partnership_from_stage:
        notify(
            escalation=escalation,
            event=Event.PARTNERSHIP_COPY,
            recipients=partnership_team(escalation),
            stage=escalation.stage,
        )


def _start_stage(
    escalation: Escalation, stage: int, now: dt.datetime, *, by: User | None, reason: str
) -> StageRecord:
    due = clock_of(escalation).stage_due(stage=stage, started_at=now, urgent=escalation.urgent)
    record = save_with_reason(
        StageRecord(
            escalation=escalation, stage=stage, started_at=now, original_due_at=due, due_at=due
        ),
        by=by,
        reason=reason,
    )
    for side, user in holders_for_stage(escalation, stage):
        save_with_reason(
            StageHolder(stage_record=record, side=side, user=user, since=now),
            by=by,
            reason=f"Holds stage {stage} from its start",
        )
    return record


def _conclude_stage(
    escalation: Escalation,
    conclusion: Conclusion,
    reason: str,
    now: dt.datetime,
    *,
    by: User | None,
) -> StageRecord:
    record = escalation.stage_records.get(stage=escalation.stage)
    record.concluded_at = now
    record.conclusion = conclusion
    record.conclusion_reason = reason
    record.duration_working_days = clock_of(escalation).working_days(record.started_at, now)
    record.duration_hours = elapsed_hours(record.started_at, now)
    return save_with_reason(record, by=by, reason=f"Stage {record.stage} {conclusion}")


# the receiving side ---------------------------------------------------------------------------


def acknowledge(*, escalation_id: int, by: User, holder: User | None = None) -> Escalation:
    """A receiving-side holder acknowledges and names who holds it for the receiving agency;
    at stage 1 the named holder replaces the agency's stage-1 contacts."""
    with locked(escalation_id) as escalation:
        require_open(escalation)
        require_member(escalation, by)
        receiving = side_user_ids(escalation, Side.RECEIVING)
        refuse_unless(
            by.pk in receiving,
            f"Only a holder at {escalation.receiving_agency} can acknowledge "
            f"{escalation.reference}.",
        )
        refuse_unless(
            escalation.acknowledged_at is None,
            f"{escalation.reference} was already acknowledged by {escalation.acknowledged_by}.",
        )
        _acknowledge_locked(escalation, by=by, holder=holder or by)
    return escalation


def _acknowledge_locked(escalation: Escalation, *, by: User, holder: User) -> None:
    now = timezone.now()
    holder_agency = getattr(getattr(holder, "membership", None), "agency_id", None)
    refuse_unless(
        holder.is_active and holder_agency == escalation.receiving_agency_id,
        f"The named holder must be an active member of {escalation.receiving_agency}.",
    )
    escalation.stay_open()
    escalation.acknowledged_at = now
    escalation.acknowledged_by = by
    escalation.receiving_holder = holder
    save_with_reason(escalation, by=by, reason=f"Acknowledged; named holder {holder}")
    if escalation.stage == 1:
        record = escalation.stage_records.get(stage=1)
        current = record.holders.filter(side=Side.RECEIVING, until__isnull=True)
        if not current.filter(user=holder).exists():
            save_with_reason(
                StageHolder(stage_record=record, side=Side.RECEIVING, user=holder, since=now),
                by=by,
                reason="Named holder on acknowledgement",
            )
        for row in current.exclude(user=holder):
            row.until = now
            save_with_reason(row, by=by, reason=f"Replaced by the named holder {holder}")
    flows.complete_acknowledgement(escalation)
    notify(
        escalation=escalation,
        event=Event.ACKNOWLEDGED,
        recipients=_holders(escalation, Side.RAISING),
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
    with locked(escalation_id) as escalation:
        require_open(escalation, expected_stage=expected_stage)
        require_member(escalation, by)
        refuse_unless(
            by.pk in side_user_ids(escalation, Side.RECEIVING),
            f"Only a holder at {escalation.receiving_agency} can respond to "
            f"{escalation.reference}.",
        )
        refuse_unless(decision in Decision.values, "Choose the agency's decision now.")
        response = _required(response, "why the agency decided this")
        if escalation.acknowledged_at is None:
            _acknowledge_locked(escalation, by=by, holder=by)
        escalation.stay_open()
        record = escalation.stage_records.get(stage=escalation.stage)
        record.decision = decision
        record.decision_reason = response
        record.decided_at = timezone.now()
        record.decided_by = by
        save_with_reason(record, by=by, reason=f"Responded: {record.get_decision_display()}")
        notify(
            escalation=escalation,
            event=Event.RESPONDED,
            recipients=_holders(escalation, Side.RAISING),
            stage=escalation.stage,
        )
    return escalation


# moving between stages ----------------------------------------------------------------------


def escalate(
    *, escalation_id: int, by: User | None, reason: str, expected_stage: int | None = None
) -> Escalation:
    """Stage n to n+1 (n < 4): a holder of the current stage on either side, or the raiser;
    the system only on breach when the policy escalates on breach."""
    with locked(escalation_id) as escalation:
        require_open(escalation, expected_stage=expected_stage)
        if by is None:
            record = escalation.stage_records.get(stage=escalation.stage)
            refuse_unless(
                escalation.policy.escalate_on_breach and record.breached_at is not None,
                "The system escalates only a breached stage, and only when the policy says so.",
            )
        else:
            require_member(escalation, by)
            refuse_unless(
                by.pk in current_holder_ids(escalation) or by.pk == escalation.raised_by_id,
                f"Only a holder of stage {escalation.stage} on either side, or the raiser, "
                f"can escalate {escalation.reference}. It is held by "
                f"{_names(_holders(escalation))}.",
            )
        refuse_unless(
            escalation.stage < LAST_STAGE,
            "Stage 4 is the last stage: the partnership lead records the outcome of the "
            "stage 4 meeting.",
        )
        reason = _required(reason, "why you are escalating")
        _escalate_locked(escalation, by=by, reason=reason)
    return escalation


def _escalate_locked(escalation: Escalation, *, by: User | None, reason: str) -> None:
    now = timezone.now()
    _conclude_stage(escalation, Conclusion.ESCALATED, reason, now, by=by)
    escalation.move_to_next_stage()
    escalation.stage += 1
    record = _start_stage(escalation, escalation.stage, now, by=by, reason=f"Escalated: {reason}")
    escalation.stage_due_at = record.due_at
    save_with_reason(escalation, by=by, reason=f"Escalated to stage {escalation.stage}: {reason}")
    flows.complete_stage(escalation)
    notify(
        escalation=escalation,
        event=Event.ESCALATED,
        recipients=[*_holders(escalation), escalation.raised_by],
        stage=escalation.stage,
    )
    if escalation.stage >= escalation.policy.partnership_from_stage:
        notify(
            escalation=escalation,
            event=Event.PARTNERSHIP_COPY,
            recipients=partnership_team(escalation),
            stage=escalation.stage,
        )


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
    with locked(escalation_id) as escalation:
        require_open(escalation, expected_stage=expected_stage)
        membership = require_member(escalation, by)
        at_last_stage_lead = (
            escalation.stage == LAST_STAGE and membership.role == Role.PARTNERSHIP_LEAD
        )
        refuse_unless(
            by.pk in side_user_ids(escalation, Side.RAISING) or at_last_stage_lead,
            f"Only the raising side ({escalation.raising_agency}) can resolve "
            f"{escalation.reference}; at stage 4 the partnership lead records the outcome.",
        )
        refuse_unless(
            outcome in Outcome.values and outcome != Outcome.WITHDRAWN,
            "Choose the outcome.",
        )
        refuse_unless(
            outcome != Outcome.NOT_AGREED or escalation.stage == LAST_STAGE,
            "Dissent is recorded only at stage 4: escalate if you still disagree.",
        )
        summary = _required(summary, "a summary of the resolution")
        agreed_actions = _required(agreed_actions, "the agreed actions")
        now = timezone.now()
        _conclude_stage(escalation, Conclusion.RESOLVED, summary, now, by=by)
        escalation.mark_resolved()
        escalation.outcome = outcome
        escalation.resolution_summary = summary
        escalation.agreed_actions = agreed_actions
        escalation.learning_points = (learning or "").strip()
        _close(escalation, now, by=by, reason=f"Resolved: {escalation.get_outcome_display()}")
        _announce_close(escalation, Event.RESOLVED)
    return escalation


def withdraw(
    *, escalation_id: int, by: User, reason: str, expected_stage: int | None = None
) -> Escalation:
    """The raising side withdraws at any open stage."""
    with locked(escalation_id) as escalation:
        require_open(escalation, expected_stage=expected_stage)
        require_member(escalation, by)
        refuse_unless(
            by.pk in side_user_ids(escalation, Side.RAISING),
            f"Only the raising side ({escalation.raising_agency}) can withdraw "
            f"{escalation.reference}.",
        )
        reason = _required(reason, "why you are withdrawing it")
        now = timezone.now()
        _conclude_stage(escalation, Conclusion.WITHDRAWN, reason, now, by=by)
        escalation.mark_withdrawn()
        escalation.outcome = Outcome.WITHDRAWN
        escalation.resolution_summary = reason
        _close(escalation, now, by=by, reason=f"Withdrawn: {reason}")
        _announce_close(escalation, Event.WITHDRAWN)
    return escalation


def _close(escalation: Escalation, now: dt.datetime, *, by: User | None, reason: str) -> None:
    escalation.closed_at = now
    escalation.stage_due_at = None
    escalation.working_days_open = clock_of(escalation).working_days(escalation.raised_at, now)
    save_with_reason(escalation, by=by, reason=reason)
    for extension in Extension.objects.filter(
        stage_record__escalation=escalation, status=ExtensionStatus.PROPOSED
    ):
        extension.status = ExtensionStatus.LAPSED
        save_with_reason(extension, by=by, reason="The escalation closed")
    flows.close_process(escalation)


def _announce_close(escalation: Escalation, event: Event) -> None:
    recipients = [*_holders(escalation), escalation.raised_by]
    if escalation.stage >= escalation.policy.partnership_from_stage:
        recipients += partnership_team(escalation)
    notify(escalation=escalation, event=event, recipients=recipients, stage=escalation.stage)
