"""The stage 4 meeting (issue 14, item 5): the lead convenes it, both agencies are asked for
their written positions by a day and reminded that morning if one is missing, the lead records
who attended, then the outcome. Raised on Wednesday 2 December 2026 at 10:00 and taken to
stage 4 the same morning."""

import datetime as dt

import pytest

from escalations import services
from escalations.models import (
    AgencyPosition,
    Escalation,
    Meeting,
    Notification,
    NotificationEvent,
)
from tests.factories import raise_one
from workflows.calendar import LONDON
from workflows.refusals import Conflict, Invalid
from workflows.sweep import sweep

pytestmark = pytest.mark.django_db


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=LONDON)


def at_stage_4(world) -> Escalation:
    escalation = raise_one(world)
    for _ in range(3):
        services.escalation_escalate(
            escalation=escalation, by=world.police.practitioner, reason="Still no agreement."
        )
    return Escalation.objects.get(pk=escalation.pk)


def convene(world, escalation, **changes) -> Meeting:
    fields = {
        "escalation": escalation,
        "by": world.lead,
        "meets_at": at(9, 10),
        "invited": [world.lead, world.police.senior_manager, world.csc.senior_manager],
        "positions_due_on": dt.date(2026, 12, 7),
    }
    fields.update(changes)
    return services.escalation_convene_meeting(**fields)


def told(event: str) -> set[str]:
    return set(
        Notification.objects.filter(event=event).values_list("recipient__username", flat=True)
    )


def test_convening_invites_the_partners_and_asks_both_agencies_for_their_positions(world, clock):
    escalation = at_stage_4(world)
    meeting = convene(world, escalation)
    assert meeting.meets_at == at(9, 10)
    assert meeting.positions_due_at.astimezone(LONDON).date() == dt.date(2026, 12, 7)
    assert told(NotificationEvent.MEETING_CONVENED) == {
        world.lead.username,
        world.police.senior_manager.username,
        world.csc.senior_manager.username,
    }
    # the stage 4 holders of each agency are asked for its position
    assert told(NotificationEvent.POSITION_REQUESTED) == {
        world.police.senior_manager.username,
        world.csc.senior_manager.username,
    }
    assert set(AgencyPosition.objects.values_list("agency", flat=True)) == {
        world.police.agency.pk,
        world.csc.agency.pk,
    }
    assert meeting.history.get().history_user == world.lead


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"meets_at": at(1, 10)}, "a time to come"),
        ({"meets_at": at(2, 10) + dt.timedelta(days=100)}, "within three months"),
        ({"positions_due_on": dt.date(2026, 12, 10)}, "up to the day of the meeting"),
        ({"positions_due_on": dt.date(2026, 12, 1)}, "from today"),
        ({"invited": []}, "at least one partner"),
    ],
)
def test_a_meeting_that_cannot_be_is_refused(world, clock, changes, message):
    escalation = at_stage_4(world)
    with pytest.raises(Invalid, match=message):
        convene(world, escalation, **changes)
    assert not Meeting.objects.exists()


def test_someone_of_another_partnership_cannot_be_invited(world, clock):
    from tests.factories import make_world

    stranger = make_world().lead
    with pytest.raises(Invalid, match="cannot be invited"):
        convene(world, at_stage_4(world), invited=[world.lead, stranger])


def test_a_meeting_is_convened_once(world, clock):
    escalation = at_stage_4(world)
    convene(world, escalation)
    with pytest.raises(Conflict, match="convened already"):
        convene(world, escalation)


def test_a_missing_position_is_reminded_once_on_the_morning_it_is_due(world, clock):
    escalation = at_stage_4(world)
    convene(world, escalation)
    services.escalation_give_position(
        escalation=escalation,
        by=world.police.senior_manager,
        position="Police ask for a strategy discussion within two days.",
    )
    clock.move_to(at(7, 8, 59))
    sweep()
    assert told(NotificationEvent.POSITION_REMINDER) == set()
    clock.move_to(at(7, 9))  # the policy's reminder time on the due day
    sweep()
    sweep()
    reminded = Notification.objects.filter(event=NotificationEvent.POSITION_REMINDER)
    assert [n.recipient for n in reminded] == [world.csc.senior_manager]  # police gave theirs


def test_no_reminder_once_both_have_given_their_positions(world, clock):
    escalation = at_stage_4(world)
    convene(world, escalation)
    for holder in (world.police.senior_manager, world.csc.senior_manager):
        services.escalation_give_position(escalation=escalation, by=holder, position="Ours.")
    clock.move_to(at(7, 9, 30))
    sweep()
    assert not Notification.objects.filter(event=NotificationEvent.POSITION_REMINDER).exists()


def test_the_lead_records_a_position_given_in_writing_for_an_agency(world, clock):
    escalation = at_stage_4(world)
    convene(world, escalation)
    given = services.escalation_give_position(
        escalation=escalation,
        by=world.lead,
        agency=world.csc.agency,
        position="Emailed: children's services will hold a strategy discussion.",
    )
    assert (given.agency, given.given_by) == (world.csc.agency, world.lead)


def test_the_meeting_is_recorded_with_who_attended_then_its_outcome(world, clock):
    escalation = at_stage_4(world)
    convene(world, escalation)
    clock.move_to(at(9, 12))
    meeting = services.escalation_record_meeting(
        escalation=escalation,
        by=world.lead,
        attended=[world.lead, world.csc.senior_manager],
        held_on=dt.date(2026, 12, 9),
    )
    attended = {i.user: i.attended for i in meeting.invitees.all()}
    assert attended == {
        world.lead: True,
        world.police.senior_manager: False,
        world.csc.senior_manager: True,
    }
    with pytest.raises(Conflict, match="positions are closed"):
        services.escalation_give_position(
            escalation=escalation, by=world.police.senior_manager, position="Late."
        )
    services.escalation_resolve(
        escalation=escalation,
        by=world.lead,
        outcome="not_agreed",
        summary="The partners agreed a strategy discussion; police recorded dissent.",
        agreed_actions="Strategy discussion by Friday.",
    )
    assert Escalation.objects.get(pk=escalation.pk).status == "resolved"


def test_only_those_invited_are_recorded_as_attending(world, clock):
    escalation = at_stage_4(world)
    convene(world, escalation, invited=[world.lead])
    with pytest.raises(Invalid, match="Only those invited"):
        services.escalation_record_meeting(
            escalation=escalation,
            by=world.lead,
            attended=[world.police.manager],
            held_on=dt.date(2026, 12, 2),
        )


def test_the_timeline_keeps_the_meeting_and_the_positions(world, clock):
    from escalations.timeline import build_timeline

    escalation = at_stage_4(world)
    convene(world, escalation)
    services.escalation_give_position(
        escalation=escalation, by=world.csc.senior_manager, position="We will hold a strategy."
    )
    entries = {(e.what, e.detail) for e in build_timeline(escalation)}
    convened = next(detail for what, detail in entries if what == "Stage 4 meeting convened")
    assert convened.startswith("Meets 9 December 2026")
    assert ("Written position given", f"{world.csc.agency}: We will hold a strategy.") in entries


def test_only_people_who_can_see_the_escalation_can_be_invited(world, clock):
    """An invitation must not lead to a page that answers 404, and analysts never see a case:
    the rulebook's ``who_may_see`` decides, the same rule as ``visible_escalations``."""
    escalation = at_stage_4(world)
    for stranger in (world.analyst, world.outsider, world.police.colleague):
        with pytest.raises(Invalid, match="cannot be invited"):
            convene(world, escalation, invited=[world.lead, stranger])
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("stage", [1, 4])
def test_who_may_see_an_escalation_is_the_visibility_rule_from_the_other_side(world, clock, stage):
    from escalations.models import User
    from workflows import rules

    escalation = raise_one(world)
    for _ in range(stage - 1):
        services.escalation_escalate(
            escalation=escalation, by=world.police.practitioner, reason="No agreement."
        )
    may_see = set(rules.who_may_see(escalation))
    for user in User.objects.all():
        sees = rules.visible_escalations(user).filter(pk=escalation.pk).exists()
        assert (user in may_see) == sees, user
