"""The inbox at ``/`` (DESIGN.md section 2) and the notification list.

Raised on Wednesday 2 December 2026 at 10:00: acknowledgement due Thursday 3 December 17:00,
stage 1 due Monday 7 December 17:00 (three working days).
"""

import datetime as dt

import pytest
from django.urls import reverse

from escalations import services
from escalations.models import ClosureDay, Notification, NotificationEvent
from tests.factories import raise_one
from workflows.calendar import LONDON

pytestmark = pytest.mark.django_db

INBOX = "/"


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=LONDON)


def sections(client, user) -> dict[str, list]:
    client.force_login(user)
    response = client.get(INBOX)
    assert response.status_code == 200
    return {section["id"]: section["rows"] for section in response.context["sections"]}


def references(rows) -> list[str]:
    return [row.escalation.reference for row in rows]


def test_the_inbox_is_at_the_root():
    assert reverse("escalations:inbox") == INBOX


def test_the_inbox_needs_a_sign_in(client):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_receiving_holder_finds_it_waiting_for_them(client, world, clock):
    escalation = raise_one(world)
    found = sections(client, world.csc.practitioner)
    assert references(found["waiting"]) == [escalation.reference]
    assert found["waiting"][0].acknowledgement_due
    assert found["waiting"][0].other_agency == "Northshire Police"
    assert references(found["raised"]) == []
    assert "live" not in found


def test_an_acknowledgement_waits_only_for_who_may_give_it(client, world, clock):
    """The rulebook says the receiving holder acknowledges: not their manager, who holds no
    stage of it, so nothing waits for the manager."""
    escalation = raise_one(world)
    assert references(sections(client, world.csc.manager)["waiting"]) == []
    row = sections(client, world.csc.practitioner)["waiting"][0]
    assert row.waits == ("Acknowledge it", "Respond with your agency's decision")

    services.escalation_acknowledge(escalation=escalation, by=world.csc.practitioner)
    # the named holder keeps it, with the stage's own due moment now
    row = sections(client, world.csc.practitioner)["waiting"][0]
    assert not row.acknowledgement_due
    assert row.waits == ("Respond with your agency's decision",)
    assert row.due_at == at(7, 17)


def test_a_decision_in_waits_for_the_raiser_and_no_longer_for_the_receiver(client, world, clock):
    escalation = raise_one(world)
    services.escalation_acknowledge(escalation=escalation, by=world.csc.practitioner)
    services.escalation_respond(
        escalation=escalation, by=world.csc.practitioner, decision="stands", response="Met."
    )
    (row,) = sections(client, world.police.practitioner)["waiting"]
    assert row.waits == ("Their decision is in: resolve or escalate",)
    assert sections(client, world.csc.practitioner)["waiting"] == []


def test_an_extension_to_accept_waits_in_the_inbox(client, world, clock):
    escalation = raise_one(world)
    services.escalation_acknowledge(escalation=escalation, by=world.csc.practitioner)
    services.escalation_propose_extension(
        escalation=escalation,
        by=world.csc.practitioner,
        new_due_date=dt.date(2026, 12, 10),
        reason="The strategy meeting is on the 9th.",
    )
    (row,) = sections(client, world.police.practitioner)["waiting"]
    assert "An extension to accept or decline" in row.waits
    client.force_login(world.police.practitioner)
    assert "An extension to accept or decline" in client.get(INBOX).content.decode()


def test_a_case_file_confirmation_owed_after_closure_waits_for_each_side(client, world, clock):
    escalation = raise_one(world)
    services.escalation_acknowledge(escalation=escalation, by=world.csc.practitioner)
    services.escalation_resolve(
        escalation=escalation,
        by=world.police.practitioner,
        outcome="partly_agreed",
        summary="Agreed at stage 1.",
        agreed_actions="None.",
    )
    for holder in (world.police.practitioner, world.csc.practitioner):
        (row,) = sections(client, holder)["waiting"]
        assert row.waits == ("Record the stage 1 outcome on your case file",)
        assert row.tag.text == "Closed"
    services.escalation_record_on_case_file(
        escalation=escalation, by=world.csc.practitioner, stage=1, reference="CN-1"
    )
    assert sections(client, world.csc.practitioner)["waiting"] == []


def test_the_navigation_counts_what_waits_and_follows_changes(client, world, clock):
    escalation = raise_one(world)
    client.force_login(world.csc.practitioner)
    page = client.get("/find/").content.decode()
    assert (
        '<span class="app-nav-count">1<span class="govuk-visually-hidden"> waiting for you' in page
    )
    services.escalation_acknowledge(escalation=escalation, by=world.csc.practitioner)
    services.escalation_respond(
        escalation=escalation, by=world.csc.practitioner, decision="stands", response="Met."
    )
    assert "app-nav-count" not in client.get("/find/").content.decode()


def test_the_raiser_finds_it_under_raised_by_me(client, world, clock):
    escalation = raise_one(world)
    found = sections(client, world.police.practitioner)
    assert references(found["raised"]) == [escalation.reference]
    assert references(found["waiting"]) == []
    assert found["raised"][0].other_agency == "Northshire Children's Services"


@pytest.mark.parametrize("who", ["outsider", "csc colleague", "police colleague"])
def test_people_outside_it_see_nothing(client, world, clock, who):
    escalation = raise_one(world)
    user = {
        "outsider": world.outsider,
        "csc colleague": world.csc.colleague,
        "police colleague": world.police.colleague,
    }[who]
    client.force_login(user)
    response = client.get(INBOX)
    assert escalation.reference not in response.content.decode()
    assert all(rows == [] for rows in sections(client, user).values())


def test_the_partnership_team_sees_everything_live(client, world, clock):
    live = raise_one(world)
    withdrawn = raise_one(world, child_reference="POL-2")
    services.escalation_withdraw(
        escalation=withdrawn, by=world.police.practitioner, reason="Sorted out by phone."
    )
    for user in (world.lead, world.scrutineer):
        found = sections(client, user)
        assert references(found["live"]) == [live.reference]
        assert references(found["waiting"]) == []


def test_the_partnership_lead_finds_stage_4_waiting_for_them(client, world, clock):
    escalation = raise_one(world, urgent=True, start_stage=3)
    services.escalation_escalate(
        escalation=escalation, by=world.police.practitioner, reason="Still no strategy meeting."
    )
    found = sections(client, world.lead)
    assert references(found["waiting"]) == [escalation.reference]
    assert found["waiting"][0].other_agency == (
        "Northshire Police to Northshire Children's Services"
    )


def test_analysts_have_no_inbox(client, world):
    client.force_login(world.analyst)
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response["Location"] == reverse("escalations:dashboard")


def test_overdue_first_then_by_due_moment(client, world, clock):
    first = raise_one(world, child_reference="POL-1")  # due Monday 7 December 17:00
    clock.move_to(at(3, 10))
    second = raise_one(world, child_reference="POL-2")  # due Tuesday 8 December 17:00
    clock.move_to(at(3, 11))
    urgent = raise_one(world, child_reference="POL-3", urgent=True)  # due Friday 4, 11:00
    clock.move_to(at(8, 9))

    rows = sections(client, world.police.practitioner)["raised"]
    assert references(rows) == [urgent.reference, first.reference, second.reference]
    assert [row.tag.text for row in rows] == ["Overdue", "Overdue", "Due today"]
    assert [row.tag.colour for row in rows] == ["red", "red", "orange"]


def test_an_overdue_stage_comes_before_one_due_sooner_but_not_yet_late(client, world, clock):
    later = raise_one(world, child_reference="POL-1")  # due Monday 7 December 17:00
    clock.move_to(at(7, 16))
    urgent = raise_one(world, child_reference="POL-2", urgent=True)  # due Tuesday 8, 16:00
    clock.move_to(at(7, 18))
    assert references(sections(client, world.police.practitioner)["raised"]) == [
        later.reference,
        urgent.reference,
    ]


def test_tags_count_working_days_and_the_partnerships_closures(client, world, clock):
    raise_one(world)
    row = sections(client, world.police.practitioner)["raised"][0]
    assert (row.tag.text, row.tag.colour) == ("3 working days left", "grey")
    assert row.due_words == "5pm on Monday 7 December 2026"

    ClosureDay.objects.create(partnership=world.partnership, date=dt.date(2026, 12, 4), reason="x")
    row = sections(client, world.police.practitioner)["raised"][0]
    assert row.tag.text == "2 working days left"

    # the receiving side is counted to its acknowledgement
    row = sections(client, world.csc.practitioner)["waiting"][0]
    assert row.tag.text == "1 working day left"
    assert row.due_words == "5pm on Thursday 3 December 2026"


def test_urgent_tags_count_hours(client, world, clock):
    raise_one(world, urgent=True)
    client.force_login(world.police.practitioner)
    response = client.get(INBOX)
    row = response.context["sections"][1]["rows"][0]
    assert (row.tag.text, row.tag.colour) == ("24 hours left", "grey")
    html = response.content.decode()
    assert "24 hours left" in html
    assert "Urgent" in html

    clock.move_to(at(3, 9, 30))
    row = sections(client, world.police.practitioner)["raised"][0]
    assert (row.tag.text, row.tag.colour) == ("1 hour left", "orange")


def test_the_page_shows_a_govuk_table_with_links_and_tags(client, world, clock):
    escalation = raise_one(world)
    client.force_login(world.csc.practitioner)
    html = client.get(INBOX).content.decode()
    assert 'class="govuk-table app-table--stack"' in html
    assert f'href="/escalations/{escalation.reference}/"' in html
    assert "govuk-tag--grey" in html
    assert "Acknowledge it" in html
    assert "5pm on Thursday 3 December 2026" in html


def inbox_queries(client, user, django_assert_max_num_queries, limit):
    client.force_login(user)
    with django_assert_max_num_queries(limit):
        response = client.get(INBOX)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("count", [3, 15])
@pytest.mark.parametrize("who", ["lead", "receiving holder", "raiser", "receiving manager"])
def test_the_inbox_costs_the_same_queries_however_many_rows(
    client, world, clock, django_assert_max_num_queries, count, who
):
    for n in range(count):
        escalation = raise_one(world, child_reference=f"POL-{n}", urgent=n % 3 == 0)
        if n % 2:  # acknowledged, and some answered: the rulebook reads who and what
            services.escalation_acknowledge(escalation=escalation, by=world.csc.practitioner)
        if n % 4 == 1:
            services.escalation_respond(
                escalation=escalation, by=world.csc.practitioner, decision="stands", response="No."
            )
    user = {
        "lead": world.lead,
        "receiving holder": world.csc.practitioner,
        "raiser": world.police.practitioner,
        "receiving manager": world.csc.manager,
    }[who]
    response = inbox_queries(client, user, django_assert_max_num_queries, 15)
    shown = sum(len(section["rows"]) for section in response.context["sections"])
    answered = sum(1 for n in range(count) if n % 4 == 1)  # the raiser's move now
    expected = {"receiving manager": 0, "receiving holder": count - answered}
    assert shown >= expected.get(who, count)


# --- notifications ---------------------------------------------------------------------------


def test_notifications_are_listed_newest_first_and_marked_read(client, world, clock):
    first = raise_one(world, child_reference="POL-1")
    clock.move_to(at(2, 11))
    second = raise_one(world, child_reference="POL-2")
    client.force_login(world.csc.practitioner)
    response = client.get(reverse("escalations:notifications"))
    shown = response.context["notifications"]
    assert [n.escalation for n in shown] == [second, first]
    assert {n.event for n in shown} == {NotificationEvent.RAISED}
    assert response.context["unread"] == {n.pk for n in shown}
    html = response.content.decode()
    assert first.reference in html
    assert "A new escalation for your agency" in html
    assert "11am on Wednesday 2 December 2026" in html
    assert not Notification.objects.filter(recipient=world.csc.practitioner, read_at=None).exists()

    assert client.get(reverse("escalations:notifications")).context["unread"] == set()


def test_notifications_are_only_the_users_own(client, world, clock):
    raise_one(world)
    client.force_login(world.police.colleague)
    response = client.get(reverse("escalations:notifications"))
    assert list(response.context["notifications"]) == []
    assert "You have no notifications yet." in response.content.decode()
