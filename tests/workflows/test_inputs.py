"""What is typed is the domain's rule, whichever door it comes through (issue 9): the services
refuse, with the field named, what the forms refuse, and never cut what is too long."""

from __future__ import annotations

import datetime as dt

import pytest

from escalations import services
from escalations.models import Escalation, StageRecord
from escalations.services import Conflict, Invalid
from tests.factories import raise_one
from workflows.calendar import add_working_days


def refused(exc: type, field: str | None, call) -> Invalid:
    with pytest.raises(exc) as refusal:
        call()
    if field is not None:
        assert refusal.value.field == field
    return refusal.value


@pytest.mark.parametrize("name", ["Jayden Smith", "baby Smith", "J. S."])
def test_a_childs_name_is_refused_as_a_case_number_by_the_service(world, clock, name):
    refusal = refused(Invalid, "child_reference", lambda: raise_one(world, child_reference=name))
    assert "not a name" in refusal.message
    assert not Escalation.objects.exists()


def test_a_name_given_as_the_other_agencys_case_number_is_refused_too(world, clock):
    refused(
        Invalid,
        "receiving_case_number",
        lambda: raise_one(world, receiving_case_number="Smith family"),
    )
    assert not Escalation.objects.exists()


def test_a_case_number_with_digits_is_accepted(world, clock):
    escalation = raise_one(world, child_reference="  MASH/2026/0042 ")
    assert escalation.children.get().raising_case_number == "MASH/2026/0042"


def test_two_children_with_the_same_case_number_are_refused(world, clock):
    more = [services.ChildDetails("pol-123456")]
    refused(Invalid, "more_children", lambda: raise_one(world, more_children=more))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("level_of_need", "x" * 101),
        ("level_of_need", "Jayden Smith, level 3"),  # not on the partnership's list
        ("age_band", "1" * 51),
        ("reasons", "x" * 5001),
    ],
)
def test_over_long_or_off_list_input_is_refused_not_cut(world, clock, field, value):
    refused(Invalid, field, lambda: raise_one(world, **{field: value}))
    assert not Escalation.objects.exists()


def test_an_extension_more_than_a_year_ahead_is_refused_by_the_service(world, clock):
    escalation = raise_one(world)
    in_over_a_year = add_working_days(dt.date(2027, 12, 3), 1)
    refusal = refused(
        Invalid,
        "new_due_date",
        lambda: services.escalation_propose_extension(
            escalation=escalation,
            by=world.police.practitioner,
            new_due_date=in_over_a_year,
            reason="The court hearing is next winter.",
        ),
    )
    assert "within a year" in refusal.message


def conclude_stage_1(world, escalation: Escalation) -> None:
    services.escalation_escalate(
        escalation=escalation, by=world.police.practitioner, reason="No agreement."
    )


def test_an_over_long_case_file_reference_is_refused_not_cut(world, clock):
    escalation = raise_one(world)
    conclude_stage_1(world, escalation)
    refused(
        Invalid,
        "reference",
        lambda: services.escalation_record_on_case_file(
            escalation=escalation, by=world.police.practitioner, stage=1, reference="R" * 101
        ),
    )
    assert StageRecord.objects.get(escalation=escalation, stage=1).raising_recorded_by is None


def test_a_case_file_reference_is_recorded_once_per_side(world, clock):
    escalation = raise_one(world)
    conclude_stage_1(world, escalation)
    services.escalation_record_on_case_file(
        escalation=escalation, by=world.police.practitioner, stage=1, reference="CN-1"
    )
    refused(
        Conflict,
        None,
        lambda: services.escalation_record_on_case_file(
            escalation=escalation, by=world.police.practitioner, stage=1, reference="CN-2"
        ),
    )
    record = StageRecord.objects.get(escalation=escalation, stage=1)
    assert record.raising_record_reference == "CN-1"


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda w, e: services.escalation_escalate(escalation=e, by=w.police.practitioner,
                                                   reason=" "), "reason"),
        (lambda w, e: services.escalation_respond(escalation=e, by=w.csc.practitioner,
                                                  decision="maybe", response="Seen."), "decision"),
        (lambda w, e: services.escalation_add_note(escalation=e, author=w.police.practitioner,
                                                   text="x" * 5001), "text"),
    ],
    ids=["escalate-without-a-reason", "respond-with-no-decision", "an-over-long-note"],
)  # fmt: skip
def test_missing_or_wrong_input_is_invalid_and_names_the_field(world, clock, call, field):
    escalation = raise_one(world)
    refused(Invalid, field, lambda: call(world, escalation))


def test_an_expected_stage_that_has_moved_on_is_a_conflict(world, clock):
    escalation = raise_one(world)
    conclude_stage_1(world, escalation)
    refusal = refused(
        Conflict,
        None,
        lambda: services.escalation_withdraw(
            escalation=escalation, by=world.police.practitioner, reason="Sorted.", expected_stage=1
        ),
    )
    assert "moved on to stage 2" in refusal.message
