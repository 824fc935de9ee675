"""Limits (issue 12, item 3), counted in the shared cache: reset emails per address and per
account, invitations per person, and the expensive downloads per person."""

from __future__ import annotations

import datetime as dt

import pytest

from escalations.models import Role
from escalations.people import person_invite, person_send_invitation
from escalations.services import Conflict
from tests.factories import raise_one

RESET = "/accounts/password-reset/"


def test_reset_emails_stop_after_three_an_hour_for_one_account(client, world, clock, mailoutbox):
    email = world.csc.manager.email
    for _ in range(5):
        response = client.post(RESET, {"email": email})
        assert response.status_code == 302  # the same answer either way: nothing given away
    assert len(mailoutbox) == 3
    clock.shift(dt.timedelta(hours=1))
    client.post(RESET, {"email": email})
    assert len(mailoutbox) == 4


def test_reset_emails_stop_after_five_an_hour_from_one_address(client, world, clock, mailoutbox):
    people = [world.csc.manager, world.csc.practitioner, world.police.manager,
              world.police.practitioner, world.lead, world.scrutineer]  # fmt: skip
    for person in people:
        client.post(RESET, {"email": person.email}, REMOTE_ADDR="192.0.2.44")
    assert len(mailoutbox) == 5
    client.post(RESET, {"email": world.analyst.email}, REMOTE_ADDR="192.0.2.45")
    assert len(mailoutbox) == 6


def test_invitations_stop_after_five_a_day_for_one_person(world, clock, mailoutbox):
    invited = person_invite(
        by=world.lead,
        username="newdsl",
        email="newdsl@example.org",
        first_name="Ada",
        last_name="Okafor",
        role=Role.PRACTITIONER,
        agency=world.csc.agency,
    ).user
    for _ in range(4):
        person_send_invitation(person=invited, by=world.lead)
    with pytest.raises(Conflict, match="five invitations today"):
        person_send_invitation(person=invited, by=world.lead)
    assert len(mailoutbox) == 5


def test_downloads_stop_after_thirty_an_hour_for_one_person(client, world, clock):
    escalation = raise_one(world)
    client.force_login(world.lead)
    assert client.get(f"/escalations/{escalation.reference}/record.pdf").status_code == 200
    for _ in range(29):
        assert client.get("/reports/annual/2026/", {"format": "csv"}).status_code == 200
    refused = client.get("/reports/annual/2026/", {"format": "json"})
    assert refused.status_code == 429
    assert "Too many downloads" in refused.content.decode()
    client.force_login(world.scrutineer)  # another person counts on their own
    assert client.get("/reports/annual/2026/", {"format": "csv"}).status_code == 200
