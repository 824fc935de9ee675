"""What each kind of person may do by their role (DESIGN.md sections 2 and 5), against a table
written from the design: raise (practitioners and managers of agencies), read case content
(everyone but analysts), oversee every escalation (the partnership team), read the figures
(the team and analysts), publish, write the report's words and manage people (the business
manager only). A leaver and a
member of another partnership may do none of it."""

from __future__ import annotations

import pytest

from tests.factories import make_world
from workflows import rules
from workflows.refusals import Forbidden

# fmt: off
TABLE = """
person             raise  read_cases  oversee  read_figures  publish  write_report  manage_people
practitioner       Y      Y           F        F             F        F             F
manager            Y      Y           F        F             F        F             F
senior_manager     F      Y           F        F             F        F             F
lead               F      Y           Y        Y             Y        Y             Y
scrutineer         F      Y           Y        Y             F        F             F
analyst            F      F           F        Y             F        F             F
leaver             F      F           F        F             F        F             F
"""
# fmt: on

PREDICATES = {
    "raise": lambda user, world: rules.may_raise(user),
    "read_cases": lambda user, world: rules.may_read_cases(user),
    "oversee": lambda user, world: rules.may_oversee(user, world.partnership),
    "read_figures": lambda user, world: rules.may_read_figures(user, world.partnership),
    "publish": lambda user, world: rules.may_publish(user, world.partnership),
    "write_report": lambda user, world: rules.may_write_report_text(user, world.partnership),
    "manage_people": lambda user, world: rules.may_manage_people(user, world.partnership),
}


def cells() -> list[tuple[str, str, str]]:
    header, *rows = (line.split() for line in TABLE.strip().splitlines())
    return [
        (row[0], action, mark)
        for row in rows
        for action, mark in zip(header[1:], row[1:], strict=True)
    ]


def someone(world, who: str):
    if who == "leaver":
        leaver = world.police.colleague
        leaver.is_active = False
        leaver.save()
        return leaver
    return {
        "practitioner": world.police.practitioner,
        "manager": world.police.manager,
        "senior_manager": world.police.senior_manager,
        "lead": world.lead,
        "scrutineer": world.scrutineer,
        "analyst": world.analyst,
    }[who]


@pytest.mark.parametrize(("who", "action", "mark"), cells())
def test_each_role_may_do_what_the_design_gives_it(world, who, action, mark):
    answer = PREDICATES[action](someone(world, who), world)
    assert bool(answer) == (mark == "Y")
    if mark == "F":
        assert isinstance(answer.refusal, Forbidden)
        assert answer.reason


@pytest.mark.parametrize(
    "action", ["oversee", "read_figures", "publish", "write_report", "manage_people"]
)
def test_nobody_may_act_for_another_partnership(world, action):
    elsewhere = make_world()
    assert not PREDICATES[action](world.lead, elsewhere)
