"""The stage 4 meeting (issue 14, item 5), under the escalation's row lock like every other
change to it: the partnership lead convenes it (when it meets, whom it invites, the day the two
agencies' written positions are due), a holder of stage 4 for each agency gives its position
(or the lead records it), the clock reminds the agencies whose position is missing on the
morning it is due, and the lead records who attended. The outcome is the stage 4 resolution
(``transitions.resolve``), as before."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.utils import timezone

from escalations.audit import create_many_with_reason, save_with_reason
from escalations.models import (
    Agency,
    AgencyPosition,
    Escalation,
    Meeting,
    MeetingInvitee,
    Side,
    User,
)
from escalations.models import NotificationEvent as Event
from escalations.models.meetings import POSITION_LIMIT
from escalations.notifications import notify

from . import rules
from .calendar import LONDON
from .inputs import required
from .refusals import Invalid
from .stages import holders, locked, situation

logger = logging.getLogger("workflows.timers")

LATEST_MEETING = dt.timedelta(days=92)  # a stage 4 meeting more than a quarter away is no plan


def convene(
    *,
    escalation_id: int,
    by: User,
    meets_at: dt.datetime,
    invited: Iterable[User],
    positions_due_on: dt.date,
    expected_stage: int | None = None,
) -> Meeting:
    with situation(escalation_id) as s:
        rules.may_convene_meeting(s, by, expected_stage=expected_stage).check()
        escalation, record, now = s.escalation, s.record, s.now
        assert record is not None
        if meets_at <= now:
            raise Invalid("The meeting must be at a time to come.", field="meets_at")
        if meets_at > now + LATEST_MEETING:
            raise Invalid(
                "Hold the meeting within three months: stage 4 has working days, not months.",
                field="meets_at",
            )
        today = timezone.localdate(now, LONDON)
        if not today <= positions_due_on <= timezone.localdate(meets_at, LONDON):
            raise Invalid(
                "Ask for the positions by a day from today up to the day of the meeting.",
                field="positions_due_on",
            )
        people = _partners(escalation, invited)
        meeting = save_with_reason(
            Meeting(
                stage_record=record,
                convened_at=now,
                convened_by=by,
                meets_at=meets_at,
                positions_due_at=min(  # the end of that day, or the meeting if sooner
                    dt.datetime.combine(positions_due_on, dt.time(23, 59, 59), tzinfo=LONDON),
                    meets_at,
                ),
            ),
            by=by,
            reason="Stage 4 meeting convened",
        )
        create_many_with_reason(
            MeetingInvitee,
            [MeetingInvitee(meeting=meeting, user=user) for user in people],
            by=by,
            reason="Invited to the stage 4 meeting",
        )
        create_many_with_reason(
            AgencyPosition,
            [
                AgencyPosition(meeting=meeting, agency_id=agency_id)
                for agency_id in (escalation.raising_agency_id, escalation.receiving_agency_id)
            ],
            by=by,
            reason="Written position asked for",
        )
        notify(escalation=escalation, event=Event.MEETING_CONVENED, recipients=people, stage=4)
        notify(
            escalation=escalation,
            event=Event.POSITION_REQUESTED,
            recipients=_position_holders(escalation),
            stage=4,
        )
    return meeting


def _partners(escalation: Escalation, invited: Iterable[User]) -> list[User]:
    """The invited: at least one, each someone to whom the escalation exists (the rulebook's
    ``who_may_see``: an invitation must not lead to a page they may not open, and analysts
    never see a case)."""
    people = {user.pk: user for user in invited}
    if not people:
        raise Invalid("Invite at least one partner.", field="invited")
    may_see = set(rules.who_may_see(escalation).filter(pk__in=people).values_list("pk", flat=True))
    strangers = [str(user) for pk, user in people.items() if pk not in may_see]
    if strangers:
        raise Invalid(
            f"{', '.join(strangers)} cannot be invited: only people who can see "
            f"{escalation.reference} can (its holders, the two agencies' managers and the "
            "partnership team).",
            field="invited",
        )
    return list(people.values())


def _position_holders(escalation: Escalation, agencies: set[int] | None = None) -> list[User]:
    """The holders of stage 4 for the raising and the receiving agency (or those given)."""
    wanted = {
        Side.RAISING: escalation.raising_agency_id,
        Side.RECEIVING: escalation.receiving_agency_id,
    }
    people: list[User] = []
    for side, agency_id in wanted.items():
        if agencies is None or agency_id in agencies:
            people += holders(escalation, side)
    return people


def give_position(
    *,
    escalation_id: int,
    by: User,
    position: str,
    agency: Agency | None = None,
    expected_stage: int | None = None,
) -> AgencyPosition:
    """A holder of stage 4 gives their agency's position; the lead may record either
    agency's, as given to them in writing (``agency``)."""
    with situation(escalation_id) as s:
        escalation = s.escalation
        if agency is not None:
            rules.may_record_position(s, by, agency, expected_stage=expected_stage).check()
            agency_id = agency.pk
        else:
            rules.may_give_position(s, by, expected_stage=expected_stage).check()
            side = s.side_of(by)
            agency_id = (
                escalation.raising_agency_id
                if side == Side.RAISING
                else escalation.receiving_agency_id
            )
        text = required(position, "the agency's position", field="position", limit=POSITION_LIMIT)
        assert s.meeting is not None
        row = next((p for p in s.meeting.positions.all() if p.agency_id == agency_id), None)
        if row is None:
            raise Invalid("Only the raising and the receiving agency give a position.")
        row.position, row.given_at, row.given_by = text, s.now, by
        return save_with_reason(row, by=by, reason="Written position given")


def record_meeting(
    *,
    escalation_id: int,
    by: User,
    attended: Iterable[User],
    held_on: dt.date,
    expected_stage: int | None = None,
) -> Meeting:
    """Who attended, of those invited, and the day it was held: then its outcome is the stage 4
    resolution."""
    with situation(escalation_id) as s:
        rules.may_record_meeting(s, by, expected_stage=expected_stage).check()
        meeting = s.meeting
        assert meeting is not None
        today = timezone.localdate(s.now, LONDON)
        if not timezone.localdate(meeting.convened_at, LONDON) <= held_on <= today:
            raise Invalid(
                "The meeting was held between the day it was convened and today.",
                field="held_on",
            )
        present = {user.pk for user in attended}
        invited = list(meeting.invitees.all())
        if present - {i.user_id for i in invited}:
            raise Invalid("Only those invited can be recorded as attending.", field="attended")
        if not present:
            raise Invalid("Tick who attended: at least one partner.", field="attended")
        for invitee in invited:
            invitee.attended = invitee.user_id in present
            save_with_reason(
                invitee,
                by=by,
                reason="Attended" if invitee.attended else "Did not attend",
            )
        meeting.held_at = dt.datetime.combine(held_on, dt.time(12), tzinfo=LONDON)
        if meeting.held_at > s.now:
            meeting.held_at = s.now
        meeting.held_recorded_by = by
        return save_with_reason(meeting, by=by, reason="Stage 4 meeting held")


def remind_positions(now: dt.datetime | None = None) -> int:
    """On the morning positions are due (at the policy's reminder time), the holders of an
    agency whose position is still missing are reminded, once. Run by every sweep."""
    now = now or timezone.now()
    due = Meeting.objects.filter(
        positions_reminded_at__isnull=True,
        held_at__isnull=True,
        positions_due_at__gte=now,
        positions__given_at__isnull=True,
        stage_record__concluded_at__isnull=True,
    ).values_list("stage_record__escalation_id", flat=True)
    reminded = 0
    for escalation_id in set(due):
        try:
            reminded += _remind(escalation_id, now)
        except Exception:  # one meeting's failure must not stop the sweep's emails
            logger.exception("Position reminder for escalation %s failed", escalation_id)
    return reminded


def _remind(escalation_id: int, now: dt.datetime) -> int:
    with locked(escalation_id) as escalation:
        if not escalation.is_open or escalation.stage != 4:
            return 0
        meeting = Meeting.objects.get(stage_record__escalation=escalation, stage_record__stage=4)
        moment = dt.datetime.combine(
            timezone.localdate(meeting.positions_due_at, LONDON),
            escalation.policy.reminder_time,
            tzinfo=LONDON,
        )
        if (
            meeting.positions_reminded_at is not None
            or meeting.held_at is not None
            or now < moment
            or meeting.convened_at >= moment  # asked after that hour: the request is the news
        ):
            return 0
        missing = set(
            meeting.positions.filter(given_at__isnull=True).values_list("agency_id", flat=True)
        )
        if not missing:
            return 0
        meeting.positions_reminded_at = now
        save_with_reason(meeting, by=None, reason="Positions due today: reminded")
        notify(
            escalation=escalation,
            event=Event.POSITION_REMINDER,
            recipients=_position_holders(escalation, missing),
            stage=4,
        )
        return 1
