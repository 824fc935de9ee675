"""Every action from every state by every kind of person (DESIGN.md sections 4 and 5),
against an expected-results table written from the policy, not derived from the rulebook.

``TABLE`` below restates section 4's transition table (who may act), its holder rules (who holds
which stage), section 3's stage record (each side confirms a concluded stage on its own case
file: that side's holders of the stage), section 5's visibility rule (who may add a note) and
ADR 5 (the partnership lead hands over for an absent holder; nobody accepts their own
extension) for the test world, one row per action and state, one column per kind of person:

* ``Y`` allowed: the service call must have its effect (the state moved, the record written),
  and the case page must offer the action;
* ``F`` refused as not this person's to do (``Forbidden``), ``C`` refused because the
  escalation has closed or is not in a state for it (``Conflict``): the service must raise that
  kind of refusal with a reason and change nothing, and the page must not offer the action;
* ``.`` this kind of person is the same as another in this state (or the system, which only
  escalates).

The world (``tests.factories``): the police practitioner raises against children's social care
(CSC). CSC names stage contacts (stage 1 its practitioner, stage 2 its manager); the police name
none, so their managers hold stage 2 and their senior managers stages 3 and 4. The policy holds
the partnership lead at stage 4 too. Closed escalations are closed at stage 2, so that they have
holders of an earlier stage. Nobody has acknowledged or responded.

Escalation variants: ``base``; an extension proposed by the ``raising`` or the ``receiving``
side's current holder; and ``lapsed``: built a month ago, the receiving side's proposal was
never answered and its new due date has passed, so it is no longer waiting.

Speed: the world and one escalation per state and variant are built once per module, by the
services, inside a transaction that is rolled back at the end of the module; each case runs in
its own savepoint, so it starts from that escalation exactly as built and whatever it changes is
undone before the next case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.db import connection, transaction
from django.db.models import F
from django.test import Client
from django.utils import timezone

from escalations import services
from escalations.models import (
    AgencyPosition,
    Escalation,
    Extension,
    ExtensionStatus,
    Meeting,
    Note,
    Notification,
    Role,
    StageHolder,
    StageRecord,
    User,
)
from escalations.services import Conflict, Forbidden, Refused
from tests.conftest import A_WEDNESDAY_MORNING
from tests.factories import World, make_user, make_world, raise_one
from workflows.calendar import add_working_days
from workflows.holders import current_holder_ids

OPEN_STATES = ("stage_1", "stage_2", "stage_3", "stage_4")
CLOSED_STATES = ("resolved", "withdrawn")
STATES = OPEN_STATES + CLOSED_STATES
CLOSED_AT_STAGE = 2  # closed escalations are resolved or withdrawn at stage 2
A_MONTH_AGO = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)  # a Monday morning
A_WEEK_AGO = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)  # the Wednesday before

# the kinds of person, in the table's column order, with the column's heading
PEOPLE = (
    "raiser",  # ra
    "raising_holder",  # rh: the raising side's holder of the current stage
    "receiving_holder",  # ch: the receiving side's holder of the current stage
    "raising_earlier_holder",  # re: the police manager, who held stage 2
    "receiving_earlier_holder",  # ce: the CSC practitioner, who held stage 1
    "raising_senior_manager",  # rs: police and CSC senior managers who hold nothing yet:
    "receiving_senior_manager",  # cs: they can see the escalation but not act on it
    "raising_member",  # rm: the police colleague, an uninvolved practitioner
    "receiving_member",  # cm: the CSC colleague, an uninvolved practitioner
    "outsider",  # ou: a practitioner of a third agency
    "lead",  # le
    "scrutineer",  # sc
    "analyst",  # an
    "system",  # sy: by=None, for escalate only
)

# fmt: off
TABLE = """
action                           state     ra rh ch re ce rs cs rm cm ou le sc an sy
acknowledge                      stage_1    F  F  Y  F  .  F  F  F  F  F  F  F  F  .
acknowledge                      stage_2    F  F  Y  .  Y  F  F  F  F  F  F  F  F  .
acknowledge                      stage_3    F  F  Y  F  Y  .  .  F  F  F  F  F  F  .
acknowledge                      stage_4    F  F  Y  F  Y  .  .  F  F  F  F  F  F  .
acknowledge                      resolved   C  C  C  .  C  C  C  C  C  C  C  C  C  .
acknowledge                      withdrawn  C  C  C  .  C  C  C  C  C  C  C  C  C  .
respond                          stage_1    F  F  Y  F  .  F  F  F  F  F  F  F  F  .
respond                          stage_2    F  F  Y  .  Y  F  F  F  F  F  F  F  F  .
respond                          stage_3    F  F  Y  F  Y  .  .  F  F  F  F  F  F  .
respond                          stage_4    F  F  Y  F  Y  .  .  F  F  F  F  F  F  .
respond                          resolved   C  C  C  .  C  C  C  C  C  C  C  C  C  .
respond                          withdrawn  C  C  C  .  C  C  C  C  C  C  C  C  C  .
escalate                         stage_1    Y  Y  Y  F  .  F  F  F  F  F  F  F  F  F
escalate                         stage_2    Y  Y  Y  .  F  F  F  F  F  F  F  F  F  F
escalate                         stage_3    Y  Y  Y  F  F  .  .  F  F  F  F  F  F  F
escalate                         stage_4    C  C  C  F  F  .  .  F  F  F  C  F  F  F
escalate                         resolved   C  C  C  .  C  C  C  C  C  C  C  C  C  C
escalate                         withdrawn  C  C  C  .  C  C  C  C  C  C  C  C  C  C
resolve                          stage_1    Y  Y  F  F  .  F  F  F  F  F  F  F  F  .
resolve                          stage_2    Y  Y  F  .  F  F  F  F  F  F  F  F  F  .
resolve                          stage_3    Y  Y  F  Y  F  .  .  F  F  F  F  F  F  .
resolve                          stage_4    Y  Y  F  Y  F  .  .  F  F  F  Y  F  F  .
resolve                          resolved   C  C  C  .  C  C  C  C  C  C  C  C  C  .
resolve                          withdrawn  C  C  C  .  C  C  C  C  C  C  C  C  C  .
withdraw                         stage_1    Y  Y  F  F  .  F  F  F  F  F  F  F  F  .
withdraw                         stage_2    Y  Y  F  .  F  F  F  F  F  F  F  F  F  .
withdraw                         stage_3    Y  Y  F  Y  F  .  .  F  F  F  F  F  F  .
withdraw                         stage_4    Y  Y  F  Y  F  .  .  F  F  F  F  F  F  .
withdraw                         resolved   C  C  C  .  C  C  C  C  C  C  C  C  C  .
withdraw                         withdrawn  C  C  C  .  C  C  C  C  C  C  C  C  C  .
propose_extension                stage_1    Y  Y  Y  F  .  F  F  F  F  F  F  F  F  .
propose_extension                stage_2    F  Y  Y  .  F  F  F  F  F  F  F  F  F  .
propose_extension                stage_3    F  Y  Y  F  F  .  .  F  F  F  F  F  F  .
propose_extension                stage_4    F  Y  Y  F  F  .  .  F  F  F  Y  F  F  .
propose_extension                resolved   C  C  C  .  C  C  C  C  C  C  C  C  C  .
propose_extension                withdrawn  C  C  C  .  C  C  C  C  C  C  C  C  C  .
propose_while_one_waits          stage_1   C  C  C  F  .  F  F  F  F  F  F  F  F  .
propose_while_one_waits          stage_2   F  C  C  .  F  F  F  F  F  F  F  F  F  .
propose_while_one_waits          stage_3   F  C  C  F  F  .  .  F  F  F  F  F  F  .
propose_while_one_waits          stage_4   F  C  C  F  F  .  .  F  F  F  C  F  F  .
propose_while_one_waits          resolved  C  C  C  .  C  C  C  C  C  C  C  C  C  .
propose_while_one_waits          withdrawn C  C  C  .  C  C  C  C  C  C  C  C  C  .
accept_raising_sides_extension   stage_1    F  F  Y  F  .  F  F  F  F  F  Y  Y  F  .
accept_raising_sides_extension   stage_2    F  F  Y  .  F  F  F  F  F  F  Y  Y  F  .
accept_raising_sides_extension   stage_3    F  F  Y  F  F  .  .  F  F  F  Y  Y  F  .
accept_raising_sides_extension   stage_4    F  F  Y  F  F  .  .  F  F  F  Y  Y  F  .
accept_raising_sides_extension   resolved   C  C  C  .  C  C  C  C  C  C  C  C  C  .
accept_raising_sides_extension   withdrawn  C  C  C  .  C  C  C  C  C  C  C  C  C  .
accept_receiving_sides_extension stage_1    Y  Y  F  F  .  F  F  F  F  F  Y  Y  F  .
accept_receiving_sides_extension stage_2    F  Y  F  .  F  F  F  F  F  F  Y  Y  F  .
accept_receiving_sides_extension stage_3    F  Y  F  F  F  .  .  F  F  F  Y  Y  F  .
accept_receiving_sides_extension stage_4    F  Y  F  F  F  .  .  F  F  F  Y  Y  F  .
accept_receiving_sides_extension resolved   C  C  C  .  C  C  C  C  C  C  C  C  C  .
accept_receiving_sides_extension withdrawn  C  C  C  .  C  C  C  C  C  C  C  C  C  .
propose_after_a_lapsed_proposal  stage_1    Y  Y  Y  F  .  F  F  F  F  F  F  F  F  .
propose_after_a_lapsed_proposal  stage_2    F  Y  Y  .  F  F  F  F  F  F  F  F  F  .
propose_after_a_lapsed_proposal  stage_3    F  Y  Y  F  F  .  .  F  F  F  F  F  F  .
propose_after_a_lapsed_proposal  stage_4    F  Y  Y  F  F  .  .  F  F  F  Y  F  F  .
propose_after_a_lapsed_proposal  resolved   C  C  C  .  C  C  C  C  C  C  C  C  C  .
propose_after_a_lapsed_proposal  withdrawn  C  C  C  .  C  C  C  C  C  C  C  C  C  .
accept_a_lapsed_proposal         stage_1    C  C  F  F  .  F  F  F  F  F  C  C  F  .
accept_a_lapsed_proposal         stage_2    F  C  F  .  F  F  F  F  F  F  C  C  F  .
accept_a_lapsed_proposal         stage_3    F  C  F  F  F  .  .  F  F  F  C  C  F  .
accept_a_lapsed_proposal         stage_4    F  C  F  F  F  .  .  F  F  F  C  C  F  .
accept_a_lapsed_proposal         resolved   C  C  C  .  C  C  C  C  C  C  C  C  C  .
accept_a_lapsed_proposal         withdrawn  C  C  C  .  C  C  C  C  C  C  C  C  C  .
hand_over                        stage_1    Y  Y  Y  F  .  F  F  F  F  F  Y  F  F  .
hand_over                        stage_2    F  Y  Y  .  F  F  F  F  F  F  Y  F  F  .
hand_over                        stage_3    F  Y  Y  F  F  .  .  F  F  F  Y  F  F  .
hand_over                        stage_4    F  Y  Y  F  F  .  .  F  F  F  Y  F  F  .
hand_over                        resolved   C  C  C  .  C  C  C  C  C  C  C  C  C  .
hand_over                        withdrawn  C  C  C  .  C  C  C  C  C  C  C  C  C  .
add_note                         stage_1    Y  Y  Y  Y  .  Y  Y  F  F  F  Y  Y  F  .
add_note                         stage_2    Y  Y  Y  .  Y  Y  Y  F  F  F  Y  Y  F  .
add_note                         stage_3    Y  Y  Y  Y  Y  .  .  F  F  F  Y  Y  F  .
add_note                         stage_4    Y  Y  Y  Y  Y  .  .  F  F  F  Y  Y  F  .
add_note                         resolved   Y  Y  Y  .  Y  Y  Y  F  F  F  Y  Y  F  .
add_note                         withdrawn  Y  Y  Y  .  Y  Y  Y  F  F  F  Y  Y  F  .
record_stage_1_on_case_file      stage_1    C  C  C  F  .  F  F  F  F  F  F  F  F  .
record_stage_1_on_case_file      stage_2    Y  F  F  .  Y  F  F  F  F  F  F  F  F  .
record_stage_1_on_case_file      stage_3    Y  F  F  F  Y  .  .  F  F  F  F  F  F  .
record_stage_1_on_case_file      stage_4    Y  F  F  F  Y  .  .  F  F  F  F  F  F  .
record_stage_1_on_case_file      resolved   Y  F  F  .  Y  F  F  F  F  F  F  F  F  .
record_stage_1_on_case_file      withdrawn  Y  F  F  .  Y  F  F  F  F  F  F  F  F  .
convene_meeting                  stage_1    F  F  F  F  .  F  F  F  F  F  C  F  F  .
convene_meeting                  stage_2    F  F  F  .  F  F  F  F  F  F  C  F  F  .
convene_meeting                  stage_3    F  F  F  F  F  .  .  F  F  F  C  F  F  .
convene_meeting                  stage_4    F  F  F  F  F  .  .  F  F  F  Y  F  F  .
convene_meeting                  resolved   C  C  C  .  C  C  C  C  C  C  C  C  C  .
convene_meeting                  withdrawn  C  C  C  .  C  C  C  C  C  C  C  C  C  .
give_position                    stage_1    C  C  C  C  .  C  C  C  C  C  C  C  C  .
give_position                    stage_2    C  C  C  .  C  C  C  C  C  C  C  C  C  .
give_position                    stage_3    C  C  C  C  C  .  .  C  C  C  C  C  C  .
give_position                    stage_4    F  Y  Y  F  F  .  .  F  F  F  F  F  F  .
give_position                    resolved   C  C  C  .  C  C  C  C  C  C  C  C  C  .
give_position                    withdrawn  C  C  C  .  C  C  C  C  C  C  C  C  C  .
record_meeting                   stage_1    F  F  F  F  .  F  F  F  F  F  C  F  F  .
record_meeting                   stage_2    F  F  F  .  F  F  F  F  F  F  C  F  F  .
record_meeting                   stage_3    F  F  F  F  F  .  .  F  F  F  C  F  F  .
record_meeting                   stage_4    F  F  F  F  F  .  .  F  F  F  Y  F  F  .
record_meeting                   resolved   C  C  C  .  C  C  C  C  C  C  C  C  C  .
record_meeting                   withdrawn  C  C  C  .  C  C  C  C  C  C  C  C  C  .
"""
# fmt: on


def read_table(text: str) -> dict[tuple[str, str, str], str]:
    rows = [line.split() for line in text.strip().splitlines()[1:]]
    cells = {}
    for action, state, *marks in rows:
        assert len(marks) == len(PEOPLE), f"{action} {state}: {len(marks)} columns"
        for who, mark in zip(PEOPLE, marks, strict=True):
            assert mark in "YFC.", f"{action} {state} {who}: {mark!r}"
            if mark != ".":
                cells[action, state, who] = mark
    return cells


EXPECTED = read_table(TABLE)
ACTIONS = tuple(dict.fromkeys(action for action, _, _ in EXPECTED))
REFUSAL = {"F": Forbidden, "C": Conflict}

# which escalation of the state each action is tried on, and the case page's name for it
VARIANT = {
    "propose_while_one_waits": "raising",
    "accept_raising_sides_extension": "raising",
    "accept_receiving_sides_extension": "receiving",
    "propose_after_a_lapsed_proposal": "lapsed",
    "accept_a_lapsed_proposal": "lapsed",
    "give_position": "meeting",  # at stage 4 the lead has convened the meeting
    "record_meeting": "meeting",
}
PAGE_NAME = {
    "propose_extension": "extend",
    "propose_while_one_waits": "extend",
    "propose_after_a_lapsed_proposal": "extend",
    "accept_raising_sides_extension": "accept_extension",
    "accept_receiving_sides_extension": "accept_extension",
    "accept_a_lapsed_proposal": "accept_extension",
    "add_note": "note",
    "record_stage_1_on_case_file": "case_file:1",
}


def stage_of(state: str) -> int:
    return int(state[-1]) if state in OPEN_STATES else CLOSED_AT_STAGE


# --------------------------------------------------------------------------------------------
# who is who, by the policy
# --------------------------------------------------------------------------------------------


def design_holders(world: World, stage: int) -> dict[str, set[User]]:
    """The holders of a stage by DESIGN.md section 4, for an escalation nobody acknowledged
    or handed over: stage 1 the raiser and CSC's stage-1 contact; then each agency's contact
    for the stage or, where it names none, its members with the matching role; at stage 4
    also the partnership lead."""
    police, csc = world.police, world.csc
    holders = {
        1: {"raising": {police.practitioner}, "receiving": {csc.practitioner}},
        2: {"raising": {police.manager}, "receiving": {csc.manager}},
        3: {"raising": {police.senior_manager}, "receiving": {csc.senior_manager}},
        4: {"raising": {police.senior_manager}, "receiving": {csc.senior_manager}},
    }[stage]
    holders["partnership"] = {world.lead} if stage == 4 else set()
    return holders


def person(world: World, state: str, who: str) -> User | None:
    stage = stage_of(state)
    police, csc = world.police, world.csc
    return {
        "raiser": police.practitioner,
        "raising_holder": next(iter(design_holders(world, stage)["raising"])),
        "receiving_holder": next(iter(design_holders(world, stage)["receiving"])),
        "raising_earlier_holder": police.manager,
        "receiving_earlier_holder": csc.practitioner,
        "raising_senior_manager": police.senior_manager,
        "receiving_senior_manager": csc.senior_manager,
        "raising_member": police.colleague,
        "receiving_member": csc.colleague,
        "outsider": world.outsider,
        "lead": world.lead,
        "scrutineer": world.scrutineer,
        "analyst": world.analyst,
        "system": None,
    }[who]


# --------------------------------------------------------------------------------------------
# bringing escalations to a state, through the services
# --------------------------------------------------------------------------------------------


def current_holder(world: World, stage: int, side: str) -> User:
    return next(iter(design_holders(world, stage)[side]))


def propose(escalation: Escalation, by: User) -> Extension:
    """Two working days past the current due date, or past today if that is later."""
    record = escalation.stage_records.get(stage=escalation.stage)
    after = max(timezone.localtime(record.due_at).date(), timezone.localdate())
    new_date = add_working_days(after, 2)
    return services.escalation_propose_extension(
        escalation=escalation, by=by, new_due_date=new_date, reason="The strategy meeting moved."
    )


def bring_to(world: World, state: str, *, proposal_by: str | None = None) -> Escalation:
    """Raise, escalate by the raiser until the stage is reached, then (for a closed state)
    resolve or withdraw by the raiser. ``proposal_by`` ("raising" or "receiving"): that
    side's current holder proposes an extension before it closes."""
    raiser = world.police.practitioner
    escalation = raise_one(world)
    for _ in range(stage_of(state) - 1):
        services.escalation_escalate(escalation=escalation, by=raiser, reason="No agreement.")
    escalation = Escalation.objects.get(pk=escalation.pk)
    if proposal_by:
        propose(escalation, current_holder(world, escalation.stage, proposal_by))
    if state == "resolved":
        services.escalation_resolve(
            escalation=escalation,
            by=raiser,
            outcome="decision_changed",
            summary="Strategy discussion held.",
            agreed_actions="Section 47 enquiry.",
        )
    elif state == "withdrawn":
        services.escalation_withdraw(escalation=escalation, by=raiser, reason="New information.")
    escalation = Escalation.objects.get(pk=escalation.pk)
    assert escalation.status == state
    return escalation


def with_a_meeting(world: World, escalation: Escalation) -> Escalation:
    """At stage 4 the lead convenes the meeting, a week from now, positions due in five
    days; in any other state there is no meeting to convene."""
    if escalation.status == "stage_4":
        services.escalation_convene_meeting(
            escalation=escalation,
            by=world.lead,
            meets_at=timezone.now() + dt.timedelta(days=7),
            invited=[world.lead, world.police.senior_manager],
            positions_due_on=timezone.localdate() + dt.timedelta(days=5),
        )
    return escalation


@dataclass
class Scene:
    world: World
    escalation_ids: dict[tuple[str, str | None], int]

    def escalation(self, state: str, variant: str | None = None) -> Escalation:
        return Escalation.objects.get(pk=self.escalation_ids[state, variant])


@pytest.fixture(scope="module")
def scene(django_db_setup, django_db_blocker):
    """The world and, for every state, an escalation in it, one with an extension proposed
    by each side, and one whose proposal lapsed: built once, rolled back at the end of the
    module."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with time_machine.travel(A_WEDNESDAY_MORNING, tick=False):
                world = make_world()
                ids = {
                    (state, side): bring_to(world, state, proposal_by=side).pk
                    for state in STATES
                    for side in (None, "raising", "receiving")
                }
            with time_machine.travel(A_MONTH_AGO, tick=False):
                for state in STATES:
                    ids[state, "lapsed"] = bring_to(world, state, proposal_by="receiving").pk
            with time_machine.travel(A_WEEK_AGO, tick=False):
                for state in STATES:
                    ids[state, "meeting"] = with_a_meeting(world, bring_to(world, state)).pk
            # PostgreSQL: check the deferred foreign keys of all this now, once, rather than
            # again at the end of every case (Django checks them before rolling a case back)
            connection.check_constraints()
            yield Scene(world, ids)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


# --------------------------------------------------------------------------------------------
# the transitions, and what each must change when allowed
# --------------------------------------------------------------------------------------------


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# Everything a transition could change, read in one query (hundreds of cases read it twice):
# the escalation's state, and how many rows of history its records, holders and extensions have
# and how many notes and notifications it has. Table names come from the models, not from input.
SNAPSHOT_SQL = f"""
SELECT e.status, e.stage, e.stage_due_at, e.acknowledged_at, e.receiving_holder_id, e.outcome,
  (SELECT COUNT(*) FROM {_table(Escalation.history.model)} h WHERE h.id = e.id),
  (SELECT COUNT(*) FROM {_table(StageRecord.history.model)} h WHERE h.escalation_id = e.id),
  (SELECT COUNT(*) FROM {_table(StageHolder.history.model)} h WHERE h.stage_record_id IN
     (SELECT r.id FROM {_table(StageRecord)} r WHERE r.escalation_id = e.id)),
  (SELECT COUNT(*) FROM {_table(Extension.history.model)} h WHERE h.stage_record_id IN
     (SELECT r.id FROM {_table(StageRecord)} r WHERE r.escalation_id = e.id)),
  (SELECT COUNT(*) FROM {_table(Note)} n WHERE n.escalation_id = e.id),
  (SELECT COUNT(*) FROM {_table(Notification)} n WHERE n.escalation_id = e.id)
FROM {_table(Escalation)} e WHERE e.id = %s
"""  # noqa: S608
SNAPSHOT_FIELDS = (
    "status",
    "stage",
    "stage_due_at",
    "acknowledged_at",
    "receiving_holder",
    "outcome",
    "escalation_history",
    "stage_record_history",
    "holder_history",
    "extension_history",
    "notes",
    "notifications",
)


def snapshot(escalation_id: int) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute(SNAPSHOT_SQL, [escalation_id])
        return dict(zip(SNAPSHOT_FIELDS, cursor.fetchone(), strict=True))


@dataclass
class Case:
    scene: Scene
    state: str
    action: str
    user: User | None

    def escalation(self) -> Escalation:
        return self.scene.escalation(self.state, VARIANT.get(self.action))


def hand_over_people(escalation: Escalation, user: User) -> tuple[User, User]:
    """Whose holding, and to whom: a colleague with the same role in the same agency, who
    holds nothing (holders are fixed when a stage starts, so one who joins now does not hold
    this stage). The lead, who holds nothing before stage 4, hands over the receiving
    holder's stage for them (ADR 5)."""
    holder = user
    if user.membership.role == Role.PARTNERSHIP_LEAD and escalation.stage < 4:
        holder = User.objects.get(pk=min(current_holder_ids(escalation, "receiving")))
    membership = holder.membership
    colleague = make_user(
        partnership=membership.partnership, role=membership.role, agency=membership.agency
    )
    return holder, colleague


def _hand_over(escalation: Escalation, user: User) -> Callable[[], Any]:
    holder, colleague = hand_over_people(escalation, user)
    return lambda: services.escalation_hand_over(
        escalation=escalation, by=user, to=colleague, holder=holder
    )


def act(case: Case, escalation: Escalation) -> Callable[[], Any]:
    """The service call of the cell (a closure, so that setup happens before the snapshot)."""
    user = case.user
    action = case.action
    if action == "acknowledge":
        return lambda: services.escalation_acknowledge(escalation=escalation, by=user)
    if action == "respond":
        return lambda: services.escalation_respond(
            escalation=escalation, by=user, decision="changed", response="Strategy discussion."
        )
    if action == "escalate":
        return lambda: services.escalation_escalate(
            escalation=escalation, by=user, reason="Still no agreement."
        )
    if action == "resolve":
        return lambda: services.escalation_resolve(
            escalation=escalation,
            by=user,
            outcome="decision_changed",
            summary="Strategy discussion held.",
            agreed_actions="Section 47 enquiry started.",
        )
    if action == "withdraw":
        return lambda: services.escalation_withdraw(
            escalation=escalation, by=user, reason="New information."
        )
    if action.startswith("propose_"):
        return lambda: propose(escalation, user)
    if action.startswith("accept_"):
        extension = Extension.objects.get(stage_record__escalation=escalation)
        return lambda: services.escalation_accept_extension(extension=extension, by=user)
    if action == "hand_over":
        return _hand_over(escalation, user)
    if action == "add_note":
        return lambda: services.escalation_add_note(
            escalation=escalation, author=user, text="Spoke to the team manager today."
        )
    if action == "record_stage_1_on_case_file":
        return lambda: services.escalation_record_on_case_file(
            escalation=escalation, by=user, stage=1, reference="CN-4471"
        )
    return _meeting_act(case, escalation)


def _meeting_act(case: Case, escalation: Escalation) -> Callable[[], Any]:
    user, world = case.user, case.scene.world
    if case.action == "convene_meeting":
        return lambda: services.escalation_convene_meeting(
            escalation=escalation,
            by=user,
            meets_at=timezone.now() + dt.timedelta(days=5),
            invited=[world.lead, world.csc.senior_manager],
            positions_due_on=timezone.localdate() + dt.timedelta(days=3),
        )
    if case.action == "give_position":
        return lambda: services.escalation_give_position(
            escalation=escalation, by=user, position="The plan stands: a child in need plan."
        )
    if case.action == "record_meeting":
        return lambda: services.escalation_record_meeting(
            escalation=escalation,
            by=user,
            attended=[world.lead],
            held_on=timezone.localdate(),
        )
    raise AssertionError(case.action)


def assert_effect(case: Case, before: dict[str, Any], escalation_id: int, result: Any) -> None:
    escalation = Escalation.objects.get(pk=escalation_id)
    user = case.user
    record = escalation.stage_records.get(stage=escalation.stage)
    stage = before["stage"]
    action = case.action
    if action == "acknowledge":
        assert escalation.acknowledged_at == timezone.now()
        assert escalation.acknowledged_by == user
        assert escalation.receiving_holder == user
    elif action == "respond":
        assert (record.decision, record.decided_by) == ("changed", user)
    elif action == "escalate":
        assert (escalation.status, escalation.stage) == (f"stage_{stage + 1}", stage + 1)
        concluded = escalation.stage_records.get(stage=stage)
        assert concluded.conclusion == "escalated"
    elif action == "resolve":
        assert (escalation.status, escalation.outcome) == ("resolved", "decision_changed")
        assert escalation.closed_at == timezone.now()
    elif action == "withdraw":
        assert (escalation.status, escalation.outcome) == ("withdrawn", "withdrawn")
        assert escalation.closed_at == timezone.now()
    elif action.startswith("propose_"):
        assert isinstance(result, Extension)
        assert (result.proposed_by, result.status) == (user, ExtensionStatus.PROPOSED)
        assert record.extensions.filter(status=ExtensionStatus.PROPOSED).count() == 1
    elif action.startswith("accept_"):
        result.refresh_from_db()
        assert (result.status, result.decided_by) == (ExtensionStatus.ACCEPTED, user)
        assert escalation.stage_due_at == result.new_due_at == record.due_at
        assert record.original_due_at != record.due_at
    elif action == "hand_over":
        assert isinstance(result, StageHolder)
        holders = current_holder_ids(escalation)
        assert result.user_id in holders
        assert user.pk not in holders
    elif action == "add_note":
        assert isinstance(result, Note)
        assert Note.objects.filter(escalation=escalation, author=user).count() == 1
    elif action == "record_stage_1_on_case_file":
        first = escalation.stage_records.get(stage=1)
        side = "raising" if user == escalation.raised_by else "receiving"
        assert getattr(first, f"{side}_recorded_by") == user
        assert getattr(first, f"{side}_record_reference") == "CN-4471"
    elif action == "convene_meeting":
        meeting = Meeting.objects.get(stage_record=record)
        assert (meeting.convened_by, meeting.invitees.count()) == (user, 2)
        assert meeting.positions.count() == 2  # asked of both agencies
    elif action == "give_position":
        given = AgencyPosition.objects.get(meeting__stage_record=record, given_by=user)
        assert given.agency == user.membership.agency
    elif action == "record_meeting":
        meeting = Meeting.objects.get(stage_record=record)
        assert (meeting.held_recorded_by, meeting.held_at is not None) == (user, True)
        assert [i.attended for i in meeting.invitees.order_by("pk")] == [True, False]
    if action not in ("escalate", "resolve", "withdraw"):
        assert (escalation.status, escalation.stage) == (before["status"], before["stage"])


def matrix() -> list[Any]:
    return [
        pytest.param(state, action, who, id=f"{state}-{action}-{who}")
        for (action, state, who) in EXPECTED
    ]


MATRIX = matrix()


@pytest.mark.parametrize(("state", "action", "who"), MATRIX)
def test_each_action_from_each_state_by_each_person_is_allowed_or_refused_as_the_table_says(
    scene, db, clock, state, action, who
):
    user = person(scene.world, state, who)
    case = Case(scene, state, action, user)
    escalation = case.escalation()
    call = act(case, escalation)
    want = EXPECTED[action, state, who]
    before = snapshot(escalation.pk)

    if want == "Y":
        result = call()
        assert_effect(case, before, escalation.pk, result)
        return

    with pytest.raises(Refused) as refusal:
        call()
    assert type(refusal.value) is REFUSAL[want], refusal.value.message
    assert refusal.value.message.strip(), "a refusal gives its reason"
    assert snapshot(escalation.pk) == before, "a refusal must change nothing"


def pages() -> list[Any]:
    """One case page per state, escalation variant and person (not the system)."""
    seen = {
        (state, VARIANT.get(action), who) for (action, state, who) in EXPECTED if who != "system"
    }
    return [
        pytest.param(state, variant, who, id=f"{state}-{variant or 'base'}-{who}")
        for state, variant, who in sorted(seen, key=str)
    ]


@pytest.mark.parametrize(("state", "variant", "who"), pages())
def test_the_case_page_offers_exactly_the_actions_the_table_allows(
    scene, db, clock, state, variant, who
):
    user = person(scene.world, state, who)
    escalation = scene.escalation(state, variant)
    client = Client()
    client.force_login(user)
    response = client.get(escalation.get_absolute_url())
    offered = set(response.context["actions"]) if response.status_code == 200 else set()

    for (action, table_state, table_who), want in EXPECTED.items():
        if (table_state, table_who, VARIANT.get(action)) != (state, who, variant):
            continue
        name = PAGE_NAME.get(action, action)
        assert (name in offered) == (want == "Y"), f"{action}: the table says {want}"
    if variant is None:  # nothing waits for an answer on the base escalation
        assert "accept_extension" not in offered


def test_the_table_covers_every_state_action_and_kind_of_person():
    ids = {param.id for param in MATRIX}
    assert len(ids) == len(MATRIX)
    assert {param.values[0] for param in MATRIX} == set(STATES)
    assert {param.values[2] for param in MATRIX} == set(PEOPLE)
    assert set(ACTIONS) == {
        "acknowledge", "respond", "escalate", "resolve", "withdraw", "propose_extension",
        "propose_while_one_waits",
        "accept_raising_sides_extension", "accept_receiving_sides_extension",
        "propose_after_a_lapsed_proposal", "accept_a_lapsed_proposal", "hand_over", "add_note",
        "record_stage_1_on_case_file", "convene_meeting", "give_position", "record_meeting",
    }  # fmt: skip
    for action in ACTIONS:  # every kind of person is in every state of every action
        for state in STATES:
            assert {who for (a, s, who) in EXPECTED if (a, s) == (action, state)} >= {
                "raiser", "receiving_holder", "outsider", "lead", "scrutineer", "analyst",
            }  # fmt: skip


# --------------------------------------------------------------------------------------------
# the system escalates only a breached stage, and only when the policy says so
# --------------------------------------------------------------------------------------------


def breach_stage_1(escalation: Escalation) -> None:
    # the breach is the clock's business: here only its record, so that the system's own
    # escalation (not the timer's automatic one) is what is tested
    StageRecord.objects.filter(escalation=escalation, stage=1).update(
        breached_at=F("due_at"), last_breached_at=F("due_at")
    )


def test_the_system_escalates_a_breached_stage_when_the_policy_escalates_on_breach(db, clock):
    world = make_world(escalate_on_breach=True)
    escalation = raise_one(world)
    breach_stage_1(escalation)

    services.escalation_escalate(escalation=escalation, by=None, reason="Stage 1 breached.")

    escalation = Escalation.objects.get(pk=escalation.pk)
    assert (escalation.status, escalation.stage) == ("stage_2", 2)
    assert escalation.history.first().history_user is None


@pytest.mark.parametrize(
    ("escalate_on_breach", "breached"),
    [(False, True), (True, False), (False, False)],
    ids=["breached-but-the-policy-leaves-it-to-people", "policy-on-but-not-breached", "neither"],
)
def test_the_system_may_not_escalate_otherwise(db, clock, escalate_on_breach, breached):
    world = make_world(escalate_on_breach=escalate_on_breach)
    escalation = raise_one(world)
    if breached:
        breach_stage_1(escalation)
    before = snapshot(escalation.pk)

    with pytest.raises(Refused, match="only"):
        services.escalation_escalate(escalation=escalation, by=None, reason="Breached.")
    assert snapshot(escalation.pk) == before


def test_the_system_does_not_escalate_a_breached_stage_once_an_extension_moved_its_due_moment(
    db, clock
):
    """The breach stays on the record (the report counts it), but the stage is within its new
    due moment: nothing is breached now, so the system may not move it on."""
    world = make_world(escalate_on_breach=True)
    escalation = raise_one(world)
    breach_stage_1(escalation)
    extension = propose(escalation, world.csc.practitioner)
    services.escalation_accept_extension(extension=extension, by=world.police.practitioner)
    before = snapshot(escalation.pk)

    with pytest.raises(Forbidden, match="only a breached stage"):
        services.escalation_escalate(escalation=escalation, by=None, reason="Breached.")
    assert snapshot(escalation.pk) == before


# --------------------------------------------------------------------------------------------
# a stale form is refused, not applied to the new stage
# --------------------------------------------------------------------------------------------


def stale_form(scene: Scene, transition: str, expected_stage: int) -> Callable[[], Any]:
    world = scene.world
    proposal_by = "receiving" if transition == "accept_extension" else None
    escalation = scene.escalation("stage_2", proposal_by)
    if transition == "respond":
        return lambda: services.escalation_respond(
            escalation=escalation,
            by=world.csc.manager,
            decision="stands",
            response="Threshold not met.",
            expected_stage=expected_stage,
        )
    if transition == "escalate":
        return lambda: services.escalation_escalate(
            escalation=escalation,
            by=world.police.manager,
            reason="No agreement.",
            expected_stage=expected_stage,
        )
    if transition == "resolve":
        return lambda: services.escalation_resolve(
            escalation=escalation,
            by=world.police.practitioner,
            outcome="stands_accepted",
            summary="Explained.",
            agreed_actions="None.",
            expected_stage=expected_stage,
        )
    if transition == "withdraw":
        return lambda: services.escalation_withdraw(
            escalation=escalation,
            by=world.police.practitioner,
            reason="Resolved informally.",
            expected_stage=expected_stage,
        )
    if transition == "propose_extension":
        new_date = add_working_days(timezone.localtime(escalation.stage_due_at).date(), 2)
        return lambda: services.escalation_propose_extension(
            escalation=escalation,
            by=world.police.manager,
            new_due_date=new_date,
            reason="Meeting moved.",
            expected_stage=expected_stage,
        )
    if transition == "accept_extension":
        extension = Extension.objects.get(stage_record__escalation=escalation)
        return lambda: services.escalation_accept_extension(
            extension=extension, by=world.police.manager, expected_stage=expected_stage
        )
    if transition == "hand_over":
        colleague = make_user(
            partnership=world.partnership, role=Role.MANAGER, agency=world.csc.agency
        )
        return lambda: services.escalation_hand_over(
            escalation=escalation, by=world.csc.manager, to=colleague, expected_stage=expected_stage
        )
    raise AssertionError(transition)


STALE_FORM_TRANSITIONS = [
    "respond",
    "escalate",
    "resolve",
    "withdraw",
    "propose_extension",
    "accept_extension",
    "hand_over",
]


@pytest.mark.parametrize("transition", STALE_FORM_TRANSITIONS)
def test_a_form_for_a_stage_that_has_moved_on_is_refused_and_changes_nothing(
    scene, db, clock, transition
):
    call = stale_form(scene, transition, expected_stage=1)
    escalation_id = scene.escalation(
        "stage_2", "receiving" if transition == "accept_extension" else None
    ).pk
    before = snapshot(escalation_id)

    with pytest.raises(Refused, match="moved on") as refusal:
        call()
    assert "stage 2" in refusal.value.message
    assert snapshot(escalation_id) == before


@pytest.mark.parametrize("transition", STALE_FORM_TRANSITIONS)
def test_a_form_for_the_current_stage_goes_through(scene, db, clock, transition):
    stale_form(scene, transition, expected_stage=2)()


# --------------------------------------------------------------------------------------------
# bad input is refused with what is wrong
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["stage_1", "stage_2", "stage_3"])
def test_dissent_cannot_be_recorded_before_stage_4(scene, db, clock, state):
    escalation = scene.escalation(state)
    before = snapshot(escalation.pk)
    with pytest.raises(Refused, match="Dissent is recorded only at stage 4"):
        services.escalation_resolve(
            escalation=escalation,
            by=scene.world.police.practitioner,
            outcome="not_agreed",
            summary="No agreement.",
            agreed_actions="None.",
        )
    assert snapshot(escalation.pk) == before


@pytest.mark.parametrize("who", ["raiser", "lead"])
def test_dissent_is_recorded_at_stage_4(scene, db, clock, who):
    escalation = scene.escalation("stage_4")
    services.escalation_resolve(
        escalation=escalation,
        by=person(scene.world, "stage_4", who),
        outcome="not_agreed",
        summary="The decision stands; the police dissent is recorded.",
        agreed_actions="Review in three months.",
    )
    escalation = Escalation.objects.get(pk=escalation.pk)
    assert (escalation.status, escalation.outcome) == ("resolved", "not_agreed")


@pytest.mark.parametrize("outcome", ["", "withdrawn", "nonsense"], ids=["none", "withdrawn", "bad"])
def test_resolving_needs_a_settling_outcome(scene, db, clock, outcome):
    escalation = scene.escalation("stage_1")
    before = snapshot(escalation.pk)
    with pytest.raises(Refused, match="outcome"):
        services.escalation_resolve(
            escalation=escalation,
            by=scene.world.police.practitioner,
            outcome=outcome,
            summary="Agreed.",
            agreed_actions="None.",
        )
    assert snapshot(escalation.pk) == before


@pytest.mark.parametrize(
    ("summary", "agreed_actions", "missing"),
    [("", "None.", "summary"), ("Agreed.", "  ", "agreed actions")],
    ids=["no-summary", "no-agreed-actions"],
)
def test_resolving_needs_a_summary_and_agreed_actions(
    scene, db, clock, summary, agreed_actions, missing
):
    escalation = scene.escalation("stage_1")
    before = snapshot(escalation.pk)
    with pytest.raises(Refused, match=missing):
        services.escalation_resolve(
            escalation=escalation,
            by=scene.world.police.practitioner,
            outcome="decision_changed",
            summary=summary,
            agreed_actions=agreed_actions,
        )
    assert snapshot(escalation.pk) == before


@pytest.mark.parametrize("reason", ["", "   "], ids=["empty", "blank"])
def test_escalating_needs_a_reason(scene, db, clock, reason):
    escalation = scene.escalation("stage_1")
    before = snapshot(escalation.pk)
    with pytest.raises(Refused, match="why you are escalating"):
        services.escalation_escalate(
            escalation=escalation, by=scene.world.police.practitioner, reason=reason
        )
    assert snapshot(escalation.pk) == before


@pytest.mark.parametrize("reason", ["", "   "], ids=["empty", "blank"])
def test_withdrawing_needs_a_reason(scene, db, clock, reason):
    escalation = scene.escalation("stage_1")
    before = snapshot(escalation.pk)
    with pytest.raises(Refused, match="why you are withdrawing"):
        services.escalation_withdraw(
            escalation=escalation, by=scene.world.police.practitioner, reason=reason
        )
    assert snapshot(escalation.pk) == before


def test_an_extension_must_move_the_due_date_to_a_later_working_day(scene, db, clock):
    escalation = scene.escalation("stage_1")  # due Monday 7 December 2026
    before = snapshot(escalation.pk)
    for new_date in (dt.date(2026, 12, 7), dt.date(2026, 12, 12)):  # the same day; a Saturday
        with pytest.raises(Refused, match="working day after Monday 7 December 2026"):
            services.escalation_propose_extension(
                escalation=escalation,
                by=scene.world.police.practitioner,
                new_due_date=new_date,
                reason="Meeting moved.",
            )
    assert snapshot(escalation.pk) == before


def test_a_stage_is_handed_only_to_a_colleague_with_the_same_role_in_the_same_agency(
    scene, db, clock
):
    world = scene.world
    escalation = scene.escalation("stage_2")  # CSC's manager holds it
    other_agency_manager = world.police.manager
    same_agency_other_role = world.csc.senior_manager
    before = snapshot(escalation.pk)
    for to in (other_agency_manager, same_agency_other_role):
        with pytest.raises(Refused, match="same role in the same agency"):
            services.escalation_hand_over(escalation=escalation, by=world.csc.manager, to=to)
    assert snapshot(escalation.pk) == before


# raising ------------------------------------------------------------------------------------


def raise_refused(world: World, match: str, **overrides: Any) -> None:
    count = Escalation.objects.count()
    with pytest.raises(Refused, match=match):
        raise_one(world, **overrides)
    assert Escalation.objects.count() == count


def test_an_escalation_cannot_be_raised_against_an_agency_of_another_partnership(world, clock):
    elsewhere = make_world()
    raise_refused(world, "agency of this partnership", receiving_agency=elsewhere.csc.agency)


def test_an_escalation_cannot_be_raised_for_an_agency_of_another_partnership(world, clock):
    elsewhere = make_world()
    raise_refused(world, "for Northshire Police only", raising_agency=elsewhere.police.agency)


def test_an_escalation_cannot_be_raised_against_ones_own_agency(world, clock):
    raise_refused(world, "inside one agency", receiving_agency=world.police.agency)


@pytest.mark.parametrize("role", ["analyst", "lead", "scrutineer"])
def test_partnership_staff_cannot_raise_an_escalation(world, clock, role):
    raise_refused(world, "Only a practitioner or manager", raised_by=getattr(world, role))


@pytest.mark.parametrize("who", ["practitioner", "manager"])
def test_a_practitioner_or_manager_can_raise_an_escalation(world, clock, who):
    escalation = raise_one(world, raised_by=getattr(world.police, who))
    assert (escalation.status, escalation.stage) == ("stage_1", 1)


@pytest.mark.parametrize("start_stage", [2, 3])
def test_an_urgent_escalation_may_start_at_stage_2_or_3(world, clock, start_stage):
    escalation = raise_one(world, urgent=True, start_stage=start_stage)
    assert (escalation.status, escalation.stage) == (f"stage_{start_stage}", start_stage)
    assert list(escalation.stage_records.values_list("stage", flat=True)) == [start_stage]


@pytest.mark.parametrize("start_stage", [2, 3])
def test_a_standard_escalation_may_not_start_after_stage_1(world, clock, start_stage):
    raise_refused(world, "Only an urgent escalation", start_stage=start_stage)


@pytest.mark.parametrize("start_stage", [0, 4, 5])
def test_no_escalation_starts_at_stage_4_or_outside_the_stages(world, clock, start_stage):
    raise_refused(world, "starts at stage 1, 2 or 3", urgent=True, start_stage=start_stage)


def test_a_child_at_immediate_risk_needs_the_time_the_raiser_acted(world, clock):
    raise_refused(world, "enter when you acted", immediate_risk=True)


def test_a_child_at_immediate_risk_needs_a_time_of_action_that_has_happened(world, clock):
    in_an_hour = timezone.now() + dt.timedelta(hours=1)
    raise_refused(
        world, "enter when you acted", immediate_risk=True, immediate_action_at=in_an_hour
    )


def test_a_child_at_immediate_risk_makes_the_escalation_urgent(world, clock):
    acted = timezone.now() - dt.timedelta(minutes=20)
    escalation = raise_one(world, immediate_risk=True, immediate_action_at=acted)
    assert (escalation.urgent, escalation.immediate_action_at) == (True, acted)


# --------------------------------------------------------------------------------------------
# where the code disagrees with the policy: strict xfails, so that a fix shows up as XPASS
# --------------------------------------------------------------------------------------------


def test_the_partnership_lead_can_hand_over_the_stage_of_an_absent_holder(scene, db, clock):
    """ADR 5: a holder who is off sick or leaving cannot hand over themselves, so the
    partnership lead can do it for them; the record shows who did."""
    world = scene.world
    escalation = scene.escalation("stage_2")
    colleague = make_user(partnership=world.partnership, role=Role.MANAGER, agency=world.csc.agency)
    row = services.escalation_hand_over(
        escalation=escalation, by=world.lead, holder=world.csc.manager, to=colleague
    )
    assert row.user == colleague
    assert row.history.get().history_user == world.lead


def test_nobody_accepts_an_extension_they_proposed(scene, db, clock):
    world = scene.world
    escalation = scene.escalation("stage_4")
    extension = propose(escalation, world.lead)
    before = snapshot(escalation.pk)

    with pytest.raises(Refused):
        services.escalation_accept_extension(extension=extension, by=world.lead)
    assert snapshot(escalation.pk) == before


def test_an_acknowledgement_form_for_a_stage_that_has_moved_on_is_refused(scene, db, clock):
    escalation = scene.escalation("stage_2")
    with pytest.raises(Refused, match="moved on"):
        services.escalation_acknowledge(
            escalation=escalation, by=scene.world.csc.manager, expected_stage=1
        )


def test_a_time_of_action_long_before_the_raise_is_refused(world, clock):
    raise_refused(
        world,
        "within the last 7 days",
        immediate_risk=True,
        immediate_action_at=timezone.now() - dt.timedelta(days=8),
    )
