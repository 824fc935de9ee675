"""Identifying details in free text (issue 12, item 7): before a response, a note, a resolution
or a raised escalation is saved, text that looks like a date of birth, a postcode, a street
address, an NHS number or a full name gets a warning; the writer removes it or says why it must
stay, and that reason (never the text) is kept in the security log."""

from __future__ import annotations

import pytest

from escalations.models import Escalation, SecurityEvent, StageRecord
from tests.escalations.test_views_detail import client_for
from tests.escalations.test_views_raising import answer_up_to, answers, post
from tests.escalations.test_views_raising import url as raise_url
from tests.factories import raise_one

pytestmark = pytest.mark.django_db

WARNING = "This looks as if it could identify someone"
NAMED = "Jayden Smith was seen at 14 Acacia Avenue on Tuesday."


def respond(client, escalation, text: str, keep: str = ""):
    return client.post(
        f"/escalations/{escalation.reference}/respond/",
        {"decision": "stands", "response": text, "expected_stage": 1, "keep_because": keep},
    )


def kept() -> list[SecurityEvent]:
    return list(SecurityEvent.objects.filter(kind="identifying_details_kept"))


def test_a_name_and_an_address_in_a_response_are_warned_of_and_nothing_is_saved(world, clock):
    escalation = raise_one(world)
    page = respond(client_for(world.csc.practitioner), escalation, NAMED)
    assert page.status_code == 200
    html = page.content.decode()
    assert WARNING in html
    assert "a street address in ‘Why did your agency decide this?’" in html
    assert "a person&#x27;s full name in ‘Why did your agency decide this?’" in html
    assert 'href="#id_keep_because"' in html  # the error summary leads to the reason
    assert not StageRecord.objects.filter(escalation=escalation, decision="stands").exists()


def test_removing_them_saves_it_with_nothing_logged(world, clock):
    escalation = raise_one(world)
    client = client_for(world.csc.practitioner)
    respond(client, escalation, NAMED)
    done = respond(client, escalation, "The child was seen at home on Tuesday.")
    assert done.status_code == 302
    assert StageRecord.objects.filter(escalation=escalation, decision="stands").exists()
    assert kept() == []


def test_saying_why_they_must_stay_saves_it_and_logs_why_never_the_text(world, clock):
    escalation = raise_one(world)
    client = client_for(world.csc.practitioner)
    done = respond(client, escalation, NAMED, keep="Police need the address to find the call.")
    assert done.status_code == 302
    (event,) = kept()
    assert event.by == world.csc.practitioner
    assert event.detail.startswith(f"{escalation.reference}: address in response; name in")
    assert "Police need the address" in event.detail
    assert "Jayden" not in event.detail
    assert "Acacia" not in event.detail


def test_the_reason_must_not_repeat_the_details(world, clock):
    escalation = raise_one(world)
    page = respond(
        client_for(world.csc.practitioner), escalation, NAMED, keep="Jayden Smith needs it."
    )
    assert page.status_code == 200
    assert "Say why without repeating the details" in page.content.decode()
    assert kept() == []


def test_a_note_with_a_postcode_is_warned_of(world, clock):
    escalation = raise_one(world)
    client = client_for(world.police.practitioner)
    page = client.post(
        f"/escalations/{escalation.reference}/note/", {"text": "Family moved to NS1 4AB."}
    )
    assert page.status_code == 200
    assert "a postcode in ‘Add a note’" in page.content.decode()


def test_the_raise_journey_warns_and_records_the_reason_with_the_new_reference(client, world):
    client.force_login(world.police.practitioner)
    answer_up_to(client, world, "raise-disagreement")
    disagreement = answers(world)["raise-disagreement"]
    warned = client.post(
        raise_url("raise-disagreement"), {**disagreement, "reasons": "DOB 01/02/2016."}
    )
    assert warned.status_code == 200
    assert "a date of birth in ‘Why do you disagree?’" in warned.content.decode()
    post(
        client,
        "raise-disagreement",
        {**disagreement, "reasons": "DOB 01/02/2016.", "keep_because": "Two children, one case."},
    )
    post(client, "raise-urgency", answers(world)["raise-urgency"])
    post(client, "raise-check", {})
    escalation = Escalation.objects.get()
    (event,) = kept()
    assert event.detail == (
        f"{escalation.reference}: date_of_birth in reasons. Kept because: Two children, one case."
    )


def test_ordinary_text_gets_no_warning(world, clock):
    escalation = raise_one(world)
    done = respond(
        client_for(world.csc.practitioner),
        escalation,
        "POL-2026-000123: threshold not met on 12/11/2026; Northshire Police were told.",
    )
    assert done.status_code == 302


# --- the API asks the same ---------------------------------------------------------------------


def test_the_api_refuses_identifying_details_unless_told_why(world, clock):
    from tests.api.conftest import client_for as api_client_for

    escalation = raise_one(world)
    client = api_client_for(world.csc.practitioner)
    path = f"/api/v1/escalations/{escalation.reference}/respond/"
    refused = client.post(path, {"decision": "stands", "response": NAMED}, format="json")
    assert refused.status_code in (400, 422)
    problem = refused.json()
    assert "keep_identifying_because" in str(problem)
    assert "a street address in response" in str(problem)
    assert not StageRecord.objects.filter(escalation=escalation, decision="stands").exists()
    done = client.post(
        path,
        {"decision": "stands", "response": NAMED, "keep_identifying_because": "Police need it."},
        format="json",
    )
    assert done.status_code == 200
    (event,) = kept()
    assert event.detail.endswith("Kept because: Police need it.")
    assert "Acacia" not in event.detail
