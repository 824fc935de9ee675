"""A change of state costs the same queries however many people hold the new stage (issue 13,
item 2): holders and their history rows are written in bulk, notifications too."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from escalations import services
from escalations.models import Membership, Role, StageContact, StageHolder, User
from tests.factories import raise_one

pytestmark = pytest.mark.django_db


def escalate_with(world, managers: int) -> tuple[int, int]:
    """(queries, holders) for escalating to stage 2 where the receiving agency names
    ``managers`` stage-2 contacts."""
    agency = world.csc.agency
    StageContact.objects.filter(agency=agency, stage=2).delete()
    for number in range(managers):
        user = User.objects.create_user(
            username=f"tm{managers}-{number}", email=f"tm{managers}-{number}@example.org"
        )
        Membership.objects.create(
            user=user, partnership=world.partnership, agency=agency, role=Role.MANAGER
        )
        StageContact.objects.create(agency=agency, stage=2, user=user)
    escalation = raise_one(world, child_reference=f"POL-{managers:06d}")
    with CaptureQueriesContext(connection) as queries:
        services.escalation_escalate(
            escalation=escalation, by=world.police.practitioner, reason="No reply."
        )
    holders = StageHolder.objects.filter(
        stage_record__escalation=escalation, stage_record__stage=2, side="receiving"
    ).count()
    return len(queries), holders


def test_escalating_costs_the_same_with_one_holder_and_with_ten(world, clock):
    one, held_by_one = escalate_with(world, 1)
    ten, held_by_ten = escalate_with(world, 10)
    assert (held_by_one, held_by_ten) == (1, 10)
    assert ten == one


def test_every_holder_has_its_history_row_with_who_and_why(world, clock):
    escalate_with(world, 3)
    rows = StageHolder.history.filter(stage_record__stage=2, side="receiving")
    assert rows.count() == 3
    assert {(row.history_user, row.history_change_reason) for row in rows} == {
        (world.police.practitioner, "Holds stage 2 from its start")
    }


def test_a_whole_dispute_stays_within_its_query_budget(world, clock, django_assert_max_num_queries):
    """Each step's queries as measured by benches/transitions.py after the flow stopped
    reading what the transition holds, and the acknowledgement's deadline moved onto the
    stage task with a host's timers armed together, the stage chose its next itself, and
    notifications went to the holders in hand (issue 13): a step that creeps up fails here."""
    raise_one(world, child_reference="POL-000776")  # the content types are cached after it
    with django_assert_max_num_queries(20):
        escalation = raise_one(world, child_reference="POL-000777")
    csc, police = world.csc, world.police
    with django_assert_max_num_queries(10):
        services.escalation_acknowledge(escalation=escalation, by=csc.practitioner)
    with django_assert_max_num_queries(10):
        services.escalation_respond(
            escalation=escalation, by=csc.practitioner, decision="stands", response="Not met."
        )
    with django_assert_max_num_queries(22):
        services.escalation_escalate(
            escalation=escalation, by=police.practitioner, reason="No change at stage 1."
        )
    with django_assert_max_num_queries(19):
        services.escalation_resolve(
            escalation=escalation,
            by=police.manager,
            outcome="partly_agreed",
            summary="Managers agreed a strategy discussion.",
            agreed_actions="Team manager convenes it by Friday.",
        )


def test_the_flow_reads_no_copy_of_the_escalation_it_is_moving(world, clock):
    """The flow's callbacks use the copy the transition holds: escalating reads the
    escalation's row once (the lock) and the stage records once (the situation)."""
    escalation = raise_one(world, child_reference="POL-000778")
    with CaptureQueriesContext(connection) as queries:
        services.escalation_escalate(
            escalation=escalation, by=world.police.practitioner, reason="No reply."
        )
    selects = [q["sql"] for q in queries if q["sql"].startswith("SELECT")]
    from_escalation = [s for s in selects if 'FROM "escalations_escalation"' in s]
    from_records = [s for s in selects if 'FROM "escalations_stagerecord"' in s]
    assert len(from_escalation) == 1
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in from_escalation[0]
    assert len(from_records) == 1
