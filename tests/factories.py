"""Builders for a small invented partnership: two agencies with a practitioner, a manager
and a senior manager each, stage contacts, and the partnership team."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from escalations import services
from escalations.models import (
    Agency,
    Escalation,
    Membership,
    Partnership,
    Policy,
    Role,
    Sector,
    StageContact,
    User,
)

_counter = 0


def make_user(*, partnership: Partnership, role: str, agency: Agency | None = None) -> User:
    global _counter
    _counter += 1
    user = User.objects.create_user(
        username=f"{role}{_counter}",
        email=f"{role}{_counter}@example.org",
        first_name=role.replace("_", " ").title(),
        last_name=str(_counter),
        password="x",
    )
    Membership.objects.create(user=user, partnership=partnership, agency=agency, role=role)
    return user


@dataclass
class AgencyPeople:
    agency: Agency
    practitioner: User
    colleague: User  # another practitioner who is not involved
    manager: User
    senior_manager: User


@dataclass
class World:
    partnership: Partnership
    policy: Policy
    police: AgencyPeople
    csc: AgencyPeople
    lead: User
    scrutineer: User
    analyst: User
    outsider: User  # a practitioner of a third agency


def make_agency(partnership: Partnership, name: str, sector: str) -> AgencyPeople:
    agency = Agency.objects.create(partnership=partnership, name=name, sector=sector)
    people = AgencyPeople(
        agency=agency,
        practitioner=make_user(partnership=partnership, role=Role.PRACTITIONER, agency=agency),
        colleague=make_user(partnership=partnership, role=Role.PRACTITIONER, agency=agency),
        manager=make_user(partnership=partnership, role=Role.MANAGER, agency=agency),
        senior_manager=make_user(partnership=partnership, role=Role.SENIOR_MANAGER, agency=agency),
    )
    return people


def make_world(**policy: Any) -> World:
    partnership = Partnership.objects.create(name=f"Northshire {_counter}")
    policy_row = Policy.objects.create(
        partnership=partnership,
        version=1,
        effective_from=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        **policy,
    )
    police = make_agency(partnership, "Northshire Police", Sector.POLICE)
    csc = make_agency(partnership, "Northshire Children's Services", Sector.CHILDRENS_SOCIAL_CARE)
    # the front door's stage-1 contact is its practitioner; stage 2 its manager
    StageContact.objects.create(agency=csc.agency, stage=1, user=csc.practitioner)
    StageContact.objects.create(agency=csc.agency, stage=2, user=csc.manager)
    third = Agency.objects.create(
        partnership=partnership, name="Northshire Academy", sector=Sector.EDUCATION_SCHOOL
    )
    return World(
        partnership=partnership,
        policy=policy_row,
        police=police,
        csc=csc,
        lead=make_user(partnership=partnership, role=Role.PARTNERSHIP_LEAD),
        scrutineer=make_user(partnership=partnership, role=Role.SCRUTINEER),
        analyst=make_user(partnership=partnership, role=Role.ANALYST),
        outsider=make_user(partnership=partnership, role=Role.PRACTITIONER, agency=third),
    )


def raise_one(world: World, **overrides: Any) -> Escalation:
    """The police practitioner disputes the front door's threshold decision."""
    fields: dict[str, Any] = {
        "raised_by": world.police.practitioner,
        "receiving_agency": world.csc.agency,
        "category": "threshold",
        "child_reference": "POL-123456",
        "decision_disputed": "Referral closed at the front door as not meeting threshold.",
        "reasons": "Third domestic abuse incident in a month with a baby in the home.",
        "outcome_sought": "A strategy discussion.",
    }
    fields.update(overrides)
    return services.escalation_raise(**fields)
