"""The demo partnership and its people: policy v1, the agencies with a practitioner, a
manager and a senior manager as stage contacts (and a second colleague here and there), and
the partnership team, all signing in with the one demo password."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission

from escalations.audit import create_with_reason, save_with_reason
from escalations.models import Agency, Membership, Partnership, Policy, Role, StageContact, User

from .cast import AGENCIES, NAMES, PARTNERSHIP_TEAM, AgencySpec
from .content import AGE_BANDS, NEED_LEVELS
from .dates import _at
from .world import DemoWorld

PARTNERSHIP_NAME = "Northshire Safeguarding Children Partnership"
DEMO_PASSWORD = "resolve-demo"  # noqa: S105 - the one documented demo sign-in, not a secret
# the one-time code that passes the second factor in the demo: config/settings/local.py sets
# it as allauth's MFA_TOTP_INSECURE_BYPASS_CODE, which allauth refuses unless DEBUG is on
DEMO_CODE = "000000"
REASON = "Demo data"
PREFIX: dict[str, str] = {
    Role.PRACTITIONER: "practitioner",
    Role.MANAGER: "manager",
    Role.SENIOR_MANAGER: "senior",
}


def _build_world(first_day: dt.date) -> DemoWorld:
    """The partnership, policy v1, the agencies with their people and stage contacts, and the
    partnership team (the lead may use the admin)."""
    partnership = create_with_reason(
        Partnership,
        by=None,
        reason=REASON,
        name=PARTNERSHIP_NAME,
        need_levels=list(NEED_LEVELS),
        age_bands=list(AGE_BANDS),
    )
    world = DemoWorld(partnership)
    names = iter(NAMES)
    password = make_password(DEMO_PASSWORD)  # hashed once: the demo has one shared password
    for spec in AGENCIES:
        _add_agency(world, spec, names, password)
    for username, role, title in PARTNERSHIP_TEAM:
        _add_person(world, username, role, None, title, next(names), password)
    _give_admin(world.people["lead"])
    create_with_reason(
        Policy,
        by=None,
        reason=REASON,
        partnership=partnership,
        version=1,
        effective_from=_at(first_day, dt.time(0)),
        escalate_on_breach=True,
    )
    return world


def _add_agency(world: DemoWorld, spec: AgencySpec, names: Iterator[str], password: str) -> None:
    """An agency, its practitioner, manager and senior manager as its stage 1-3 contacts,
    and any second colleague who can take a stage over."""
    agency = create_with_reason(
        Agency,
        by=None,
        reason=REASON,
        partnership=world.partnership,
        name=spec.name,
        sector=spec.sector,
        active_from=dt.date(2019, 9, 29),
    )
    world.agencies[spec.slug] = agency
    roles = (Role.PRACTITIONER, Role.MANAGER, Role.SENIOR_MANAGER)
    for stage, (role, title) in enumerate(zip(roles, spec.titles, strict=True), start=1):
        username = f"{PREFIX[role]}.{spec.slug}"
        user = _add_person(world, username, role, agency, title, next(names), password)
        create_with_reason(
            StageContact, by=None, reason=REASON, agency=agency, stage=stage, user=user
        )
    for colleague in spec.colleagues:
        title = spec.titles[roles.index(Role(colleague))]
        username = f"{PREFIX[colleague]}2.{spec.slug}"
        _add_person(world, username, colleague, agency, title, next(names), password)


def _add_person(
    world: DemoWorld,
    username: str,
    role: str,
    agency: Agency | None,
    title: str,
    name: str,
    password: str,
) -> User:
    """A person who can sign in with the demo password, and their membership."""
    first_name, last_name = name.split(" ", 1)
    user = create_with_reason(
        User,
        by=None,
        reason=REASON,
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=f"{username}@example.org",
        password=password,
    )
    create_with_reason(
        Membership,
        by=None,
        reason=REASON,
        user=user,
        partnership=world.partnership,
        agency=agency,
        role=role,
        job_title=title,
    )
    world.people[username] = world.by_id[user.pk] = user
    where = agency.name if agency else "(partnership team)"
    world.sign_ins.append((username, str(Role(role).label), where))
    return user


def _give_admin(user: User) -> None:
    """The partnership lead runs the Django admin: staff, with every permission on this app's
    models, but not a superuser."""
    user.is_staff = True
    save_with_reason(user, by=None, reason="The partnership team uses the admin")
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="escalations"))
