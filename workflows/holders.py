"""Who holds what (DESIGN.md section 4, "Holders"): the people a stage starts with, an
agency's contacts for a stage, the partnership team, and each side of an escalation. These
are reads; who may *do* what with them is ``workflows.rules``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F, Q, QuerySet, Value

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
from escalations.models.choices import ROLE_FOR_STAGE, TEAM_ROLES

from .locks import held
from .states import LAST_STAGE


def membership_of(user: User | None) -> Membership | None:
    """An active person's membership; None for the system, a leaver or a stranger."""
    if user is None or not user.is_active:
        return None
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None


def agency_members(agency: Agency | int) -> QuerySet[User]:
    """The agency's active members: who can be its named holder or one of its contacts."""
    agency_id = agency if isinstance(agency, int) else agency.pk
    return User.objects.filter(is_active=True, membership__agency_id=agency_id).order_by(
        "first_name", "last_name", "username"
    )


def may_be_named(escalation: Escalation) -> QuerySet[User]:
    """Whom the receiving agency may name as the holder at the current stage: its contacts
    for the stage, its active members with the stage's role, and whoever holds or held a
    stage of this escalation for it (so a holder can name themselves)."""
    agency_id, stage = escalation.receiving_agency_id, escalation.stage
    contacts = StageContact.objects.filter(agency_id=agency_id, stage=stage).values("user_id")
    held = StageHolder.objects.filter(
        stage_record__escalation=escalation, side=Side.RECEIVING
    ).values("user_id")
    return (
        agency_members(agency_id)
        .filter(Q(membership__role=ROLE_FOR_STAGE[stage]) | Q(pk__in=contacts) | Q(pk__in=held))
        .select_related("membership")
        .distinct()
    )


def may_name(escalation: Escalation, user: User) -> bool:
    """Whether ``user`` is among ``may_be_named(escalation)``. Under the escalation's lock,
    an active member of the receiving agency who holds or held a stage of it for that agency
    is, by the holder rows in hand and their membership as the rules read it, without a
    query; anyone else is asked of the database."""
    hand = held(escalation.pk)
    if hand is not None and user.is_active and User.membership.is_cached(user):  # type: ignore[attr-defined]
        holds_for_it = any(
            row.user_id == user.pk and row.side == Side.RECEIVING
            for rows in hand.holders.values()
            for row in rows
        )
        if holds_for_it and user.membership.agency_id == escalation.receiving_agency_id:
            return True
    return may_be_named(escalation).filter(pk=user.pk).exists()


def colleagues_of(holder: User) -> QuerySet[User]:
    """Who can take a stage from ``holder`` (leave, sickness, leaving): active people with
    the same role in the same agency of the same partnership. A leaver keeps the membership
    that says who their colleagues were."""
    membership = Membership.objects.get(user=holder)
    where = (
        Q(membership__agency_id=membership.agency_id)
        if membership.agency_id is not None
        else Q(membership__agency__isnull=True)
    )
    return (
        User.objects.filter(
            where,
            is_active=True,
            membership__partnership_id=membership.partnership_id,
            membership__role=membership.role,
        )
        .exclude(pk=holder.pk)
        .order_by("first_name", "last_name", "username")
    )


def current_holder_ids(escalation: Escalation, side: Side | None = None) -> set[int]:
    return set(current_holder_rows(escalation, side).values_list("user_id", flat=True))


def current_holder_rows(escalation: Escalation, side: Side | None = None) -> QuerySet[StageHolder]:
    holders = StageHolder.objects.filter(
        stage_record__escalation=escalation,
        stage_record__stage=escalation.stage,
        until__isnull=True,
    )
    if side is not None:
        holders = holders.filter(side=side)
    return holders


def agency_holders(agency_id: int, stage: int) -> list[User]:
    """The agency's contacts for a stage; where it names none, every active member with the
    role that matches the stage."""
    return agencies_holders([agency_id], stage)[agency_id]


def agencies_holders(agency_ids: list[int], stage: int) -> dict[int, list[User]]:
    """``agency_holders`` for several agencies, in one query: each one's active contacts
    and its active members with the stage's role, of which the contacts win."""
    contacts = User.objects.filter(
        is_active=True, stage_contacts__agency_id__in=agency_ids, stage_contacts__stage=stage
    ).annotate(for_agency=F("stage_contacts__agency_id"), contact=Value(True))
    in_role = User.objects.filter(
        is_active=True, membership__agency_id__in=agency_ids, membership__role=ROLE_FOR_STAGE[stage]
    ).annotate(for_agency=F("membership__agency_id"), contact=Value(False))
    found: dict[tuple[int, bool], list[User]] = {}
    for user in contacts.union(in_role, all=True):
        found.setdefault((user.for_agency, user.contact), []).append(user)
    return {
        agency_id: found.get((agency_id, True)) or found.get((agency_id, False), [])
        for agency_id in agency_ids
    }


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
            membership__role__in=TEAM_ROLES,
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
            [named] if named is not None else agency_holders(escalation.receiving_agency_id, 1)
        )
    else:
        both = agencies_holders(
            [escalation.raising_agency_id, escalation.receiving_agency_id], stage
        )
        raising = both[escalation.raising_agency_id]
        receiving = both[escalation.receiving_agency_id]
    holders = [(Side.RAISING, user) for user in raising]
    holders += [(Side.RECEIVING, user) for user in receiving]
    if stage == LAST_STAGE:
        holders += [(Side.PARTNERSHIP, user) for user in partnership_leads(escalation)]
    return holders
