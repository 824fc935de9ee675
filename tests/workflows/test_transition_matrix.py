"""Every transition from every state by every kind of person (DESIGN.md sections 4 and 5).

The expectations come from the policy, not from the code: ``expected()`` below restates the
transition table (who may act), the holder rules (who holds which stage) and the visibility rule
(who may add a note) in terms of the test world, and every cell is checked against it:

* an allowed cell must have its effect (the state moved, or the record was written);
* a refused cell must raise ``Refused`` whose message gives the reason, and change nothing.

The world (``tests.factories``): the police practitioner raises against children's social care
(CSC). CSC names stage contacts (stage 1 its practitioner, stage 2 its manager); the police name
none, so their managers hold stage 2 and their senior managers stages 3 and 4. The policy holds
the partnership lead at stage 4 too. Closed escalations are closed at stage 2, so that they have
holders of an earlier stage.

Speed: the world and one escalation per state (and per pending extension) are built once per
module, by the services, inside a transaction that is rolled back at the end of the module; each
case runs in its own savepoint, so it starts from that escalation exactly as built and whatever
it changes is undone before the next case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.db import connection, transaction
from django.utils import timezone

from escalations import services
from escalations.models import (
    Escalation,
    Extension,
    ExtensionStatus,
    Note,
    Notification,
    Role,
    StageHolder,
    StageRecord,
    User,
)
from escalations.services import Refused
from tests.conftest import A_WEDNESDAY_MORNING
from tests.factories import World, make_user, make_world, raise_one
from workflows import rules
from workflows.calendar import add_working_days

OPEN_STATES = ("stage_1", "stage_2", "stage_3", "stage_4")
CLOSED_STATES = ("resolved", "withdrawn")
STATES = OPEN_STATES + CLOSED_STATES
CLOSED_AT_STAGE = 2  # closed escalations are resolved or withdrawn at stage 2

TRANSITIONS = (
    "acknowledge",
    "respond",
    "escalate",
    "resolve",
    "withdraw",
    "propose_extension",
    "accept_raising_sides_extension",
    "accept_receiving_sides_extension",
    "hand_over",
    "add_note",
)

# (person, the states in which that person is distinct from the others)
PEOPLE: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("raiser", STATES),
    ("raising_holder", STATES),
    ("receiving_holder", STATES),
    # a raising-side holder of an earlier stage (the police manager held stage 2)
    ("raising_earlier_holder", ("stage_3", "stage_4")),
    # a receiving-side holder of an earlier stage (the CSC practitioner held stage 1)
    ("receiving_earlier_holder", ("stage_2", "stage_3", "stage_4", *CLOSED_STATES)),
    # senior managers who hold nothing yet: they can see the escalation but not act on it
    ("raising_senior_manager", ("stage_1", "stage_2", *CLOSED_STATES)),
    ("receiving_senior_manager", ("stage_1", "stage_2", *CLOSED_STATES)),
    ("raising_member", STATES),  # the police colleague: an uninvolved practitioner
    ("receiving_member", STATES),  # the CSC colleague: an uninvolved practitioner
    ("outsider", STATES),  # a practitioner of a third agency
    ("lead", STATES),
    ("scrutineer", STATES),
    ("analyst", STATES),
    ("system", STATES),  # by=None, for escalate only
)


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


@dataclass(frozen=True)
class Expected:
    allowed: bool
    reasons: tuple[str, ...] = ()  # a refusal's message contains one of these (any case)


ALLOWED = Expected(True)


def refused(*reasons: str) -> Expected:
    return Expected(False, reasons)


def expected(world: World, state: str, transition: str, user: User | None) -> Expected:
    """The transition table of DESIGN.md section 4 and the visibility rule of section 5."""
    stage = stage_of(state)
    current = design_holders(world, stage)
    current_holders = current["raising"] | current["receiving"] | current["partnership"]
    earlier = [design_holders(world, s) for s in range(1, stage + 1)]
    raising_side = {world.police.practitioner}.union(*(h["raising"] for h in earlier))
    receiving_side = set().union(*(h["receiving"] for h in earlier))
    partnership_team = {world.lead, world.scrutineer}
    can_see = (
        {world.police.practitioner}.union(
            *(h["raising"] | h["receiving"] | h["partnership"] for h in earlier)
        )
        .union({world.police.manager, world.police.senior_manager})
        .union({world.csc.manager, world.csc.senior_manager})
        .union(partnership_team)
    )

    if transition == "add_note":
        # section 3: "append-only contributions from anyone who can see the escalation"; notes
        # are not a transition of the table, and nothing limits them to open escalations
        return ALLOWED if user in can_see else refused("only")
    if state in CLOSED_STATES:
        return refused(state)

    def allow_if(allowed: bool, *reasons: str) -> Expected:
        return ALLOWED if allowed else refused(*(reasons or ("only",)))

    if transition in ("acknowledge", "respond"):
        return allow_if(user in receiving_side)
    if transition == "escalate":
        if user is None:  # the system: only on breach when escalate_on_breach is on
            return refused("only")
        may = user in current_holders or user == world.police.practitioner
        if stage == 4:
            return refused("stage 4", "last stage") if may else refused("only", "stage 4")
        return allow_if(may)
    if transition == "resolve":
        return allow_if(user in raising_side or (stage == 4 and user == world.lead))
    if transition == "withdraw":
        return allow_if(user in raising_side)
    if transition == "propose_extension":
        return allow_if(user in current_holders)
    if transition.startswith("accept_"):
        proposer_side = "raising" if transition == "accept_raising_sides_extension" else "receiving"
        other_sides = current_holders - current[proposer_side]
        return allow_if(user in other_sides or user in partnership_team)
    if transition == "hand_over":
        return allow_if(user in current_holders, "only", "hold")
    raise AssertionError(transition)


# --------------------------------------------------------------------------------------------
# bringing escalations to a state, through the services
# --------------------------------------------------------------------------------------------


def current_holder(world: World, stage: int, side: str) -> User:
    return next(iter(design_holders(world, stage)[side]))


def propose(escalation: Escalation, by: User) -> Extension:
    record = escalation.stage_records.get(stage=escalation.stage)
    new_date = add_working_days(timezone.localtime(record.due_at).date(), 2)
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


@dataclass
class Scene:
    world: World
    escalation_ids: dict[tuple[str, str | None], int]

    def escalation(self, state: str, proposal_by: str | None = None) -> Escalation:
        return Escalation.objects.get(pk=self.escalation_ids[state, proposal_by])


@pytest.fixture(scope="module")
def scene(django_db_setup, django_db_blocker):
    """The world and, for every state, an escalation in it, plus one with an extension
    proposed by each side: built once, rolled back at the end of the module."""
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
    transition: str
    user: User | None

    def escalation(self) -> Escalation:
        proposal_by = {
            "accept_raising_sides_extension": "raising",
            "accept_receiving_sides_extension": "receiving",
        }.get(self.transition)
        return self.scene.escalation(self.state, proposal_by)


def act(case: Case, escalation: Escalation) -> Callable[[], Any]:
    """The service call of the cell (a closure, so that setup happens before the snapshot)."""
    user = case.user
    if case.transition == "acknowledge":
        return lambda: services.escalation_acknowledge(escalation=escalation, by=user)
    if case.transition == "respond":
        return lambda: services.escalation_respond(
            escalation=escalation, by=user, decision="changed", response="Strategy discussion."
        )
    if case.transition == "escalate":
        return lambda: services.escalation_escalate(
            escalation=escalation, by=user, reason="Still no agreement."
        )
    if case.transition == "resolve":
        return lambda: services.escalation_resolve(
            escalation=escalation,
            by=user,
            outcome="decision_changed",
            summary="Strategy discussion held.",
            agreed_actions="Section 47 enquiry started.",
        )
    if case.transition == "withdraw":
        return lambda: services.escalation_withdraw(
            escalation=escalation, by=user, reason="New information."
        )
    if case.transition == "propose_extension":
        return lambda: propose(escalation, user)
    if case.transition.startswith("accept_"):
        extension = Extension.objects.get(stage_record__escalation=escalation)
        return lambda: services.escalation_accept_extension(extension=extension, by=user)
    if case.transition == "hand_over":
        # a colleague with the same role in the same agency, who holds nothing (holders are
        # fixed when a stage starts, so one who joins now does not hold this stage)
        membership = user.membership
        colleague = make_user(
            partnership=membership.partnership, role=membership.role, agency=membership.agency
        )
        return lambda: services.escalation_hand_over(escalation=escalation, by=user, to=colleague)
    if case.transition == "add_note":
        return lambda: services.escalation_add_note(
            escalation=escalation, author=user, text="Spoke to the team manager today."
        )
    raise AssertionError(case.transition)


def assert_effect(case: Case, before: dict[str, Any], escalation_id: int, result: Any) -> None:
    escalation = Escalation.objects.get(pk=escalation_id)
    user = case.user
    record = escalation.stage_records.get(stage=escalation.stage)
    stage = before["stage"]
    if case.transition == "acknowledge":
        assert escalation.acknowledged_at == timezone.now()
        assert escalation.acknowledged_by == user
        assert escalation.receiving_holder == user
    elif case.transition == "respond":
        assert (record.decision, record.decided_by) == ("changed", user)
    elif case.transition == "escalate":
        assert (escalation.status, escalation.stage) == (f"stage_{stage + 1}", stage + 1)
        concluded = escalation.stage_records.get(stage=stage)
        assert concluded.conclusion == "escalated"
    elif case.transition == "resolve":
        assert (escalation.status, escalation.outcome) == ("resolved", "decision_changed")
        assert escalation.closed_at == timezone.now()
    elif case.transition == "withdraw":
        assert (escalation.status, escalation.outcome) == ("withdrawn", "withdrawn")
        assert escalation.closed_at == timezone.now()
    elif case.transition == "propose_extension":
        assert isinstance(result, Extension)
        assert (result.proposed_by, result.status) == (user, ExtensionStatus.PROPOSED)
        assert record.extensions.filter(status=ExtensionStatus.PROPOSED).count() == 1
    elif case.transition.startswith("accept_"):
        result.refresh_from_db()
        assert (result.status, result.decided_by) == (ExtensionStatus.ACCEPTED, user)
        assert escalation.stage_due_at == result.new_due_at == record.due_at
        assert record.original_due_at != record.due_at
    elif case.transition == "hand_over":
        assert isinstance(result, StageHolder)
        holders = rules.current_holder_ids(escalation)
        assert result.user_id in holders
        assert user.pk not in holders
    elif case.transition == "add_note":
        assert isinstance(result, Note)
        assert Note.objects.filter(escalation=escalation, author=user).count() == 1
    if case.transition not in ("escalate", "resolve", "withdraw"):
        assert (escalation.status, escalation.stage) == (before["status"], before["stage"])


def matrix() -> list[Any]:
    cases = []
    for state in STATES:
        for transition in TRANSITIONS:
            for who, states in PEOPLE:
                if state not in states or (who == "system" and transition != "escalate"):
                    continue
                cases.append(pytest.param(state, transition, who, id=f"{state}-{transition}-{who}"))
    return cases


MATRIX = matrix()


@pytest.mark.parametrize(("state", "transition", "who"), MATRIX)
def test_each_transition_from_each_state_by_each_person_is_allowed_or_refused_with_the_reason(
    scene, db, clock, state, transition, who
):
    user = person(scene.world, state, who)
    case = Case(scene, state, transition, user)
    escalation = case.escalation()
    call = act(case, escalation)
    want = expected(scene.world, state, transition, user)
    before = snapshot(escalation.pk)

    if want.allowed:
        result = call()
        assert_effect(case, before, escalation.pk, result)
        return

    with pytest.raises(Refused) as refusal:
        call()
    message = refusal.value.message
    assert any(reason.lower() in message.lower() for reason in want.reasons), (
        f"the refusal should give the reason ({' or '.join(want.reasons)}): {message!r}"
    )
    assert snapshot(escalation.pk) == before, "a refusal must change nothing"


def test_the_matrix_covers_every_state_transition_and_kind_of_person():
    ids = {param.id for param in MATRIX}
    assert len(ids) == len(MATRIX)
    assert {param.values[0] for param in MATRIX} == set(STATES)
    assert {param.values[1] for param in MATRIX} == set(TRANSITIONS)
    assert {param.values[2] for param in MATRIX} == {who for who, _ in PEOPLE}
    assert "stage_2-escalate-receiving_holder" in ids
    assert "stage_1-escalate-system" in ids


# --------------------------------------------------------------------------------------------
# the system escalates only a breached stage, and only when the policy says so
# --------------------------------------------------------------------------------------------


def breach_stage_1(escalation: Escalation) -> None:
    # the breach is the clock's business: here only its record, so that the system's own
    # escalation (not the timer's automatic one) is what is tested
    StageRecord.objects.filter(escalation=escalation, stage=1).update(breached_at=timezone.now())


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
