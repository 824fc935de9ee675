"""The predicates of DESIGN.md section 4's table, one per action on an escalation, and what
the case page offers: the same predicates (``available``).

The checks run in one order, so a refusal is the same whoever asks: a closed escalation or a
form for a stage that has moved on (``Conflict``); not a member of the partnership or not
this person's to do (``Forbidden``); then the state of the stage (``Conflict``). What was
typed is the transition code's to check (``workflows.inputs``, ``Invalid``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone

from escalations.models import Agency, Extension, ExtensionStatus, Membership, Role, Side, User
from workflows.holders import membership_of
from workflows.refusals import Invalid
from workflows.states import LAST_STAGE

from .situation import (
    ALLOWED,
    Answer,
    Situation,
    breach_pending,
    breached,
    conflict,
    forbid,
    visible_escalations,
)


def _membership(s: Situation, by: User | None) -> Membership | None:
    membership = membership_of(by)
    if membership is None or membership.partnership_id != s.escalation.partnership_id:
        return None
    return membership


def _open(s: Situation, expected_stage: int | None) -> Answer:
    """A closed escalation changes no more; a form for a stage that has since moved on is
    refused, not applied to the new stage."""
    e = s.escalation
    if not e.is_open:
        return conflict(
            f"{e.reference} is {e.get_status_display().lower()}: nothing more can change."
        )
    return _current(s, expected_stage)


def _current(s: Situation, expected_stage: int | None) -> Answer:
    """The escalation still stands at the stage the caller read (open or closed)."""
    e = s.escalation
    if expected_stage is not None and expected_stage > e.stage:
        return conflict(
            f"{e.reference} is at stage {e.stage}, not stage {expected_stage}; nothing was "
            "changed. Read the latest position and try again."
        )
    if expected_stage is not None and expected_stage != e.stage:
        return conflict(
            f"{e.reference} has moved on to stage {e.stage} since this form was opened at "
            f"stage {expected_stage}; nothing was changed. Read the latest position and try "
            "again."
        )
    return ALLOWED


def _not_a_member(s: Situation) -> Answer:
    return forbid(f"Only members of {s.escalation.partnership} can act on escalations.")


def _first_checks(
    s: Situation, by: User | None, expected_stage: int | None
) -> tuple[Answer, Membership | None]:
    """What every change of an open escalation asks first: still open and at the stage the
    form was for (``Conflict``), then a member of its partnership (``Forbidden``)."""
    answer = _open(s, expected_stage)
    if not answer:
        return answer, None
    membership = _membership(s, by)
    return (ALLOWED if membership is not None else _not_a_member(s)), membership


def may_acknowledge(s: Situation, by: User, *, expected_stage: int | None = None) -> Answer:
    """A receiving-side holder, once."""
    if not (answer := _first_checks(s, by, expected_stage)[0]):
        return answer
    e = s.escalation
    if by.pk not in s.side_ids(Side.RECEIVING):
        return forbid(f"Only a holder at {e.receiving_agency} can acknowledge {e.reference}.")
    if e.acknowledged_at is not None:
        return conflict(f"{e.reference} was already acknowledged by {e.acknowledged_by}.")
    return ALLOWED


def may_respond(s: Situation, by: User, *, expected_stage: int | None = None) -> Answer:
    """A receiving-side holder records the agency's decision now."""
    if not (answer := _first_checks(s, by, expected_stage)[0]):
        return answer
    e = s.escalation
    if by.pk not in s.side_ids(Side.RECEIVING):
        return forbid(f"Only a holder at {e.receiving_agency} can respond to {e.reference}.")
    return ALLOWED


def may_escalate(s: Situation, by: User | None, *, expected_stage: int | None = None) -> Answer:
    """A holder of the current stage on either side, or the raiser; the system (``by`` is
    None) only a breached stage, and only when the policy escalates on breach."""
    if not (answer := _open(s, expected_stage)):
        return answer
    e = s.escalation
    if by is None:
        if not (e.policy.escalate_on_breach and s.record is not None and breached(s.record)):
            return forbid(
                "The system escalates only a breached stage, and only when the policy says so."
            )
    elif _membership(s, by) is None:
        return _not_a_member(s)
    elif s.side_of(by) is None and by.pk != e.raised_by_id:
        return forbid(
            f"Only a holder of stage {e.stage} on either side, or the raiser, can escalate "
            f"{e.reference}. It is held by {s.holder_names()}."
        )
    if e.stage >= LAST_STAGE:
        return conflict(
            "Stage 4 is the last stage: the partnership lead records the outcome of the "
            "stage 4 meeting."
        )
    return ALLOWED


def may_resolve(s: Situation, by: User, *, expected_stage: int | None = None) -> Answer:
    """The raising side's acceptance settles it at any stage; at stage 4 the partnership
    lead records the meeting's outcome."""
    answer, membership = _first_checks(s, by, expected_stage)
    if membership is None:
        return answer
    e = s.escalation
    lead_at_stage_4 = e.stage == LAST_STAGE and membership.role == Role.PARTNERSHIP_LEAD
    if by.pk not in s.side_ids(Side.RAISING) and not lead_at_stage_4:
        return forbid(
            f"Only the raising side ({e.raising_agency}) can resolve {e.reference}; at stage 4 "
            "the partnership lead records the outcome."
        )
    return ALLOWED


def may_withdraw(s: Situation, by: User, *, expected_stage: int | None = None) -> Answer:
    """The raising side, at any open stage."""
    if not (answer := _first_checks(s, by, expected_stage)[0]):
        return answer
    e = s.escalation
    if by.pk not in s.side_ids(Side.RAISING):
        return forbid(f"Only the raising side ({e.raising_agency}) can withdraw {e.reference}.")
    return ALLOWED


def may_propose_extension(s: Situation, by: User, *, expected_stage: int | None = None) -> Answer:
    """A current holder, while no other proposal is waiting for an answer (a lapsed one is
    not waiting)."""
    if not (answer := _first_checks(s, by, expected_stage)[0]):
        return answer
    if s.side_of(by) is None:
        return forbid(f"Only a holder of stage {s.escalation.stage} can propose an extension.")
    if s.pending is not None:
        return conflict("An extension is already waiting for an answer at this stage.")
    return ALLOWED


def may_accept_extension(
    s: Situation,
    by: User,
    extension: Extension | None = None,
    *,
    expected_stage: int | None = None,
) -> Answer:
    """A holder on the other side, or the partnership team; nobody accepts their own. Only
    while it waits for an answer and its new due moment is ahead, and not once a breached
    stage is due to move on under a policy that escalates on breach. ``extension``: the one
    waiting (``s.pending``) unless given."""
    answer, membership = _first_checks(s, by, expected_stage)
    if membership is None:
        return answer
    side = s.side_of(by)
    extension = extension or s.pending or next(iter(s.lapsed), None)
    if extension is None:
        if side is None and not membership.is_partnership_team:
            return forbid(
                "Only a holder of this stage, or the partnership team, can accept an extension."
            )
        return conflict("No extension is waiting for an answer at this stage.")
    other_side = side is not None and side != extension.proposed_side
    if by.pk == extension.proposed_by_id or not (other_side or membership.is_partnership_team):
        return forbid(
            "Only a holder on the other side, or the partnership team, can accept an "
            "extension; nobody accepts their own."
        )
    record = s.record
    if (
        record is None
        or extension.status != ExtensionStatus.PROPOSED
        or extension.stage_record_id != record.pk
    ):
        return conflict("That extension is no longer waiting for an answer.")
    if extension.new_due_at <= s.now:
        return conflict(
            f"That extension's new due date, {extension.new_due_date:%A %-d %B %Y}, has "
            "passed: propose a later one."
        )
    if (
        breach_pending(record, s.now)
        and s.escalation.policy.escalate_on_breach
        and record.stage < LAST_STAGE
    ):
        return conflict(
            f"Stage {record.stage} passed its due moment at "
            f"{timezone.localtime(record.due_at):%H:%M on %A %-d %B}, and the policy "
            f"escalates a breached stage: it is moving to stage {record.stage + 1}, so it can "
            "no longer be extended."
        )
    return ALLOWED


def may_hand_over(
    s: Situation, by: User, of: User | None = None, *, expected_stage: int | None = None
) -> Answer:
    """A current holder hands their own holding over (leave, sickness); the partnership lead
    anyone's (ADR 5). ``of``: whose holding; None asks whether this person may hand over any."""
    answer, membership = _first_checks(s, by, expected_stage)
    if membership is None:
        return answer
    lead = membership.role == Role.PARTNERSHIP_LEAD
    if of is not None and of != by and not lead:
        return forbid("Only the holder, or the partnership lead, can hand a stage over.")
    holding = {h.user_id for h in s.current_holders()}
    if of is None:
        if by.pk in holding or (lead and holding):
            return ALLOWED
        return forbid(f"Only a holder of stage {s.escalation.stage} can hand it over.")
    if of.pk not in holding and of == by:
        return forbid(f"Only a holder of stage {s.escalation.stage} can hand it over.")
    if of.pk not in holding:
        return Answer(Invalid(f"{of} does not hold stage {s.escalation.stage}.", field="holder"))
    return ALLOWED


def may_add_note(s: Situation, by: User, *, expected_stage: int | None = None) -> Answer:
    """Anyone who can see the escalation, open or closed (notes are never edited)."""
    if not (answer := _current(s, expected_stage)):
        return answer
    if not visible_escalations(by).filter(pk=s.escalation.pk).exists():
        return forbid("Only people who can see this escalation can add a note to it.")
    return ALLOWED


def case_file_side(s: Situation, by: User, stage: int) -> Side | None:
    """The side this person confirms a stage's case-file record for: a holder of that stage
    on either agency's side (the raiser counts for stage 1)."""
    record = s.record_of(stage)
    if record is None:
        return None
    for holder in record.holders.all():
        if holder.user_id == by.pk and holder.side != Side.PARTNERSHIP:
            return Side(holder.side)
    if stage == 1 and by.pk == s.escalation.raised_by_id:
        return Side.RAISING
    return None


def may_record_on_case_file(
    s: Situation, by: User, stage: int, *, expected_stage: int | None = None
) -> Answer:
    """Each side confirms, once, that it recorded a concluded stage's outcome on its own case
    file; open or closed."""
    if not (answer := _current(s, expected_stage)):
        return answer
    if _membership(s, by) is None:
        return _not_a_member(s)
    record = s.record_of(stage)
    side = case_file_side(s, by, stage)
    if record is None or side is None:
        return forbid(f"Only a holder of stage {stage} can confirm this.")
    if record.concluded_at is None:
        return conflict("Confirm once the stage outcome is known.")
    if getattr(record, f"{side}_recorded_by_id") is not None:
        return conflict(
            f"Stage {stage} is already recorded on the {side} agency's case file "
            f"({getattr(record, f'{side}_record_reference')})."
        )
    return ALLOWED


# --------------------------------------------------------------------------------------------
# what the case page offers: the same predicates
# --------------------------------------------------------------------------------------------

# the stage 4 meeting ------------------------------------------------------------------------


def _lead_at_stage_4(s: Situation, by: User, expected_stage: int | None) -> Answer:
    answer, membership = _first_checks(s, by, expected_stage)
    if membership is None:
        return answer
    if membership.role != Role.PARTNERSHIP_LEAD:
        return forbid(
            "Only the partnership business manager convenes and records the stage 4 meeting."
        )
    if s.escalation.stage != LAST_STAGE:
        return conflict(f"{s.escalation.reference} is at stage {s.escalation.stage}, not 4.")
    return ALLOWED


def may_convene_meeting(s: Situation, by: User, *, expected_stage: int | None = None) -> Answer:
    """The partnership lead convenes the stage 4 meeting, once."""
    if not (answer := _lead_at_stage_4(s, by, expected_stage)):
        return answer
    if s.meeting is not None:
        return conflict(f"The stage 4 meeting of {s.escalation.reference} is convened already.")
    return ALLOWED


def may_record_meeting(s: Situation, by: User, *, expected_stage: int | None = None) -> Answer:
    """The partnership lead records who attended, once the meeting is convened."""
    if not (answer := _lead_at_stage_4(s, by, expected_stage)):
        return answer
    if s.meeting is None:
        return conflict("Convene the stage 4 meeting first.")
    if s.meeting.held_at is not None:
        return conflict("The stage 4 meeting is recorded already: record its outcome.")
    return ALLOWED


def may_record_position(
    s: Situation, by: User, agency: Agency, *, expected_stage: int | None = None
) -> Answer:
    """The partnership lead records an agency's position given to them in writing, for the
    raising or the receiving agency, until the meeting is recorded."""
    if not (answer := may_record_meeting(s, by, expected_stage=expected_stage)):
        return answer
    e = s.escalation
    if agency.pk not in (e.raising_agency_id, e.receiving_agency_id):
        return forbid("Only the raising and the receiving agency give a position.")
    return ALLOWED


def may_give_position(s: Situation, by: User, *, expected_stage: int | None = None) -> Answer:
    """A holder of stage 4 for the raising or the receiving agency gives its written position,
    until the meeting is recorded as held (and may change it until then)."""
    answer, membership = _first_checks(s, by, expected_stage)
    if membership is None:
        return answer
    if s.escalation.stage != LAST_STAGE or s.meeting is None:
        return conflict("Positions are given once the stage 4 meeting is convened.")
    if s.meeting.held_at is not None:
        return conflict("The stage 4 meeting has been held: positions are closed.")
    if s.side_of(by) not in (Side.RAISING, Side.RECEIVING):
        return forbid(
            "Only a holder of stage 4 for the raising or the receiving agency gives its position."
        )
    return ALLOWED


PAGE_ACTIONS: dict[str, Callable[[Situation, User], Answer]] = {
    "acknowledge": may_acknowledge,
    "respond": may_respond,
    "escalate": may_escalate,
    "resolve": may_resolve,
    "withdraw": may_withdraw,
    "extend": may_propose_extension,
    "accept_extension": may_accept_extension,
    "hand_over": may_hand_over,
    "note": may_add_note,
    "convene_meeting": may_convene_meeting,
    "give_position": may_give_position,
    "record_meeting": may_record_meeting,
}


def available(s: Situation, user: User) -> list[str]:
    """What this person may do now: the page's actions the predicates allow, then
    ``case_file:<stage>`` for each concluded stage whose outcome their side has still to
    confirm. Accepting is offered only for an extension still waiting (``s.pending``)."""
    if _membership(s, user) is None:
        return []
    actions = [
        name
        for name, predicate in PAGE_ACTIONS.items()
        if (name != "accept_extension" or s.pending is not None) and predicate(s, user)
    ]
    return actions + [
        f"case_file:{r.stage}"
        for r in s.records
        if r.concluded_at is not None and may_record_on_case_file(s, user, r.stage)
    ]
