"""The security log (issue 12, item 4): sign-in success and failure, resets, password changes,
invitations, role and agency changes, deactivations, downloads and API tokens, with who, when
and from which address; append-only; the partnership lead and scrutineer read and filter it,
nobody else."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from escalations.api_tokens import api_token_create, api_token_revoke
from escalations.models import Role, SecurityEvent, SecurityKind
from escalations.people import person_deactivate, person_invite, person_update
from tests.api.conftest import client_for
from tests.factories import raise_one
from tests.signing_in import code_for, give_second_factor, sign_in

ADDRESS = "203.0.113.9"  # a documentation address, as a client's


def kinds(**filters) -> list[str]:
    """In the order they happened."""
    events = SecurityEvent.objects.filter(**filters).order_by("pk")
    return list(events.values_list("kind", flat=True))


def test_a_sign_in_and_a_failed_one_are_logged_with_the_address_never_the_password(client, world):
    person = world.police.practitioner
    app = give_second_factor(person)
    sign_in(client, person, "not-the-password", REMOTE_ADDR=ADDRESS)
    sign_in(client, person, code=code_for(app), REMOTE_ADDR=ADDRESS)
    failed, signed_in = SecurityEvent.objects.filter(subject=person).order_by("pk")
    assert (failed.kind, failed.address, failed.by) == ("sign_in_failed", ADDRESS, None)
    assert (signed_in.kind, signed_in.by, signed_in.address) == ("signed_in", person, ADDRESS)
    assert "not-the-password" not in str(list(SecurityEvent.objects.values()))


def test_an_unknown_account_is_not_written_down(client, db):
    client.post("/accounts/login/", {"login": "my secret pass", "password": "x"})
    event = SecurityEvent.objects.get()
    assert (event.kind, event.detail) == ("sign_in_failed", "unknown account")


def test_a_reset_asked_for_and_a_password_changed_are_logged(client, world):
    person = world.csc.manager
    client.post("/accounts/password-reset/", {"email": person.email})
    assert kinds(subject=person) == ["password_reset_asked"]


def test_the_leads_people_changes_are_logged(world, clock, mailoutbox):
    invited = person_invite(
        by=world.lead,
        username="newdsl",
        email="newdsl@example.org",
        first_name="Ada",
        last_name="Okafor",
        role=Role.PRACTITIONER,
        agency=world.csc.agency,
    ).user
    person_update(
        by=world.lead,
        person=world.police.colleague,
        first_name="Sam",
        last_name="Lee",
        email=world.police.colleague.email,
        role=Role.MANAGER,
        agency=world.police.agency,
    )
    person_deactivate(by=world.lead, person=world.police.colleague)
    assert kinds(by=world.lead) == ["invited", "role_changed", "deactivated"]
    assert SecurityEvent.objects.get(kind="invited").subject == invited


def test_downloads_and_api_tokens_are_logged(client, world, clock):
    escalation = raise_one(world)
    client.force_login(world.lead)
    client.get("/reports/annual/2026/", {"format": "csv"})
    client.get(f"/escalations/{escalation.reference}/record.pdf")
    made, token = api_token_create(by=world.lead, user=world.lead, name="Board pack")
    client_for(world.lead).get("/api/v1/me/")
    api_token_revoke(by=world.lead, token=made)
    logged = kinds(by=world.lead)
    assert logged.count("exported") == 2
    assert {"api_token_made", "api_token_used", "api_token_revoked"} <= set(logged)


def test_the_log_is_append_only(world):
    event = SecurityEvent.objects.create(kind=SecurityKind.SIGNED_IN, subject=world.lead)
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            SecurityEvent.objects.filter(pk=event.pk).update(detail="tampered")


@pytest.mark.parametrize("who", ["lead", "scrutineer"])
def test_the_partnership_team_reads_and_filters_the_log(client, world, who):
    sign_in(client, world.csc.manager, "bad")
    client.force_login(world.police.practitioner)
    client.force_login(getattr(world, who))
    page = client.get("/security-log/", {"kind": "sign_in_failed"})
    assert page.status_code == 200
    rows = page.context["page"].object_list
    assert [(e.kind, e.subject) for e in rows] == [("sign_in_failed", world.csc.manager)]
    named = client.get("/security-log/", {"person": world.police.practitioner.username})
    assert {e.kind for e in named.context["page"].object_list} == {"signed_in"}


@pytest.mark.parametrize("who", ["analyst", "csc.manager"])
def test_nobody_else_reads_it(client, world, who):
    user = world.analyst if who == "analyst" else world.csc.manager
    client.force_login(user)
    assert client.get("/security-log/").status_code == 403


def test_another_partnerships_events_are_not_shown(client, world):
    from tests.factories import make_world

    elsewhere = make_world()
    sign_in(client, elsewhere.lead, "bad")
    client.force_login(world.lead)
    subjects = {e.subject for e in client.get("/security-log/").context["page"].object_list}
    assert elsewhere.lead not in subjects
