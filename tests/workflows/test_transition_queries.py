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
