"""Who may act on an escalation, and why not (DESIGN.md sections 4 and 5).

Every refusal is a ``Refused`` whose message says who may act, what is missing, or that the
escalation has moved on or closed: django-fsm's own refusal is generic, so ours gives the reason.
"""

from __future__ import annotations

from collections.abc import Iterable

from escalations.models import (
    Agency,
    Escalation,
    Membership,
    Role,
    Side,
    StageContact,
    StageHolder,
    User,
)
from escalations.models.choices import ROLE_FOR_STAGE

from .states import LAST_STAGE


class Refused(Exception):
    """A person (or the clock) may not make this change now; nothing was changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def membership_of(user: User | None) -> Membership | None:
    if user is None or not user.is_active:
        return None
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None


def require_open(escalation: Escalation, *, expected_stage: int | None = None) -> None:
    """A form for a stage that has since moved on is refused, not applied to the new stage."""
    if not escalation.is_open:
        raise Refused(
            f"{escalation.reference} is {escalation.get_status_display().lower()}: "
            "nothing more can change."
        )
    if expected_stage is not None and expected_stage != escalation.stage:
        raise Refused(
            f"{escalation.reference} has moved on to stage {escalation.stage} since this form "
            f"was opened at stage {expected_stage}; nothing was changed. Read the latest "
            "position and try again."
        )


def require_member(escalation: Escalation, user: User | None) -> Membership:
    membership = membership_of(user)
    if membership is None or membership.partnership_id != escalation.partnership_id:
        raise Refused(f"Only members of {escalation.partnership} can act on escalations.")
    return membership


def side_user_ids(escalation: Escalation, side: Side) -> set[int]:
    """The raising side is the raiser and every raising-side holder of this or an earlier
    stage; the same for the receiving side."""
    ids = set(
        StageHolder.objects.filter(stage_record__escalation=escalation, side=side).values_list(
            "user_id", flat=True
        )
    )
    if side == Side.RAISING:
        ids.add(escalation.raised_by_id)
    return ids


def current_holder_ids(escalation: Escalation, side: Side | None = None) -> set[int]:
    holders = StageHolder.objects.filter(
        stage_record__escalation=escalation,
        stage_record__stage=escalation.stage,
        until__isnull=True,
    )
    if side is not None:
        holders = holders.filter(side=side)
    return set(holders.values_list("user_id", flat=True))


def side_of(escalation: Escalation, user: User) -> Side | None:
    """Which side a current holder holds the current stage for."""
    holder = (
        StageHolder.objects.filter(
            stage_record__escalation=escalation,
            stage_record__stage=escalation.stage,
            until__isnull=True,
            user=user,
        )
        .values_list("side", flat=True)
        .first()
    )
    return Side(holder) if holder else None


def agency_holders(agency: Agency, stage: int) -> list[User]:
    """The agency's contacts for a stage; where it names none, every active member with the
    role that matches the stage."""
    contacts = [
        contact.user
        for contact in StageContact.objects.filter(
            agency=agency, stage=stage, user__is_active=True
        ).select_related("user")
    ]
    if contacts:
        return contacts
    return list(
        User.objects.filter(
            is_active=True, membership__agency=agency, membership__role=ROLE_FOR_STAGE[stage]
        )
    )


def partnership_leads(escalation: Escalation) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            membership__partnership_id=escalation.partnership_id,
            membership__role=Role.PARTNERSHIP_LEAD,
        )
    )


def partnership_team(escalation: Escalation) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            membership__partnership_id=escalation.partnership_id,
            membership__role__in=[Role.PARTNERSHIP_LEAD, Role.SCRUTINEER],
        )
    )


def holders_for_stage(escalation: Escalation, stage: int) -> list[tuple[Side, User]]:
    """Holders are fixed when a stage starts: at stage 1 the raiser and the receiving
    agency's named holder (its stage-1 contact until acknowledged); then each agency's
    contact for the stage; at stage 4 also the partnership lead."""
    if stage == 1:
        raising: Iterable[User] = [escalation.raised_by]
        named = escalation.receiving_holder
        receiving: Iterable[User] = (
            [named] if named is not None else agency_holders(escalation.receiving_agency, 1)
        )
    else:
        raising = agency_holders(escalation.raising_agency, stage)
        receiving = agency_holders(escalation.receiving_agency, stage)
    holders = [(Side.RAISING, user) for user in raising]
    holders += [(Side.RECEIVING, user) for user in receiving]
    if stage == LAST_STAGE:
        holders += [(Side.PARTNERSHIP, user) for user in partnership_leads(escalation)]
    return holders


def refuse_unless(allowed: bool, message: str) -> None:
    if not allowed:
        raise Refused(message)
