"""The API's escalations (issue 10): raising (once, with an Idempotency-Key), the list and one
escalation as the caller may see them, the actions, and refusals as problems carrying the
rulebook's reason."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from escalations import services
from escalations.models import Escalation, ViewLog
from tests.api.conftest import client_for, post
from tests.factories import raise_one

LIST = "/api/v1/escalations/"


def raise_body(world, **overrides):
    body = {
        "receiving_agency": world.csc.agency.pk,
        "category": "threshold",
        "child_reference": "POL-778812",
        "decision_disputed": "Referral closed at the front door.",
        "reasons": "Third domestic abuse incident in a month, baby in the home.",
        "outcome_sought": "A strategy discussion.",
    }
    return {**body, **overrides}


def url(escalation: Escalation, action: str = "") -> str:
    return f"{LIST}{escalation.reference}/" + (f"{action}/" if action else "")


def test_a_practitioner_raises_through_the_api(world, clock):
    response = post(client_for(world.police.practitioner), LIST, raise_body(world))
    assert response.status_code == 201
    body = response.json()
    escalation = Escalation.objects.get(reference=body["reference"])
    assert (escalation.raised_by, escalation.status) == (world.police.practitioner, "stage_1")
    assert body["actions"] == ["escalate", "resolve", "withdraw", "extend", "hand_over", "note"]
    assert escalation.history.get().history_change_reason == "Raised (through the API)"


def test_a_retried_raise_with_the_same_key_raises_it_once(world, clock):
    client = client_for(world.police.practitioner)
    first = post(client, LIST, raise_body(world), **{"Idempotency-Key": "mosaic-7731"})
    again = post(client, LIST, raise_body(world), **{"Idempotency-Key": "mosaic-7731"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["reference"] == first.json()["reference"]
    assert Escalation.objects.count() == 1


def test_the_same_key_for_a_different_raise_is_a_conflict(world, clock):
    client = client_for(world.police.practitioner)
    post(client, LIST, raise_body(world), **{"Idempotency-Key": "mosaic-7731"})
    other = post(
        client,
        LIST,
        raise_body(world, child_reference="POL-9"),
        **{"Idempotency-Key": "mosaic-7731"},
    )
    assert other.status_code == 409
    assert Escalation.objects.count() == 1


def test_another_person_may_use_the_same_key(world, clock):
    post(
        client_for(world.police.practitioner), LIST, raise_body(world), **{"Idempotency-Key": "k1"}
    )
    theirs = post(
        client_for(world.police.manager), LIST, raise_body(world), **{"Idempotency-Key": "k1"}
    )
    assert theirs.status_code == 201
    assert Escalation.objects.count() == 2


def test_a_name_for_a_case_number_is_a_400_naming_the_field(world, clock):
    response = post(
        client_for(world.police.practitioner),
        LIST,
        raise_body(world, child_reference="Jayden Smith"),
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert (problem["field"], problem["status"]) == ("child_reference", 400)
    assert "not a name" in problem["detail"]
    assert not Escalation.objects.exists()


def test_a_missing_field_is_a_400_listing_it(world, clock):
    body = raise_body(world)
    del body["reasons"]
    problem = post(client_for(world.police.practitioner), LIST, body).json()
    assert problem["status"] == 400
    assert "reasons" in problem["errors"]


def test_partnership_staff_may_not_raise(world, clock):
    response = post(client_for(world.lead), LIST, raise_body(world))
    assert response.status_code == 403
    assert "practitioner or manager" in response.json()["detail"]


def test_the_list_holds_only_what_the_caller_may_see(world, clock):
    mine = raise_one(world)
    raise_one(world, raised_by=world.outsider, receiving_agency=world.police.agency)
    seen = client_for(world.csc.practitioner).get(LIST).json()["results"]
    assert [row["reference"] for row in seen] == [mine.reference]
    assert client_for(world.analyst).get(LIST).json()["results"] == []


def test_the_list_filters_and_pages_by_cursor(world, clock):
    for _ in range(3):
        raise_one(world)
    first = raise_one(world)
    services_escalate(world, first)
    client = client_for(world.lead)
    stage_2 = client.get(LIST, {"stage": 2}).json()["results"]
    assert [row["reference"] for row in stage_2] == [first.reference]
    page = client.get(LIST, {"page_size": 2}).json()
    assert len(page["results"]) == 2
    rest = client.get(page["next"]).json()
    assert len(rest["results"]) == 2
    assert rest["next"] is None
    bad = client.get(LIST, {"stage": 9})
    assert (bad.status_code, "stage" in bad.json()["errors"]) == (400, True)


def services_escalate(world, escalation):
    services.escalation_escalate(
        escalation=escalation, by=world.police.practitioner, reason="No agreement."
    )


def test_an_escalation_the_caller_may_not_see_does_not_exist(world, clock):
    escalation = raise_one(world)
    for who in (world.outsider, world.analyst, world.police.colleague):
        client = client_for(who)
        assert client.get(url(escalation)).status_code == 404
        refused = post(client, url(escalation, "withdraw"), {"reason": "Mine now."})
        assert refused.status_code == 404
    assert Escalation.objects.get(pk=escalation.pk).status == "stage_1"


def test_one_escalation_shows_what_the_caller_may_do_and_logs_the_opening(world, clock):
    escalation = raise_one(world)
    body = client_for(world.csc.practitioner).get(url(escalation)).json()
    assert body["actions"] == ["acknowledge", "respond", "escalate", "extend", "hand_over", "note"]
    assert [stage["stage"] for stage in body["stages"]] == [1]
    assert body["due"]["time_left"] == "3 working days left"
    assert body["timeline"][0]["what"] == "Raised"
    assert ViewLog.objects.filter(escalation=escalation, user=world.csc.practitioner).exists()


def test_an_escalation_is_read_in_a_fixed_number_of_queries(
    world, clock, django_assert_max_num_queries
):
    escalation = raise_one(world)
    client = client_for(world.csc.practitioner)
    with django_assert_max_num_queries(40):
        client.get(url(escalation))


def test_an_action_refused_by_the_rulebook_is_a_403_with_its_reason(world, clock):
    escalation = raise_one(world)
    response = post(
        client_for(world.csc.practitioner), url(escalation, "withdraw"), {"reason": "x"}
    )
    assert response.status_code == 403
    assert response.json()["type"] == "urn:resolve:problem:forbidden"
    assert "raising side" in response.json()["detail"]


def test_a_form_for_a_stage_that_has_moved_on_is_a_409(world, clock):
    escalation = raise_one(world)
    services_escalate(world, escalation)
    response = post(
        client_for(world.police.practitioner),
        url(escalation, "withdraw"),
        {"reason": "Sorted.", "expected_stage": 1},
    )
    assert response.status_code == 409
    assert "moved on to stage 2" in response.json()["detail"]


def test_the_whole_dispute_through_the_api(world, clock):
    escalation = raise_one(world)
    raiser, receiver = client_for(world.police.practitioner), client_for(world.csc.practitioner)
    assert post(receiver, url(escalation, "acknowledge"), {"expected_stage": 1}).status_code == 200
    responded = post(
        receiver,
        url(escalation, "respond"),
        {"decision": "stands", "response": "Threshold not met.", "expected_stage": 1},
    )
    assert responded.status_code == 200
    escalated = post(raiser, url(escalation, "escalate"), {"reason": "No.", "expected_stage": 1})
    assert escalated.json()["stage"] == 2
    resolved = post(
        raiser,
        url(escalation, "resolve"),
        {
            "outcome": "decision_changed",
            "summary": "Strategy discussion held.",
            "agreed_actions": "Section 47 enquiry.",
            "expected_stage": 2,
        },
    )
    assert (resolved.status_code, resolved.json()["status"]) == (200, "resolved")
    filed = post(raiser, url(escalation, "case-file/1"), {"reference": "NICHE-1"})
    assert filed.status_code == 200
    reasons = list(
        Escalation.objects.get(pk=escalation.pk)
        .history.order_by("history_id")
        .values_list("history_change_reason", flat=True)
    )
    assert reasons[-1] == "Resolved: Decision changed (through the API)"


def test_the_list_makes_no_query_per_row(world, clock):
    for _ in range(5):
        raise_one(world)
    client = client_for(world.lead)
    client.get(LIST)  # the token's first use is written once
    with CaptureQueriesContext(connection) as few:
        client.get(LIST, {"page_size": 1})
    with CaptureQueriesContext(connection) as many:
        client.get(LIST, {"page_size": 5})
    assert len(many) == len(few)


@pytest.mark.parametrize("who", ["analyst", "lead"])
def test_the_partnership_team_and_analysts_read_the_report_figures(world, clock, who):
    raise_one(world)
    body = client_for(getattr(world, who)).get("/api/v1/reports/annual/2026/").json()
    assert (body["year"], body["edition"], body["raised"]) == (2026, "internal", 1)


def test_practitioners_get_no_report_figures(world, clock):
    response = client_for(world.police.practitioner).get("/api/v1/reports/annual/2026/")
    assert response.status_code == 403


@pytest.mark.parametrize(("path", "body"), [
    ("notes", {"text": "Chased by phone."}),
    ("case-file/1", {"reference": "NICHE-1"}),
])  # fmt: skip
def test_a_note_or_case_file_confirmation_for_a_stage_that_has_moved_on_is_a_409(
    world, clock, path, body
):
    escalation = raise_one(world)
    services_escalate(world, escalation)
    response = post(
        client_for(world.police.practitioner), url(escalation, path), {**body, "expected_stage": 1}
    )
    assert response.status_code == 409
    fresh = post(
        client_for(world.police.practitioner), url(escalation, path), {**body, "expected_stage": 2}
    )
    assert fresh.status_code in (200, 201)
