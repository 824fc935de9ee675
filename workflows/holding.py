"""Changes within a stage: extensions, handovers and each side's case-file confirmation."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from escalations.audit import save_with_reason
from escalations.models import (
    Escalation,
    Extension,
    ExtensionStatus,
    Membership,
    Role,
    Side,
    StageHolder,
    User,
)
from escalations.models import NotificationEvent as Event
from escalations.notifications import notify

from . import flows, timers
from .rules import (
    Refused,
    current_holder_ids,
    membership_of,
    partnership_team,
    refuse_unless,
    require_member,
    require_open,
    side_of,
)
from .stages import clock_of, locked
from .states import LAST_STAGE


def propose_extension(
    *,
    escalation_id: int,
    by: User,
    new_due_date: dt.date,
    reason: str,
    expected_stage: int | None = None,
) -> Extension:
    """A current holder proposes a new due date: a working day after the current one, whose
    due moment (the cut-off that day) is still ahead. A proposal whose new due moment passed
    before anyone accepted it lapses rather than blocking a new one."""
    with locked(escalation_id) as escalation:
        require_open(escalation, expected_stage=expected_stage)
        require_member(escalation, by)
        side = side_of(escalation, by)
        if side is None:
            raise Refused(f"Only a holder of stage {escalation.stage} can propose an extension.")
        record = escalation.stage_records.get(stage=escalation.stage)
        clock = clock_of(escalation)
        now = timezone.now()
        current_due = timezone.localtime(record.due_at).date()
        refuse_unless(
            new_due_date > current_due and clock.is_working_day(new_due_date),
            f"The new due date must be a working day after {current_due:%A %-d %B %Y}.",
        )
        new_due_at = clock.due_on(new_due_date)
        refuse_unless(
            new_due_at > now,
            f"The new due date must still be ahead: {new_due_date:%A %-d %B %Y} has passed "
            f"its {new_due_at:%H:%M} cut-off.",
        )
        for stale in record.extensions.filter(status=ExtensionStatus.PROPOSED, new_due_at__lte=now):
            stale.status = ExtensionStatus.LAPSED
            save_with_reason(
                stale, by=None, reason="Its new due date passed before it was accepted"
            )
        refuse_unless(
            not record.extensions.filter(status=ExtensionStatus.PROPOSED).exists(),
            "An extension is already waiting for an answer at this stage.",
        )
        reason = (reason or "").strip()
        refuse_unless(bool(reason), "Enter why more time is needed.")
        extension = save_with_reason(
            Extension(
                stage_record=record,
                proposed_by=by,
                proposed_side=side,
                proposed_at=timezone.now(),
                new_due_date=new_due_date,
                new_due_at=new_due_at,
                reason=reason,
            ),
            by=by,
            reason="Extension proposed",
        )
        others = StageHolder.objects.filter(stage_record=record, until__isnull=True).exclude(
            side=side
        )
        notify(
            escalation=escalation,
            event=Event.EXTENSION_PROPOSED,
            recipients=[
                *(h.user for h in others.select_related("user")),
                *partnership_team(escalation),
            ],
            stage=escalation.stage,
        )
    return extension


def accept_extension(
    *, extension_id: int, by: User, expected_stage: int | None = None
) -> Extension:
    """The other side's holder or the partnership team accepts, while the new due moment is
    still ahead; the due moment and the stage's timers move in the same transaction (a
    reminder and a due moment of their own, even when the old ones have fired)."""
    escalation_id = (
        Escalation.objects.filter(stage_records__extensions__pk=extension_id)
        .values_list("pk", flat=True)
        .first()
    )
    if escalation_id is None:
        raise Refused("There is no such extension.")
    with locked(escalation_id) as escalation:
        require_open(escalation, expected_stage=expected_stage)
        membership = require_member(escalation, by)
        extension = Extension.objects.select_related("stage_record").get(pk=extension_id)
        record = extension.stage_record
        refuse_unless(
            extension.status == ExtensionStatus.PROPOSED and record.stage == escalation.stage,
            "That extension is no longer waiting for an answer.",
        )
        side = side_of(escalation, by)
        refuse_unless(
            by.pk != extension.proposed_by_id
            and (
                (side is not None and side != extension.proposed_side)
                or membership.is_partnership_team
            ),
            "Only a holder on the other side, or the partnership team, can accept an "
            "extension; nobody accepts their own.",
        )
        refuse_unless(
            extension.new_due_at > timezone.now(),
            f"That extension's new due date, {extension.new_due_date:%A %-d %B %Y}, has "
            "passed: propose a later one.",
        )
        if timers.breach_pending(record):  # the due moment passed before its timer fired
            refuse_unless(
                not (escalation.policy.escalate_on_breach and record.stage < LAST_STAGE),
                f"Stage {record.stage} passed its due moment at "
                f"{timezone.localtime(record.due_at):%H:%M on %A %-d %B}, and the policy "
                f"escalates a breached stage: it is moving to stage {record.stage + 1}, so it "
                "can no longer be extended.",
            )
            timers.record_breach(escalation, record)  # as the timer would have
        escalation.stay_open()
        record.due_at = extension.new_due_at
        save_with_reason(record, by=by, reason=f"Extended to {extension.new_due_date:%-d %B %Y}")
        extension.status = ExtensionStatus.ACCEPTED
        extension.decided_by = by
        extension.decided_at = timezone.now()
        save_with_reason(extension, by=by, reason="Extension accepted")
        escalation.stage_due_at = record.due_at
        save_with_reason(escalation, by=by, reason="Due moment extended")
        flows.reschedule_stage_timers(escalation)
        notify(
            escalation=escalation,
            event=Event.EXTENSION_ACCEPTED,
            recipients=User.objects.filter(pk__in=current_holder_ids(escalation)),
            stage=escalation.stage,
        )
    return extension


def hand_over(
    *,
    escalation_id: int,
    by: User,
    to: User,
    holder: User | None = None,
    expected_stage: int | None = None,
) -> StageHolder:
    """A holder hands the current stage to a colleague with the same role in the same
    agency (leave, sickness). The partnership lead can do it for a holder who is absent or
    leaving (ADR 5)."""
    holder = holder or by
    with locked(escalation_id) as escalation:
        require_open(escalation, expected_stage=expected_stage)
        membership = require_member(escalation, by)
        refuse_unless(
            holder == by or membership.role == Role.PARTNERSHIP_LEAD,
            "Only the holder, or the partnership lead, can hand a stage over.",
        )
        row = (
            StageHolder.objects.filter(
                stage_record__escalation=escalation,
                stage_record__stage=escalation.stage,
                user=holder,
                until__isnull=True,
            )
            .select_related("stage_record")
            .first()
        )
        refuse_unless(row is not None, f"{holder} does not hold stage {escalation.stage}.")
        assert row is not None
        _check_colleague(holder, to)
        refuse_unless(
            to.pk not in current_holder_ids(escalation, Side(row.side)),
            f"{to} already holds this stage.",
        )
        now = timezone.now()
        new_row = save_with_reason(
            StageHolder(stage_record=row.stage_record, side=row.side, user=to, since=now),
            by=by,
            reason=f"Handed over by {holder}",
        )
        row.until = now
        row.handed_over_to = new_row
        save_with_reason(row, by=by, reason=f"Handed over to {to}")
        if escalation.receiving_holder_id == holder.pk:
            escalation.receiving_holder = to
            save_with_reason(escalation, by=by, reason=f"Named holder handed over to {to}")
        notify(
            escalation=escalation,
            event=Event.HANDED_OVER,
            recipients=[to],
            stage=escalation.stage,
        )
    return new_row


def _check_colleague(holder: User, to: User) -> None:
    ours, theirs = membership_of(holder) or _left(holder), membership_of(to)
    refuse_unless(
        theirs is not None
        and theirs.role == ours.role
        and theirs.agency_id == ours.agency_id
        and theirs.partnership_id == ours.partnership_id,
        "A stage can be handed only to an active colleague with the same role in the same agency.",
    )


def _left(user: User) -> Membership:
    """A deactivated holder keeps the membership that says who their colleagues were."""
    return Membership.objects.get(user=user)


def record_on_case_file(*, escalation_id: int, by: User, stage: int, reference: str) -> Escalation:
    """Each side confirms it recorded the stage outcome on its own case file."""
    with locked(escalation_id) as escalation:
        require_member(escalation, by)
        record = escalation.stage_records.get(stage=stage)
        side = (
            record.holders.filter(user=by)
            .exclude(side=Side.PARTNERSHIP)
            .values_list("side", flat=True)
            .first()
        )
        if side is None and stage == 1 and by.pk == escalation.raised_by_id:
            side = Side.RAISING
        refuse_unless(side is not None, f"Only a holder of stage {stage} can confirm this.")
        refuse_unless(record.concluded_at is not None, "Confirm once the stage outcome is known.")
        reference = (reference or "").strip()
        refuse_unless(bool(reference), "Enter the case file reference where you recorded it.")
        setattr(record, f"{side}_recorded_by", by)
        setattr(record, f"{side}_recorded_at", timezone.now())
        setattr(record, f"{side}_record_reference", reference[:100])
        save_with_reason(record, by=by, reason=f"Recorded on the {side} agency's case file")
    return escalation
