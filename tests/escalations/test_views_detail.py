"""The escalation page, its actions and its printable record (DESIGN.md sections 4 and 5).

Pages only read; every action goes through the service functions, and bad input or a refusal
shows the form again with its errors and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from escalations import services
from escalations.models import (
    Escalation,
    Extension,
    ExtensionStatus,
    Note,
    Notification,
    StageHolder,
    StageRecord,
    User,
    ViewLog,
)
from tests.factories import World, raise_one
from workflows import rules

TOO_LONG = "x" * 5001
# an escalation raised on Wednesday 2 December 2026 at 10:00 is due at the cut-off three
# working days later
STAGE_1_DUE_WORDS = "Due by 5pm on Monday 7 December 2026"


def available_actions(escalation, user):
    """What the rulebook lets this person do now (the page lists these)."""
    return rules.available(rules.Situation.read(escalation), user)


def client_for(user: User, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def url(escalation: Escalation, name: str = "detail", **kwargs: Any) -> str:
    return reverse(f"escalations:{name}", kwargs={"reference": escalation.reference, **kwargs})


def fresh(escalation: Escalation) -> Escalation:
    return Escalation.objects.get(pk=escalation.pk)


def page(client: Client, escalation: Escalation) -> str:
    response = client.get(url(escalation))
    assert response.status_code == 200
    return response.content.decode()


def actions_section(html: str) -> str:
    """The Actions list of the page, where only the actions a person may take now appear."""
    match = re.search(r'id="actions-heading".*?</ul>', html, re.S)
    assert match, "the page has an Actions section"
    return match.group(0)


def footprint(escalation: Escalation) -> tuple[int, ...]:
    """Everything an action could write: if it is unchanged, nothing was written."""
    pk = escalation.pk
    return (
        Escalation.history.filter(id=pk).count(),
        StageRecord.history.filter(escalation_id=pk).count(),
        StageHolder.history.filter(stage_record__escalation_id=pk).count(),
        Extension.history.filter(stage_record__escalation_id=pk).count(),
        Note.objects.filter(escalation_id=pk).count(),
        Notification.objects.filter(escalation_id=pk).count(),
    )


@pytest.fixture
def escalation(world: World, clock: Any) -> Escalation:
    return raise_one(world)


@pytest.fixture
def raiser(world: World) -> Client:
    return client_for(world.police.practitioner)


@pytest.fixture
def receiver(world: World) -> Client:
    """The front door practitioner: the receiving agency's stage-1 contact."""
    return client_for(world.csc.practitioner)


def at_stage_2(world: World, escalation: Escalation) -> Escalation:
    services.escalation_escalate(
        escalation=escalation, by=world.police.practitioner, reason="No reply at stage 1."
    )
    return fresh(escalation)


# the page -------------------------------------------------------------------------------------


def test_the_page_shows_the_dispute_the_holders_and_the_due_moment_in_words(
    world, escalation, raiser
):
    html = page(raiser, escalation)
    assert escalation.reference in html
    assert "Referral closed at the front door as not meeting threshold." in html
    assert "Third domestic abuse incident in a month with a baby in the home." in html
    assert "A strategy discussion." in html
    assert "POL-123456" in html
    assert "Threshold or level of need" in html
    assert "Raising side holders" in html
    assert "Receiving side holders" in html
    assert "Northshire Children&#x27;s Services" in html
    assert str(world.police.practitioner) in html
    assert str(world.csc.practitioner) in html
    assert STAGE_1_DUE_WORDS in html
    assert "3 working days left" in html
    assert 'class="app-stage-list__current"' in html
    assert 'class="app-timeline"' in html


def test_the_tag_says_due_today_then_overdue(world, escalation, clock):
    # a session lasts 30 minutes without a request: sign in again after moving the clock
    clock.move_to(dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC))
    assert "Due today" in page(client_for(world.police.practitioner), escalation)
    clock.move_to(dt.datetime(2026, 12, 7, 17, 30, tzinfo=dt.UTC))
    assert "Overdue" in page(client_for(world.police.practitioner), escalation)


@pytest.mark.parametrize("who", ["outsider", "analyst"])
def test_people_who_may_not_see_it_get_a_404_everywhere(world, escalation, who):
    client = client_for(getattr(world, who))
    paths = [
        url(escalation),
        url(escalation, "escalate"),
        url(escalation, "note"),
        url(escalation, "record_pdf"),
        url(escalation, "case_file", stage=1),
    ]
    for path in paths:
        assert client.get(path).status_code == 404, path
    response = client.post(url(escalation, "note"), {"text": "Let me in"})
    assert response.status_code == 404
    assert not Note.objects.exists()
    assert not ViewLog.objects.exists()


def test_signing_in_is_needed(escalation):
    response = Client().get(url(escalation))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_every_opening_is_logged(world, escalation, raiser):
    page(raiser, escalation)
    page(raiser, escalation)
    views = ViewLog.objects.filter(escalation=escalation, user=world.police.practitioner)
    assert views.count() == 2


def test_the_actions_shown_differ_by_person(world, escalation, raiser, receiver):
    def links(client: Client) -> str:
        return actions_section(page(client, escalation))

    receiving = links(receiver)
    assert url(escalation, "acknowledge") in receiving
    assert url(escalation, "respond") in receiving
    assert url(escalation, "withdraw") not in receiving
    assert url(escalation, "resolve") not in receiving

    raising = links(raiser)
    for name in ("escalate", "resolve", "withdraw"):
        assert url(escalation, name) in raising
    assert url(escalation, "acknowledge") not in raising
    assert url(escalation, "respond") not in raising

    manager = links(client_for(world.police.manager))
    assert url(escalation, "note") in manager
    for name in ("acknowledge", "respond", "escalate", "resolve", "withdraw", "extend"):
        assert url(escalation, name) not in manager, name
    assert available_actions(escalation, world.police.manager) == ["note"]


def test_available_actions_follow_the_transition_rules(world, escalation):
    assert available_actions(escalation, world.police.practitioner) == [
        "escalate",
        "resolve",
        "withdraw",
        "extend",
        "hand_over",
        "note",
    ]
    assert available_actions(escalation, world.csc.practitioner) == [
        "acknowledge",
        "respond",
        "escalate",
        "extend",
        "hand_over",
        "note",
    ]
    assert available_actions(escalation, world.scrutineer) == ["note"]
    services.escalation_withdraw(
        escalation=escalation, by=world.police.practitioner, reason="Sorted by phone."
    )
    assert available_actions(fresh(escalation), world.police.practitioner) == [
        "note",
        "case_file:1",
    ]


def test_user_text_is_escaped(world, clock, raiser):
    escalation = raise_one(world, reasons="<script>alert('reasons')</script>")
    services.escalation_add_note(
        escalation=escalation, author=world.police.practitioner, text="<script>alert(1)</script>"
    )
    html = page(raiser, escalation)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert(&#x27;reasons&#x27;)&lt;/script&gt;" in html


def test_the_timeline_says_who_did_what_and_when(world, escalation, clock):
    clock.shift(dt.timedelta(hours=1))
    services.escalation_add_note(
        escalation=escalation, author=world.csc.practitioner, text="Looking at it today."
    )
    html = page(client_for(world.police.practitioner), escalation)
    timeline = html[html.index('class="app-timeline"') :]
    assert "Note added" in timeline
    assert "Looking at it today." in timeline
    assert "2 December 2026 at 11am" in timeline
    assert "Raised" in timeline
    assert "Resolve (automatic)" in timeline  # the notifications sent
    assert timeline.index("Note added") < timeline.index("Holds stage 1 from its start")


# the actions ----------------------------------------------------------------------------------


def test_each_form_page_has_a_back_link_csrf_and_the_stage(escalation, raiser, receiver):
    for client, name in [
        (receiver, "acknowledge"),
        (receiver, "respond"),
        (raiser, "escalate"),
        (raiser, "resolve"),
        (raiser, "withdraw"),
        (raiser, "extend"),
        (raiser, "hand_over"),
        (raiser, "note"),
    ]:
        response = client.get(url(escalation, name))
        assert response.status_code == 200, name
        html = response.content.decode()
        assert 'class="govuk-back-link"' in html, name
        assert "csrfmiddlewaretoken" in html, name
        if name != "note":
            assert 'name="expected_stage" value="1"' in html, name


def test_a_post_without_the_csrf_token_is_refused(world, escalation):
    client = client_for(world.police.practitioner, enforce_csrf_checks=True)
    response = client.post(url(escalation, "note"), {"text": "Hello"})
    assert response.status_code == 403
    assert not Note.objects.exists()


def test_acknowledge(world, escalation, receiver):
    response = receiver.post(
        url(escalation, "acknowledge"),
        {"holder": world.csc.practitioner.pk, "expected_stage": 1},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == url(escalation)
    assert f"{escalation.reference} acknowledged" in response.content.decode()
    escalation = fresh(escalation)
    assert escalation.acknowledged_by == world.csc.practitioner
    assert escalation.receiving_holder == world.csc.practitioner


def test_respond(world, escalation, receiver):
    response = receiver.post(
        url(escalation, "respond"),
        {"decision": "stands", "response": "Threshold not met.", "expected_stage": 1},
        follow=True,
    )
    assert "Your agency&#x27;s decision is recorded" in response.content.decode()
    record = StageRecord.objects.get(escalation=escalation, stage=1)
    assert record.decision == "stands"
    assert record.decision_reason == "Threshold not met."


def test_escalate(world, escalation, raiser):
    response = raiser.post(
        url(escalation, "escalate"),
        {"reason": "No reply at stage 1.", "expected_stage": 1},
        follow=True,
    )
    html = response.content.decode()
    assert f"{escalation.reference} is now at stage 2." in html
    assert "govuk-notification-banner--success" in html
    assert fresh(escalation).stage == 2


def test_resolve(world, escalation, raiser):
    response = raiser.post(
        url(escalation, "resolve"),
        {
            "outcome": "decision_changed",
            "summary": "Strategy discussion held.",
            "agreed_actions": "Section 47 enquiry opened.",
            "learning": "",
            "expected_stage": 1,
        },
        follow=True,
    )
    assert f"{escalation.reference} is resolved." in response.content.decode()
    escalation = fresh(escalation)
    assert escalation.status == "resolved"
    assert escalation.outcome == "decision_changed"
    assert escalation.agreed_actions == "Section 47 enquiry opened."


def test_withdraw(world, escalation, raiser):
    response = raiser.post(
        url(escalation, "withdraw"),
        {"reason": "Sorted by phone.", "expected_stage": 1},
        follow=True,
    )
    assert f"{escalation.reference} is withdrawn." in response.content.decode()
    assert fresh(escalation).status == "withdrawn"


def test_propose_and_accept_an_extension(world, escalation, raiser, receiver):
    response = raiser.post(
        url(escalation, "extend"),
        {
            "due_day": "9",
            "due_month": "12",
            "due_year": "2026",
            "reason": "Waiting for the school's chronology.",
            "expected_stage": 1,
        },
        follow=True,
    )
    assert "Extension proposed." in response.content.decode()
    extension = Extension.objects.get()
    assert extension.new_due_date == dt.date(2026, 12, 9)

    html = page(receiver, escalation)
    accept = url(escalation, "accept_extension", pk=extension.pk)
    assert accept in actions_section(html)
    assert accept not in actions_section(page(raiser, escalation))  # nobody accepts their own
    confirm = receiver.get(accept).content.decode()
    assert "Waiting for the school&#x27;s chronology." in confirm
    assert "5pm on Wednesday 9 December 2026" in confirm

    response = receiver.post(accept, {"expected_stage": 1}, follow=True)
    assert "Extension accepted." in response.content.decode()
    extension.refresh_from_db()
    assert extension.status == ExtensionStatus.ACCEPTED
    assert "Due by 5pm on Wednesday 9 December 2026" in page(raiser, escalation)


def test_an_extension_of_another_escalation_is_not_found(world, escalation, receiver, clock):
    other = raise_one(world)
    extension = services.escalation_propose_extension(
        escalation=other,
        by=world.police.practitioner,
        new_due_date=dt.date(2026, 12, 9),
        reason="More time.",
    )
    response = receiver.post(
        url(escalation, "accept_extension", pk=extension.pk), {"expected_stage": 1}
    )
    assert response.status_code == 404


def test_hand_over_offers_colleagues_with_the_same_role(world, escalation, raiser):
    form = raiser.get(url(escalation, "hand_over")).content.decode()
    assert str(world.police.colleague) in form
    assert str(world.police.manager) not in form
    assert str(world.csc.practitioner) not in form
    response = raiser.post(
        url(escalation, "hand_over"),
        {"to": world.police.colleague.pk, "expected_stage": 1},
        follow=True,
    )
    assert f"Stage 1 handed over to {world.police.colleague}." in response.content.decode()
    holder = StageHolder.objects.get(
        stage_record__escalation=escalation, side="raising", until__isnull=True
    )
    assert holder.user == world.police.colleague


def test_the_partnership_lead_can_hand_over_for_an_absent_holder(world, escalation):
    lead = client_for(world.lead)
    form = lead.get(url(escalation, "hand_over")).content.decode()
    assert "Whose holding are you handing over?" in form
    assert str(world.csc.colleague) in form
    response = lead.post(
        url(escalation, "hand_over"),
        {"holder": world.csc.practitioner.pk, "to": world.csc.colleague.pk, "expected_stage": 1},
        follow=True,
    )
    assert f"Stage 1 handed over to {world.csc.colleague}." in response.content.decode()
    holder = StageHolder.objects.get(
        stage_record__escalation=escalation, side="receiving", until__isnull=True
    )
    assert holder.user == world.csc.colleague


def test_a_handover_to_someone_in_another_agency_is_refused(world, escalation):
    lead = client_for(world.lead)
    before = footprint(escalation)
    response = lead.post(
        url(escalation, "hand_over"),
        {"holder": world.csc.practitioner.pk, "to": world.police.colleague.pk, "expected_stage": 1},
    )
    html = response.content.decode()
    assert "same role in the same agency" in html
    assert footprint(escalation) == before


def test_at_stage_4_the_partnership_lead_records_the_outcome(world, escalation):
    for _ in range(3):
        services.escalation_escalate(
            escalation=escalation, by=world.police.practitioner, reason="Still stuck."
        )
    escalation = fresh(escalation)
    actions = available_actions(escalation, world.lead)
    assert "resolve" in actions
    assert "escalate" not in actions
    form = client_for(world.lead).get(url(escalation, "resolve")).content.decode()
    assert "Not agreed: decision stands and dissent recorded" in form


def test_add_a_note(world, escalation):
    client = client_for(world.police.manager)
    response = client.post(url(escalation, "note"), {"text": "Spoke to the DSL."}, follow=True)
    assert "Note added." in response.content.decode()
    assert Note.objects.get().text == "Spoke to the DSL."
    assert "Spoke to the DSL." in response.content.decode()


def test_confirm_the_stage_outcome_on_the_case_file(world, escalation, raiser):
    escalation = at_stage_2(world, escalation)
    html = page(raiser, escalation)
    link = url(escalation, "case_file", stage=1)
    assert link in html
    assert "Not recorded" in html
    response = raiser.post(link, {"reference": "CN-2041"}, follow=True)
    assert "Recorded: the outcome of stage 1" in response.content.decode()
    record = StageRecord.objects.get(escalation=escalation, stage=1)
    assert record.raising_recorded_by == world.police.practitioner
    assert record.raising_record_reference == "CN-2041"
    assert link not in page(raiser, escalation)


def test_a_stage_that_does_not_exist_is_not_found(escalation, raiser):
    assert raiser.get(url(escalation, "case_file", stage=3)).status_code == 404


# bad input writes nothing -----------------------------------------------------------------------

BAD_INPUT = [
    # (who, action, posted, field in error, message)
    ("receiver", "acknowledge", {"expected_stage": 1}, "holder", "Choose who holds"),
    ("receiver", "acknowledge", {"holder": "9999999", "expected_stage": 1}, "holder", "Choose"),
    ("receiver", "respond", {"response": "Why", "expected_stage": 1}, "decision_0", "Choose"),
    ("receiver", "respond", {"decision": "stands", "expected_stage": 1}, "response", "Enter why"),
    (
        "receiver",
        "respond",
        {"decision": "stands", "response": TOO_LONG, "expected_stage": 1},
        "response",
        "5,000 characters or fewer",
    ),
    ("raiser", "escalate", {"reason": "", "expected_stage": 1}, "reason", "Enter why"),
    (
        "raiser",
        "escalate",
        {"reason": TOO_LONG, "expected_stage": 1},
        "reason",
        "5,000 characters or fewer",
    ),
    (
        "raiser",
        "resolve",
        {"outcome": "decision_changed", "agreed_actions": "x", "expected_stage": 1},
        "summary",
        "Enter a summary",
    ),
    (
        "raiser",
        "resolve",
        {"outcome": "not_agreed", "summary": "x", "agreed_actions": "x", "expected_stage": 1},
        "outcome_0",
        "Choose the outcome",
    ),
    (
        "raiser",
        "resolve",
        {
            "outcome": "decision_changed",
            "summary": "x",
            "agreed_actions": "x",
            "learning": TOO_LONG,
            "expected_stage": 1,
        },
        "learning",
        "5,000 characters or fewer",
    ),
    ("raiser", "withdraw", {"expected_stage": 1}, "reason", "Enter why"),
    (
        "raiser",
        "extend",
        {"reason": "More time", "expected_stage": 1},
        "due_day",
        "Enter the new due date",
    ),
    (
        "raiser",
        "extend",
        {
            "due_day": "31",
            "due_month": "2",
            "due_year": "2026",
            "reason": "x",
            "expected_stage": 1,
        },
        "due_day",
        "The new due date must be a real date",
    ),
    (
        "raiser",
        "extend",
        {"due_day": "9", "due_year": "2026", "reason": "x", "expected_stage": 1},
        "due_month",
        "The new due date must include a month",
    ),
    (
        "raiser",
        "extend",
        {
            "due_day": "9",
            "due_month": "12",
            "due_year": "26",
            "reason": "x",
            "expected_stage": 1,
        },
        "due_year",
        "The year in the new due date must include 4 numbers",
    ),
    (
        "raiser",
        "extend",
        {
            "due_day": "9",
            "due_month": "12",
            "due_year": "2028",
            "reason": "x",
            "expected_stage": 1,
        },
        "due_day",
        "Enter a new due date in the future, within the next year",
    ),
    (
        "raiser",
        "extend",
        {"due_day": "9", "due_month": "12", "due_year": "2026", "expected_stage": 1},
        "reason",
        "Enter why more time is needed",
    ),
    ("raiser", "hand_over", {"expected_stage": 1}, "to_0", "Choose who will hold"),
    ("raiser", "note", {"text": "   "}, "text", "Enter the note"),
    ("raiser", "note", {"text": TOO_LONG}, "text", "5,000 characters or fewer"),
]


@pytest.mark.parametrize(("who", "action", "posted", "field", "message"), BAD_INPUT)
def test_bad_input_shows_the_form_again_with_errors_and_writes_nothing(
    request, escalation, who, action, posted, field, message
):
    client = request.getfixturevalue(who)
    before = footprint(escalation)
    response = client.post(url(escalation, action), posted)
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert f'href="#id_{field}"' in html
    assert message in html
    assert html.count("<title>Error: ") == 1
    assert footprint(escalation) == before


def test_bad_input_on_the_case_file_form_writes_nothing(world, escalation, raiser):
    escalation = at_stage_2(world, escalation)
    before = StageRecord.history.filter(escalation=escalation).count()
    for posted in ({"reference": ""}, {"reference": "x" * 101}):
        response = raiser.post(url(escalation, "case_file", stage=1), posted)
        assert response.status_code == 200
        assert 'href="#id_reference"' in response.content.decode()
    assert StageRecord.history.filter(escalation=escalation).count() == before


def test_a_form_for_a_stage_that_has_moved_on_leads_to_what_is_still_possible(
    world, escalation, raiser
):
    escalation = at_stage_2(world, escalation)
    before = footprint(escalation)
    for action, posted in [
        ("escalate", {"reason": "Still no reply.", "expected_stage": 1}),
        ("withdraw", {"reason": "Sorted.", "expected_stage": 1}),
        (
            "resolve",
            {
                "outcome": "decision_changed",
                "summary": "x",
                "agreed_actions": "x",
                "expected_stage": 1,
            },
        ),
    ]:
        response = raiser.post(url(escalation, action), posted)
        assert response.status_code == 409
        html = response.content.decode()
        assert "You cannot do this now" in html
        assert "moved on" in html, action
        # and what is still possible, as the rulebook answers at stage 2
        assert f'href="{url(escalation, "withdraw")}"' in html
    assert footprint(escalation) == before
    assert fresh(escalation).stage == 2


def test_a_form_without_its_stage_is_refused_without_an_error(escalation, raiser):
    before = footprint(escalation)
    for stage in ("", "abc", "99"):
        response = raiser.post(
            url(escalation, "escalate"), {"reason": "x", "expected_stage": stage}
        )
        assert response.status_code == 200
        assert "This form has expired" in response.content.decode()
    assert footprint(escalation) == before


def test_a_refusal_says_who_may_act_and_writes_nothing(world, escalation):
    manager = client_for(world.police.manager)
    before = footprint(escalation)
    response = manager.post(url(escalation, "escalate"), {"reason": "Hurry", "expected_stage": 1})
    assert response.status_code == 403
    html = response.content.decode()
    assert "You cannot do this now" in html
    assert "Only a holder of stage 1 on either side, or the raiser, can escalate" in html
    assert footprint(escalation) == before


@pytest.mark.parametrize("action", ["acknowledge", "respond", "escalate", "withdraw", "extend"])
def test_an_action_nobody_may_take_here_says_so_before_any_typing(world, escalation, action):
    """The police manager can see the escalation but holds nothing at stage 1: no form to fill
    in for nothing, but the reason and a way back."""
    response = client_for(world.police.manager).get(url(escalation, action))
    assert response.status_code == 403
    html = response.content.decode()
    assert "You cannot do this now" in html
    assert "<form" not in html.split("</header>")[1].split("<footer")[0]
    assert f'href="{url(escalation, "note")}"' in html  # what they can do: add a note


def test_nothing_after_closing(world, escalation, raiser):
    services.escalation_withdraw(
        escalation=escalation, by=world.police.practitioner, reason="Sorted by phone."
    )
    html = page(raiser, escalation)
    assert "Why it was withdrawn" in html
    assert url(escalation, "escalate") not in html
    response = raiser.post(url(escalation, "escalate"), {"reason": "x", "expected_stage": 1})
    assert "nothing more can change" in response.content.decode()


# the printable record -------------------------------------------------------------------------


def test_the_record_is_a_pdf_with_page_numbers(world, escalation, raiser):
    services.escalation_add_note(
        escalation=escalation, author=world.police.practitioner, text="Phoned the front door."
    )
    response = raiser.get(url(escalation, "record_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{escalation.reference}.pdf"'
    assert response.content.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],  # noqa: S607 - poppler-utils on the PATH
        input=response.content,
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert escalation.reference in text
    assert "Page 1 of" in text
    assert "POL-123456" in text
    assert "Phoned the front door." in text
    assert ViewLog.objects.filter(escalation=escalation).count() == 1


# queries ----------------------------------------------------------------------------------------

PAGE_QUERY_BOUND = 30


def queries_for_page(client: Client, escalation: Escalation) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url(escalation)).status_code == 200
    return len(captured)


def test_the_page_makes_the_same_number_of_queries_however_many_rows(
    world, clock, django_assert_max_num_queries
):
    small = raise_one(world)
    large = raise_one(world)
    for escalation, notes in ((small, 2), (large, 20)):
        for number in range(notes):
            services.escalation_add_note(
                escalation=escalation, author=world.police.practitioner, text=f"Note {number}"
            )
    # more history on the large one: a response, handovers back and forth, an extension
    services.escalation_respond(
        escalation=large, by=world.csc.practitioner, decision="stands", response="No."
    )
    police = world.police
    services.escalation_hand_over(escalation=large, by=police.practitioner, to=police.colleague)
    services.escalation_hand_over(escalation=large, by=police.colleague, to=police.practitioner)
    services.escalation_propose_extension(
        escalation=large,
        by=world.police.practitioner,
        new_due_date=dt.date(2026, 12, 9),
        reason="More time.",
    )
    client = client_for(world.police.practitioner)
    queries_for_page(client, small)  # the session and the like, once
    small_count = queries_for_page(client, small)
    large_count = queries_for_page(client, large)
    assert small_count == large_count
    with django_assert_max_num_queries(PAGE_QUERY_BOUND):
        client.get(url(large))


def test_the_acknowledge_form_lists_who_may_hold_stage_1_with_their_role(world, escalation):
    receiver = client_for(world.csc.practitioner)
    form = receiver.get(url(escalation, "acknowledge")).context["form"]
    offered = set(form.fields["holder"].queryset)
    assert offered == {world.csc.practitioner, world.csc.colleague}  # practitioners, not managers
    assert "Practitioner" in form.fields["holder"].label_from_instance(world.csc.colleague)
    refused = receiver.post(
        url(escalation, "acknowledge"),
        {"holder": world.csc.senior_manager.pk, "expected_stage": 1},
    )
    assert "Choose who holds this escalation" in refused.content.decode()
    with pytest.raises(services.Invalid, match="may hold stage 1"):
        services.escalation_acknowledge(
            escalation=escalation, by=world.csc.practitioner, holder=world.csc.senior_manager
        )
