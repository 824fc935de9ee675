"""Who may do what now on an escalation: the actions the page offers this person."""

from __future__ import annotations

from escalations.models import Escalation, Extension, Membership, Role, Side, StageRecord, User
from workflows.rules import membership_of, side_of, side_user_ids
from workflows.states import LAST_STAGE

from .queries import pending_extension, stage_records


class Unknown:
    """Not looked up yet (None is an answer: there is no pending extension)."""


UNKNOWN = Unknown()


def case_file_side(record: StageRecord, escalation: Escalation, user: User) -> Side | None:
    """The side this person confirms a stage's case-file record for (as the service decides
    it); ``record`` comes with its holders prefetched."""
    for holder in record.holders.all():
        if holder.user_id == user.pk and holder.side != Side.PARTNERSHIP:
            return Side(holder.side)
    if record.stage == 1 and user.pk == escalation.raised_by_id:
        return Side.RAISING
    return None


def available_actions(
    escalation: Escalation,
    user: User,
    *,
    records: list[StageRecord] | None = None,
    pending: Extension | None | Unknown = UNKNOWN,
) -> list[str]:
    """The actions this person may take now, mirroring the checks of the transition code
    (``workflows.transitions`` and ``workflows.holding``), which stays the authority: a
    refused action still says why. ``case_file:<stage>`` entries are the concluded stages
    whose outcome this person's side has still to confirm on its case file."""
    membership = membership_of(user)
    if membership is None or membership.partnership_id != escalation.partnership_id:
        return []
    actions: list[str] = []
    if escalation.is_open:
        actions += _open_actions(escalation, user, membership, pending)
    actions.append("note")
    if records is None:
        records = list(stage_records(escalation))
    return actions + _case_file_actions(escalation, user, records)


def _open_actions(
    escalation: Escalation,
    user: User,
    membership: Membership,
    pending: Extension | None | Unknown,
) -> list[str]:
    """The stage actions of an open escalation, in the order the page lists them."""
    actions: list[str] = []
    receiving = side_user_ids(escalation, Side.RECEIVING)
    raising = side_user_ids(escalation, Side.RAISING)
    side = side_of(escalation, user)
    if user.pk in receiving:
        if escalation.acknowledged_at is None:
            actions.append("acknowledge")
        actions.append("respond")
    # side_of: a current holder of this stage on either side (current_holder_ids)
    if escalation.stage < LAST_STAGE and (side is not None or user.pk == escalation.raised_by_id):
        actions.append("escalate")
    lead = membership.role == Role.PARTNERSHIP_LEAD
    if user.pk in raising or (escalation.stage == LAST_STAGE and lead):
        actions.append("resolve")
    if user.pk in raising:
        actions.append("withdraw")
    if isinstance(pending, Unknown):
        pending = pending_extension(escalation)
    if side is not None and pending is None:
        actions.append("extend")
    if (
        pending is not None
        and user.pk != pending.proposed_by_id
        and ((side is not None and side != pending.proposed_side) or membership.is_partnership_team)
    ):
        actions.append("accept_extension")
    if side is not None or lead:
        actions.append("hand_over")
    return actions


def _case_file_actions(escalation: Escalation, user: User, records: list[StageRecord]) -> list[str]:
    """``case_file:<stage>`` for each concluded stage this person's side has to confirm."""
    actions = []
    for record in records:
        if record.concluded_at is None:
            continue
        confirming = case_file_side(record, escalation, user)
        if confirming is not None and getattr(record, f"{confirming}_recorded_by_id") is None:
            actions.append(f"case_file:{record.stage}")
    return actions
