"""Changes within a stage: extensions, handovers, notes and each side's case-file
confirmation. Each asks the rulebook (``workflows.rules``) under the escalation's row lock."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from escalations.audit import save_with_reason
from escalations.events import record_event
from escalations.models import (
    Escalation,
    EventKind,
    Extension,
    ExtensionStatus,
    Note,
    Side,
    StageHolder,
    User,
)
from escalations.models import NotificationEvent as Event
from escalations.notifications import notify

from . import flows, rules, timers
from .holders import colleagues_of, current_holder_ids, partnership_team
from .inputs import CASE_FILE_REFERENCE_LIMIT, extension_date, required
from .refusals import Invalid
from .stages import add_holder, clock_of, situation


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
    with situation(escalation_id) as s:
        rules.may_propose_extension(s, by, expected_stage=expected_stage).check()
        escalation, record, now = s.escalation, s.record, s.now
        assert record is not None
        clock = clock_of(escalation)
        current_due = timezone.localtime(record.due_at).date()
        if not (new_due_date > current_due and clock.is_working_day(new_due_date)):
            raise Invalid(
                f"The new due date must be a working day after {current_due:%A %-d %B %Y}.",
                field="new_due_date",
            )
        extension_date(new_due_date, timezone.localdate(now))
        new_due_at = clock.due_on(new_due_date)
        if new_due_at <= now:
            raise Invalid(
                f"The new due date must still be ahead: {new_due_date:%A %-d %B %Y} has "
                f"passed its {new_due_at:%H:%M} cut-off.",
                field="new_due_date",
            )
        reason = required(reason, "why more time is needed", field="reason")
        for stale in s.lapsed:
            stale.status = ExtensionStatus.LAPSED
            save_with_reason(
                stale, by=None, reason="Its new due date passed before it was accepted"
            )
        side = s.side_of(by)
        assert side is not None  # the rulebook allows current holders only
        extension = save_with_reason(
            Extension(
                stage_record=record,
                proposed_by=by,
                proposed_side=side,
                proposed_at=now,
                new_due_date=new_due_date,
                new_due_at=new_due_at,
                reason=reason,
            ),
            by=by,
            reason="Extension proposed",
        )
        record_event(escalation, EventKind.EXTENSION_PROPOSED)
        notify(
            escalation=escalation,
            event=Event.EXTENSION_PROPOSED,
            recipients=[
                *(h.user for h in s.current_holders() if h.side != side),
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
        raise Invalid("There is no such extension.", field="extension")
    with situation(escalation_id) as s:
        extension = Extension.objects.get(pk=extension_id)
        rules.may_accept_extension(s, by, extension, expected_stage=expected_stage).check()
        escalation, record = s.escalation, s.record
        assert record is not None
        if rules.breach_pending(record, s.now):  # the due moment passed before its timer fired
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
        record_event(escalation, EventKind.EXTENSION_AGREED)
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
    with situation(escalation_id) as s:
        rules.may_hand_over(s, by, holder, expected_stage=expected_stage).check()
        escalation = s.escalation
        row = next(h for h in s.current_holders() if h.user_id == holder.pk)
        if not colleagues_of(holder).filter(pk=to.pk).exists():
            raise Invalid(
                "A stage can be handed only to an active colleague with the same role in the "
                "same agency.",
                field="to",
            )
        if to.pk in {h.user_id for h in s.current_holders(Side(row.side))}:
            raise Invalid(f"{to} already holds this stage.", field="to")
        now = timezone.now()
        new_row = save_with_reason(
            StageHolder(stage_record=row.stage_record, side=row.side, user=to, since=now),
            by=by,
            reason=f"Handed over by {holder}",
        )
        add_holder(escalation, new_row)
        row.until = now
        row.handed_over_to = new_row
        save_with_reason(row, by=by, reason=f"Handed over to {to}")
        if escalation.receiving_holder_id == holder.pk:
            escalation.receiving_holder = to
            save_with_reason(escalation, by=by, reason=f"Named holder handed over to {to}")
        record_event(escalation, EventKind.HANDED_OVER)
        notify(
            escalation=escalation,
            event=Event.HANDED_OVER,
            recipients=[to],
            stage=escalation.stage,
        )
    return new_row


def record_on_case_file(
    *, escalation_id: int, by: User, stage: int, reference: str, expected_stage: int | None = None
) -> Escalation:
    """Each side confirms it recorded the stage outcome on its own case file."""
    with situation(escalation_id) as s:
        rules.may_record_on_case_file(s, by, stage, expected_stage=expected_stage).check()
        record, side = s.record_of(stage), rules.case_file_side(s, by, stage)
        assert record is not None
        assert side is not None
        reference = required(
            reference,
            "the case file reference where you recorded it",
            field="reference",
            limit=CASE_FILE_REFERENCE_LIMIT,
        )
        setattr(record, f"{side}_recorded_by", by)
        setattr(record, f"{side}_recorded_at", timezone.now())
        setattr(record, f"{side}_record_reference", reference)
        save_with_reason(record, by=by, reason=f"Recorded on the {side} agency's case file")
        record_event(s.escalation, EventKind.RECORDED_ON_CASE_FILE)
    return s.escalation


def add_note(
    *, escalation_id: int, author: User, text: str, expected_stage: int | None = None
) -> Note:
    """Anyone who can see the escalation may add to it, open or closed; notes are never
    edited. Those holding its current stage are told."""
    with situation(escalation_id) as s:
        rules.may_add_note(s, author, expected_stage=expected_stage).check()
        text = required(text, "the note", field="text")
        note = save_with_reason(
            Note(escalation=s.escalation, author=author, text=text, created_at=s.now),
            by=author,
            reason="Note added",
        )
        record_event(s.escalation, EventKind.NOTE_ADDED)
        notify(
            escalation=s.escalation,
            event=Event.NOTE,
            recipients=[h.user for h in s.current_holders() if h.user_id != author.pk],
            stage=s.escalation.stage,
        )
    return note
