"""``status`` and ``stage`` cannot disagree (issue 9 item 4): the database itself refuses a
row whose status is stage N at another stage, or a closed escalation without a stage from 1
to 4, even from a bulk update, which bypasses the state machine."""

import pytest
from django.db import IntegrityError, transaction

from escalations import services
from escalations.models import Escalation
from tests.factories import raise_one

# (status, stage) pairs that must never be stored
INCONSISTENT = [
    ("stage_1", 2),
    ("stage_2", 3),
    ("stage_2", 1),
    ("stage_3", 4),
    ("stage_4", 3),
    ("stage_1", 0),
    ("stage_4", 5),
    ("resolved", 0),
    ("resolved", 5),
    ("withdrawn", 0),
    ("withdrawn", 5),
    ("dormant", 1),  # not a state at all
]


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "stage"), INCONSISTENT)
def test_the_database_refuses_a_status_that_disagrees_with_the_stage(world, clock, status, stage):
    escalation = raise_one(world)
    rows = Escalation.objects.filter(pk=escalation.pk)

    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(status=status, stage=stage)

    assert rows.values_list("status", "stage").get() == ("stage_1", 1)


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["stage_1", "stage_3"])
def test_changing_only_one_of_the_two_is_refused(world, clock, status):
    escalation = raise_one(world)
    services.escalation_escalate(
        escalation=escalation, by=world.police.practitioner, reason="No agreement."
    )
    rows = Escalation.objects.filter(pk=escalation.pk)

    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(status=status)
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(stage=int(status[-1]))

    assert rows.values_list("status", "stage").get() == ("stage_2", 2)


@pytest.mark.django_db
@pytest.mark.parametrize("closed", ["resolved", "withdrawn"])
def test_escalations_moved_through_the_services_satisfy_it(world, clock, closed):
    raiser = world.police.practitioner
    escalation = raise_one(world)
    assert (escalation.status, escalation.stage) == ("stage_1", 1)
    for stage in (2, 3, 4):
        escalation = services.escalation_escalate(
            escalation=escalation, by=raiser, reason="No agreement."
        )
        fresh = Escalation.objects.values_list("status", "stage").get(pk=escalation.pk)
        assert fresh == (f"stage_{stage}", stage)

    if closed == "resolved":
        services.escalation_resolve(
            escalation=escalation,
            by=raiser,
            outcome="decision_changed",
            summary="Strategy discussion held.",
            agreed_actions="Section 47 enquiry.",
        )
    else:
        services.escalation_withdraw(escalation=escalation, by=raiser, reason="New information.")

    escalation = Escalation.objects.get(pk=escalation.pk)
    assert (escalation.status, escalation.stage) == (closed, 4)
    escalation.save()  # a consistent row saves as it is


@pytest.mark.django_db
def test_a_closed_escalation_may_stand_at_any_stage_from_1_to_4(world, clock):
    escalation = raise_one(world)
    services.escalation_withdraw(
        escalation=escalation, by=world.police.practitioner, reason="New information."
    )
    rows = Escalation.objects.filter(pk=escalation.pk)
    for stage in (1, 2, 3, 4):
        rows.update(stage=stage)
        assert rows.values_list("status", "stage").get() == ("withdrawn", stage)
