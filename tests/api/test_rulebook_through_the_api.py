"""The transition matrix through the API, against the rulebook's expected-results table
(``tests/workflows/test_transition_matrix.py``): every allowed action carried out through the
API, every refusal with its status code: 403 not this person's to do, 409 closed or not in a
state for it, and 404 for anyone who may not see the escalation (section 5: to them it does
not exist; who may see it is the table's ``add_note`` row)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from escalations.models import Escalation, Extension, User
from tests.api.conftest import client_for, post
from tests.workflows.test_transition_matrix import (
    EXPECTED,
    VARIANT,
    hand_over_people,
    person,
    scene,  # noqa: F401 - the module's world, built once
    snapshot,
)
from workflows.calendar import add_working_days

STATUS = {"F": 403, "C": 409}


def request_of(action: str, escalation: Escalation, user: User) -> tuple[str, dict[str, Any]]:
    """The API call of an action: its path under the escalation and its body."""
    if action == "acknowledge":
        return "acknowledge", {}
    if action == "respond":
        return "respond", {"decision": "changed", "response": "Strategy discussion."}
    if action == "escalate":
        return "escalate", {"reason": "Still no agreement."}
    if action == "resolve":
        return "resolve", {
            "outcome": "decision_changed",
            "summary": "Strategy discussion held.",
            "agreed_actions": "Section 47 enquiry started.",
        }
    if action == "withdraw":
        return "withdraw", {"reason": "New information."}
    if action.startswith("propose_"):
        record = escalation.stage_records.get(stage=escalation.stage)
        after = max(timezone.localtime(record.due_at).date(), timezone.localdate())
        return "extensions", {
            "new_due_date": add_working_days(after, 2).isoformat(),
            "reason": "The strategy meeting moved.",
        }
    if action.startswith("accept_"):
        extension = Extension.objects.get(stage_record__escalation=escalation)
        return f"extensions/{extension.pk}/accept", {}
    if action == "hand_over":
        holder, colleague = hand_over_people(escalation, user)
        return "hand-over", {"to": colleague.username, "holder": holder.username}
    if action == "add_note":
        return "notes", {"text": "Spoke to the team manager today."}
    if action == "record_stage_1_on_case_file":
        return "case-file/1", {"reference": "CN-4471"}
    return meeting_request_of(action, escalation)


def meeting_request_of(action: str, escalation: Escalation) -> tuple[str, dict[str, Any]]:
    """The stage 4 meeting's three actions, as in the table's own calls: the lead and the
    receiving agency's senior manager invited, the lead attending."""
    from escalations.models import Role

    lead = User.objects.get(
        membership__partnership=escalation.partnership, membership__role=Role.PARTNERSHIP_LEAD
    )
    senior = User.objects.get(
        membership__agency=escalation.receiving_agency, membership__role=Role.SENIOR_MANAGER
    )
    if action == "convene_meeting":
        return "meeting", {
            "meets_at": (timezone.now() + dt.timedelta(days=5)).isoformat(),
            "invited": [lead.username, senior.username],
            "positions_due_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
        }
    if action == "give_position":
        return "meeting/position", {"position": "The plan stands: a child in need plan."}
    if action == "record_meeting":
        return "meeting/record", {
            "held_on": timezone.localdate().isoformat(),
            "attended": [lead.username],
        }
    raise AssertionError(action)


CASES = [
    pytest.param(state, action, who, id=f"{state}-{action}-{who}")
    for (action, state, who) in EXPECTED
    if who != "system"
]


@pytest.mark.parametrize(("state", "action", "who"), CASES)
def test_each_action_through_the_api_is_done_or_refused_as_the_table_says(
    scene,  # noqa: F811
    db,
    clock,
    state,
    action,
    who,
):
    user = person(scene.world, state, who)
    escalation = scene.escalation(state, VARIANT.get(action))
    path, body = request_of(action, escalation, user)
    client = client_for(user)
    before = snapshot(escalation.pk)

    response = post(client, f"/api/v1/escalations/{escalation.reference}/{path}/", body)

    want = EXPECTED[action, state, who]
    if want == "Y":
        assert response.status_code in (200, 201), response.json()
        assert changed(action, escalation, user, before)
        return
    sees = EXPECTED["add_note", state, who] == "Y"
    assert response.status_code == (STATUS[want] if sees else 404), response.json()
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"]
    assert snapshot(escalation.pk) == before


def changed(action: str, escalation: Escalation, user: User, before: dict[str, Any]) -> bool:
    """The action had its effect: on the escalation's own records, or on its meeting."""
    from escalations.models import AgencyPosition, Meeting

    if action == "give_position":
        return AgencyPosition.objects.filter(
            meeting__stage_record__escalation=escalation, given_by=user
        ).exists()
    if action == "record_meeting":
        return Meeting.objects.filter(
            stage_record__escalation=escalation, held_recorded_by=user
        ).exists()
    return snapshot(escalation.pk) != before
