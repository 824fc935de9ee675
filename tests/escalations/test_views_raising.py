"""Raise an escalation (DESIGN.md sections 3-5): the journey's pages, what they refuse, and
that only the service writes."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse

from escalations.forms.raising import parse_time
from escalations.models import (
    Agency,
    Escalation,
    Sector,
    Signposting,
    SignpostRoute,
    StageRecord,
)
from escalations.services import Refused
from escalations.views import raising
from escalations.views.raising import answers as answers_page
from tests.factories import make_world

pytestmark = pytest.mark.django_db

GMT = dt.UTC  # London in December
REASONS = "Third domestic abuse incident in a month with a baby in the home."


def url(name: str, **kwargs: Any) -> str:
    return reverse(f"escalations:{name}", kwargs=kwargs)


def answers(world, **overrides: dict[str, str]) -> dict[str, dict[str, str]]:
    """Every page's answers for the police practitioner's escalation to the front door."""
    pages = {
        "raise": {"immediate_risk": "no"},
        "raise-route": {"route": "none"},
        "raise-subject": {"subject": "children"},
        "raise-children": {
            "child_1_raising": "POL-123456",
            "child_1_receiving": "CSC-998",
            "child_1_age_band": "Under 1",
            "child_2_raising": "POL-123457",
            "child_2_receiving": "",
            "child_2_age_band": "",
        },
        "raise-agency": {
            "receiving_agency": str(world.csc.agency.pk),
            "category": "threshold",
            "level_of_need": "Level 3: child in need",
            "case_status": "child_in_need",
        },
        "raise-disagreement": {
            "decision_disputed": "Referral closed at the front door as not meeting threshold.",
            "reasons": REASONS,
            "impact_on_child": "The baby stays in the home with no plan.",
            "outcome_sought": "A strategy discussion.",
        },
        "raise-urgency": {
            "family_informed": "yes",
            "family_not_informed_reason": "",
            "urgency": "standard",
        },
    }
    pages.update(overrides)
    return pages


def post(client, name: str, data: dict[str, str], *, expect: str | None = None):
    response = client.post(url(name), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    if expect is not None:
        assert response["Location"] == expect
    return response


def answer_up_to(client, world, last: str | None = None, **overrides: dict[str, str]) -> None:
    """Answer the pages in order, stopping before ``last``."""
    for name, data in answers(world, **overrides).items():
        if name == last:
            return
        if name == "raise-children" and overrides.get("raise-subject", {}).get("subject") == (
            "thematic"
        ):
            continue
        post(client, name, data)


def error_summary(response) -> list[str]:
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html
    summary = html.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'href="(#[^"]+)"', summary)


@pytest.fixture
def raiser(client, world):
    client.force_login(world.police.practitioner)
    return world.police.practitioner


@pytest.fixture
def service_calls(monkeypatch):
    """Count the calls to the service, which does the raising."""
    calls = []
    real = answers_page.escalation_raise

    def counted(**kwargs: Any) -> Escalation:
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(answers_page, "escalation_raise", counted)
    return calls


# the whole journey -----------------------------------------------------------------------


def test_the_whole_journey_raises_an_escalation_through_the_service(
    client, world, clock, raiser, service_calls
):
    pages = answers(world)
    post(client, "raise", pages["raise"], expect=url("raise-route"))
    post(client, "raise-route", pages["raise-route"], expect=url("raise-subject"))
    post(client, "raise-subject", pages["raise-subject"], expect=url("raise-children"))
    post(client, "raise-children", pages["raise-children"], expect=url("raise-agency"))
    post(client, "raise-agency", pages["raise-agency"], expect=url("raise-disagreement"))
    post(client, "raise-disagreement", pages["raise-disagreement"], expect=url("raise-urgency"))
    post(client, "raise-urgency", pages["raise-urgency"], expect=url("raise-check"))

    check = client.get(url("raise-check"))
    assert check.status_code == 200
    html = check.content.decode()
    for shown in ("POL-123456", "CSC-998", "POL-123457", "Northshire Children&#x27;s Services"):
        assert shown in html
    assert f'href="{url("raise-agency")}?change=1"' in html
    assert Escalation.objects.count() == 0

    response = post(client, "raise-check", {})
    escalation = Escalation.objects.get()
    assert response["Location"] == url("raise-raised", reference=escalation.reference)
    assert len(service_calls) == 1
    assert escalation.reference == "ESC-2026-0001"
    assert escalation.status == "stage_1"
    assert escalation.stage == 1
    assert not escalation.urgent
    assert not escalation.immediate_risk
    assert escalation.raised_by == world.police.practitioner
    assert escalation.raising_agency == world.police.agency
    assert escalation.receiving_agency == world.csc.agency
    assert escalation.category == "threshold"
    assert escalation.case_status == "child_in_need"
    assert escalation.level_of_need == "Level 3: child in need"
    assert escalation.reasons == REASONS
    assert escalation.impact_on_child == "The baby stays in the home with no plan."
    children = list(
        escalation.children.order_by("pk").values_list(
            "raising_case_number", "receiving_case_number", "age_band"
        )
    )
    assert children == [("POL-123456", "CSC-998", "Under 1"), ("POL-123457", "", "")]
    assert StageRecord.objects.filter(escalation=escalation, stage=1).exists()
    assert "raise" not in client.session

    confirmation = client.get(response["Location"])
    assert confirmation.status_code == 200
    page = confirmation.content.decode()
    assert "ESC-2026-0001" in page
    assert "due by 5pm on Monday 7 December 2026, in 3 working days" in page
    assert "govuk-panel--confirmation" in page


def test_an_urgent_escalation_can_start_at_stage_2_and_is_due_in_hours(
    client, world, clock, raiser
):
    urgent = {"family_informed": "yes", "urgency": "2"}
    answer_up_to(client, world, **{"raise-urgency": urgent})
    response = post(client, "raise-check", {})
    escalation = Escalation.objects.get()
    assert escalation.urgent
    assert escalation.stage == 2
    assert escalation.status == "stage_2"
    page = client.get(response["Location"]).content.decode()
    assert "due by 10am on Thursday 3 December 2026, in 24 hours" in page


def test_a_system_issue_asks_nothing_about_a_child(client, world, clock, raiser):
    post(client, "raise", {"immediate_risk": "no"})
    post(client, "raise-route", {"route": "none"})
    post(client, "raise-subject", {"subject": "thematic"}, expect=url("raise-agency"))
    agency_page = client.get(url("raise-agency")).content.decode()
    assert 'name="case_status"' not in agency_page
    assert client.get(url("raise-children"))["Location"] == url("raise-agency")
    post(
        client,
        "raise-agency",
        {"receiving_agency": str(world.csc.agency.pk), "category": "resources"},
    )
    post(client, "raise-disagreement", answers(world)["raise-disagreement"])
    urgency_page = client.get(url("raise-urgency")).content.decode()
    assert 'name="family_informed"' not in urgency_page
    post(client, "raise-urgency", {"urgency": "standard"}, expect=url("raise-check"))
    post(client, "raise-check", {})
    escalation = Escalation.objects.get()
    assert escalation.subject == "thematic"
    assert not escalation.children.exists()


# immediate risk and other processes -------------------------------------------------------


def test_a_child_at_immediate_risk_needs_action_first_and_makes_it_urgent(
    client, world, clock, raiser
):
    post(client, "raise", {"immediate_risk": "yes"}, expect=url("raise-acted"))
    act_now = client.get(url("raise-acted")).content.decode()
    assert "999" in act_now
    assert "front door" in act_now
    acted = {
        "confirmed": "on",
        "acted_day": "2",
        "acted_month": "12",
        "acted_year": "2026",
        "acted_time": "9:30am",
    }
    post(client, "raise-acted", acted, expect=url("raise-route"))
    assert list(Signposting.objects.values_list("route", "agency", "partnership")) == [
        (SignpostRoute.IMMEDIATE_RISK, world.police.agency.pk, world.partnership.pk)
    ]
    # the same journey sending the page again counts once
    post(client, "raise-acted", acted)
    assert Signposting.objects.count() == 1

    answer_up_to(client, world, "raise-urgency", **{"raise": {"immediate_risk": "yes"}})
    urgency_page = client.get(url("raise-urgency")).content.decode()
    assert 'value="standard"' not in urgency_page
    refused = client.post(url("raise-urgency"), {"family_informed": "yes", "urgency": "standard"})
    assert refused.status_code == 200
    assert error_summary(refused) == ["#id_urgency_0"]

    post(client, "raise-urgency", {"family_informed": "yes", "urgency": "1"})
    check = client.get(url("raise-check")).content.decode()
    assert "At 9:30am on Wednesday 2 December 2026" in check
    post(client, "raise-check", {})
    escalation = Escalation.objects.get()
    assert escalation.immediate_risk
    assert escalation.urgent
    assert escalation.immediate_action_at == dt.datetime(2026, 12, 2, 9, 30, tzinfo=GMT)


@pytest.mark.parametrize(
    ("acted", "field", "message"),
    [
        ({}, "#id_acted_day", "Enter the date you acted"),
        ({"acted_month": ""}, "#id_acted_month", "must include a month"),
        ({"acted_day": "31", "acted_month": "2"}, "#id_acted_day", "must be a real date"),
        ({"acted_day": "3"}, "#id_acted_day", "must be today or in the past"),
        ({"acted_time": "11:00"}, "#id_acted_time", "must be in the past"),
        ({"acted_time": "half past"}, "#id_acted_time", "like 9:30am or 14:00"),
        ({"acted_time": ""}, "#id_acted_time", "Enter the time you acted"),
        ({"acted_year": "26"}, "#id_acted_year", "The year must include 4 numbers"),
        ({"acted_day": "999"}, "#id_acted_day", "must be a real date"),
        ({"acted_month": "13"}, "#id_acted_month", "The date you acted must be a real date"),
        ({"confirmed": ""}, "#id_confirmed", "Confirm that you have acted"),
    ],
)
def test_when_you_acted_must_be_a_real_moment_in_the_past(
    client, world, clock, raiser, acted, field, message
):
    post(client, "raise", {"immediate_risk": "yes"})
    data = {
        "confirmed": "on",
        "acted_day": "2",
        "acted_month": "12",
        "acted_year": "2026",
        "acted_time": "9:30",
    }
    data.update(acted)
    if not acted:
        data.update(acted_day="", acted_month="", acted_year="")
    response = client.post(
        url("raise-acted"), {k: v for k, v in data.items() if v or k != "confirmed"}
    )
    assert response.status_code == 200
    assert field in error_summary(response)
    assert message in response.content.decode()
    assert response.content.decode().count("<title>Error: ") == 1
    assert not Signposting.objects.exists()


@pytest.mark.parametrize(
    "route",
    [
        SignpostRoute.COMPLAINT,
        SignpostRoute.CONFERENCE,
        SignpostRoute.IRO,
        SignpostRoute.LADO,
        SignpostRoute.SINGLE_AGENCY,
    ],
)
def test_another_process_is_signposted_and_counted_and_nothing_is_raised(
    client, world, clock, raiser, route
):
    post(client, "raise", {"immediate_risk": "no"})
    response = post(client, "raise-route", {"route": route})
    assert response["Location"] == url("raise-elsewhere", route=route)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert raising.ELSEWHERE[route].replace("'", "&#x27;") in page.content.decode()
    signposting = Signposting.objects.get()
    assert signposting.route == route
    assert signposting.partnership == world.partnership
    assert signposting.agency == world.police.agency
    post(client, "raise-route", {"route": route})
    assert Signposting.objects.count() == 1
    # the journey cannot go on to raise from here
    assert client.get(url("raise-subject"))["Location"] == url("raise-route")
    assert client.post(url("raise-check"))["Location"] == url("raise-route")
    assert not Escalation.objects.exists()


def test_an_unknown_process_is_not_found(client, world, raiser):
    assert client.get(url("raise-elsewhere", route="nonsense")).status_code == 404


# bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "anchor"),
    [
        ("raise", "#id_immediate_risk_0"),
        ("raise-route", "#id_route_0"),
        ("raise-subject", "#id_subject_0"),
        ("raise-children", "#id_child_1_raising"),
        ("raise-agency", "#id_receiving_agency"),
        ("raise-disagreement", "#id_decision_disputed"),
        ("raise-urgency", "#id_family_informed_0"),
    ],
)
def test_a_page_sent_empty_comes_back_with_errors_linking_to_each_field(
    client, world, clock, raiser, page, anchor
):
    answer_up_to(client, world, page)
    before = dict(client.session.get("raise", {}))
    response = client.post(url(page), {})
    assert response.status_code == 200
    assert error_summary(response)[0] == anchor
    assert "<title>Error: " in response.content.decode()
    assert dict(client.session.get("raise", {})) == before
    assert not Escalation.objects.exists()
    assert not Signposting.objects.exists()


def test_every_empty_required_field_of_a_page_is_listed(client, world, clock, raiser):
    answer_up_to(client, world, "raise-disagreement")
    response = client.post(url("raise-disagreement"), {})
    assert error_summary(response) == [
        "#id_decision_disputed",
        "#id_reasons",
        "#id_impact_on_child",
        "#id_outcome_sought",
    ]


@pytest.mark.parametrize(
    "field", ["decision_disputed", "reasons", "impact_on_child", "outcome_sought"]
)
def test_over_long_text_is_refused(client, world, clock, raiser, field):
    answer_up_to(client, world, "raise-disagreement")
    data = dict(answers(world)["raise-disagreement"])
    data[field] = "x" * 5001
    response = client.post(url("raise-disagreement"), data)
    assert response.status_code == 200
    assert error_summary(response) == [f"#id_{field}"]
    assert "must be 5,000 characters or fewer" in response.content.decode()
    assert "disagreement" not in client.session["raise"]


def test_a_new_line_counts_as_one_character_as_the_character_count_shows(
    client, world, clock, raiser
):
    answer_up_to(client, world, "raise-disagreement")
    data = dict(answers(world)["raise-disagreement"])
    data["reasons"] = ("x" * 99 + "\r\n") * 49 + "x" * 100  # 5,000 characters, 5,049 sent
    post(client, "raise-disagreement", data)
    assert len(client.session["raise"]["disagreement"]["reasons"]) == 5000


@pytest.mark.parametrize(
    ("children", "anchor", "message"),
    [
        ({"child_1_raising": "P" * 51}, "#id_child_1_raising", "50 characters or fewer"),
        ({"child_1_receiving": "C" * 51}, "#id_child_1_receiving", "50 characters or fewer"),
        ({"child_1_raising": "Jane Smith"}, "#id_child_1_raising", "not a name"),
        ({"child_2_raising": "POL-123456"}, "#id_child_2_raising", "same case number"),
        (
            {"child_2_raising": "", "child_2_age_band": "Under 1"},
            "#id_child_2_raising",
            "or leave the second child blank",
        ),
        ({"child_1_age_band": "Teenager"}, "#id_child_1_age_band", "from the list"),
        ({"child_1_raising": "POL\x00123"}, "#id_child_1_raising", "Null characters"),
    ],
)
def test_children_are_case_numbers_never_names(
    client, world, clock, raiser, children, anchor, message
):
    answer_up_to(client, world, "raise-children")
    data = dict(answers(world)["raise-children"])
    data.update(children)
    response = client.post(url("raise-children"), data)
    assert response.status_code == 200
    assert error_summary(response) == [anchor]
    assert message in response.content.decode()
    assert "children" not in client.session["raise"]


@pytest.mark.parametrize("which", ["another partnership's", "own", "inactive", "not a number"])
def test_only_another_active_agency_of_the_partnership_can_receive(
    client, world, clock, raiser, which
):
    answer_up_to(client, world, "raise-agency")
    if which == "another partnership's":
        agency_id: Any = make_world().csc.agency.pk
    elif which == "own":
        agency_id = world.police.agency.pk
    elif which == "inactive":
        agency_id = Agency.objects.create(
            partnership=world.partnership,
            name="Closed Trust",
            sector=Sector.HEALTH_HOSPITAL,
            active_to=dt.date(2026, 1, 1),
        ).pk
    else:
        agency_id = "1 OR 1=1"
    data = dict(answers(world)["raise-agency"], receiving_agency=str(agency_id))
    response = client.post(url("raise-agency"), data)
    assert response.status_code == 200
    assert error_summary(response) == ["#id_receiving_agency"]
    assert "Choose an agency of your partnership from the list" in response.content.decode()
    assert "agency" not in client.session["raise"]
    assert not Escalation.objects.exists()


def test_the_agency_list_is_the_partnerships_other_active_agencies(client, world, raiser):
    make_world()  # another partnership's agencies
    answer_up_to(client, world, "raise-agency")
    page = client.get(url("raise-agency")).content.decode()
    options = re.findall(r'<option value="(\d+)"', page)
    assert sorted(int(pk) for pk in options) == sorted(
        Agency.objects.filter(partnership=world.partnership)
        .exclude(pk=world.police.agency.pk)
        .values_list("pk", flat=True)
    )


def test_the_family_not_told_needs_a_reason(client, world, clock, raiser):
    answer_up_to(client, world, "raise-urgency")
    response = client.post(url("raise-urgency"), {"family_informed": "not_safe", "urgency": "1"})
    assert error_summary(response) == ["#id_family_not_informed_reason"]


@pytest.mark.parametrize(
    ("page", "data"),
    [
        ("raise", {"immediate_risk": "maybe"}),
        ("raise-route", {"route": "<script>"}),
        ("raise-urgency", {"family_informed": "yes", "urgency": "4"}),
        ("raise-agency", {"receiving_agency": "99999999999999999999999", "category": "x"}),
    ],
)
def test_made_up_answers_come_back_as_errors_not_server_errors(
    client, world, clock, raiser, page, data
):
    answer_up_to(client, world, page)
    response = client.post(url(page), data)
    assert response.status_code == 200
    assert error_summary(response)


def test_text_is_shown_escaped(client, world, clock, raiser):
    script = "<script>alert('x')</script>"
    disagreement = dict(answers(world)["raise-disagreement"], reasons=script)
    answer_up_to(client, world, **{"raise-disagreement": disagreement})
    html = client.get(url("raise-check")).content.decode()
    assert script not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


# the check page ---------------------------------------------------------------------------


def test_a_refusal_shows_on_the_check_page_and_writes_nothing(
    client, world, clock, raiser, monkeypatch
):
    answer_up_to(client, world)

    def refuse(**kwargs: Any) -> Escalation:
        raise Refused("Choose an active agency of this partnership to receive the escalation.")

    monkeypatch.setattr(answers_page, "escalation_raise", refuse)
    response = client.post(url("raise-check"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: " in html
    assert error_summary(response) == ["#main-content"]
    assert "Choose an active agency of this partnership" in html
    assert "raise" in client.session
    assert not Escalation.objects.exists()


def test_the_check_page_with_no_answers_goes_back_to_the_first_question(
    client, world, clock, raiser
):
    assert client.post(url("raise-check"))["Location"] == url("raise")
    assert client.get(url("raise-check"))["Location"] == url("raise")
    assert not Escalation.objects.exists()


def test_the_check_page_with_missing_answers_goes_to_the_first_missing_page(
    client, world, clock, raiser
):
    answer_up_to(client, world)
    session = client.session
    del session["raise"]["agency"]
    session.save()
    assert client.post(url("raise-check"))["Location"] == url("raise-agency")
    assert not Escalation.objects.exists()


def test_answers_that_no_longer_hold_are_shown_again_with_the_reason(client, world, clock, raiser):
    answer_up_to(client, world)
    world.csc.agency.active_to = dt.date(2026, 12, 1)
    world.csc.agency.save()
    response = client.post(url("raise-check"))
    assert response["Location"] == url("raise-agency") + "?change=1"
    page = client.get(response["Location"])
    assert error_summary(page) == ["#id_receiving_agency"]
    assert not Escalation.objects.exists()


def test_a_garbled_session_goes_back_to_the_start(client, world, clock, raiser):
    session = client.session
    session["raise"] = ["not", "a", "dict"]
    session.save()
    assert client.post(url("raise-check"))["Location"] == url("raise")


def test_pages_cannot_be_skipped(client, world, raiser):
    assert client.get(url("raise-agency"))["Location"] == url("raise")
    post(client, "raise", {"immediate_risk": "no"})
    assert client.get(url("raise-disagreement"))["Location"] == url("raise-route")


def test_a_change_from_the_check_page_comes_back_to_it(client, world, clock, raiser):
    answer_up_to(client, world)
    changed = dict(answers(world)["raise-agency"], category="drift")
    response = client.post(url("raise-agency") + "?change=1", changed)
    assert response["Location"] == url("raise-check")
    assert "Drift in a plan" in client.get(url("raise-check")).content.decode()


def test_a_change_to_immediate_risk_asks_what_it_needs_then_comes_back(
    client, world, clock, raiser
):
    answer_up_to(client, world)
    response = client.post(url("raise") + "?change=1", {"immediate_risk": "yes"})
    assert response["Location"] == url("raise-acted") + "?change=1"
    acted = {
        "confirmed": "on",
        "acted_day": "2",
        "acted_month": "12",
        "acted_year": "2026",
        "acted_time": "09:45",
    }
    client.post(response["Location"], acted)
    # "not urgent" no longer holds for a child at immediate risk
    response = client.get(url("raise-check"))
    assert response["Location"] == url("raise-urgency") + "?change=1"
    assert error_summary(client.get(response["Location"])) == ["#id_urgency_0"]


def test_the_check_page_reads_little(client, world, clock, raiser, django_assert_max_num_queries):
    answer_up_to(client, world)
    with django_assert_max_num_queries(8 + 6):  # 6: the navigation's count (once a session)
        response = client.get(url("raise-check"))
    assert response.status_code == 200


def test_the_pages_have_titles_and_back_links(client, world, clock, raiser):
    first = client.get(url("raise")).content.decode()
    assert (
        "<title>Is a child at immediate risk of significant harm? – Raise an escalation – "
        "Resolve</title>"
    ) in first
    assert f'<a href="{reverse("escalations:inbox")}" class="govuk-back-link">' in first
    post(client, "raise", {"immediate_risk": "no"})
    route = client.get(url("raise-route")).content.decode()
    assert f'<a href="{url("raise")}" class="govuk-back-link">Back</a>' in route
    assert 'name="csrfmiddlewaretoken"' in route


# who may raise ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["analyst", "scrutineer", "lead", "senior manager"])
@pytest.mark.parametrize("page", ["raise", "raise-children", "raise-check"])
def test_only_practitioners_and_managers_can_raise(client, world, who, page):
    user = {
        "analyst": world.analyst,
        "scrutineer": world.scrutineer,
        "lead": world.lead,
        "senior manager": world.police.senior_manager,
    }[who]
    client.force_login(user)
    response = client.post(url(page), {"immediate_risk": "no"})
    assert response.status_code == 403
    assert "Only practitioners and managers of a partner agency" in response.content.decode()
    assert not Signposting.objects.exists()


def test_a_manager_can_raise(client, world, clock):
    client.force_login(world.police.manager)
    assert client.get(url("raise")).status_code == 200


def test_people_who_are_not_signed_in_are_sent_to_sign_in(client, world):
    for page in ("raise", "raise-check"):
        response = client.get(url(page))
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    assert url("raise") == "/escalations/new/"


def test_only_the_raiser_sees_the_confirmation(client, world, clock, raiser):
    answer_up_to(client, world)
    confirmation = post(client, "raise-check", {})["Location"]
    client.force_login(world.police.manager)  # can see the escalation, did not raise it
    assert client.get(confirmation).status_code == 404


def test_the_error_summary_follows_the_order_of_the_page(client, world, clock, raiser):
    answer_up_to(client, world, "raise-urgency")
    response = client.post(url("raise-urgency"), {"family_informed": "no"})
    assert error_summary(response) == ["#id_family_not_informed_reason", "#id_urgency_0"]
    post(client, "raise", {"immediate_risk": "yes"})
    response = client.post(url("raise-acted"), {})
    assert error_summary(response) == ["#id_acted_day", "#id_acted_time", "#id_confirmed"]


def test_a_page_of_one_question_is_titled_by_it(client, world, clock, raiser):
    post(client, "raise", {"immediate_risk": "no"})
    post(client, "raise-route", {"route": "none"})
    post(client, "raise-subject", {"subject": "thematic"})
    post(
        client, "raise-agency", {"receiving_agency": str(world.csc.agency.pk), "category": "other"}
    )
    post(client, "raise-disagreement", answers(world)["raise-disagreement"])
    page = client.get(url("raise-urgency")).content.decode()
    assert "<title>How urgent is it? – Raise an escalation – Resolve</title>" in page
    assert '<h1 class="govuk-fieldset__heading">How urgent is it?</h1>' in page


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14:30", dt.time(14, 30)),
        ("2:30pm", dt.time(14, 30)),
        ("2pm", dt.time(14, 0)),
        ("9.05 am", dt.time(9, 5)),
        ("12am", dt.time(0, 0)),
        ("12pm", dt.time(12, 0)),
        ("midday", dt.time(12, 0)),
        ("Midnight", dt.time(0, 0)),
        ("13pm", None),
        ("24:00", None),
        ("14", None),
        ("9:75", None),
        ("soon", None),
    ],
)
def test_times_are_read_as_people_write_them(text, expected):
    assert parse_time(text) == expected
