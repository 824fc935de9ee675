"""A person's own API token (issue 10): hashed at rest, found by its prefix, expiring,
revocable, stopped at once when its person leaves; made on the person's own page and by a
command; the partnership lead lists and revokes every one."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from escalations.api_tokens import api_token_create, api_token_revoke
from escalations.models import ApiToken
from escalations.people import person_deactivate
from escalations.services import Forbidden
from tests.api.conftest import client_for

ME = "/api/v1/me/"


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_a_token_acts_as_its_person(world):
    response = client_for(world.police.practitioner).get(ME)
    assert response.status_code == 200
    assert response.json()["username"] == world.police.practitioner.username


def test_only_a_hash_of_the_token_is_kept(world):
    made, token = api_token_create(
        by=world.police.practitioner, user=world.police.practitioner, name="Niche"
    )
    stored = ApiToken.objects.get(pk=made.pk)
    assert token not in {stored.key_hash, stored.prefix, stored.name}
    assert stored.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token.startswith(f"rsv_{stored.prefix}_")
    assert not any(token in str(row.__dict__) for row in stored.history.all())


@pytest.mark.parametrize(
    "header",
    ["Bearer rsv_00000000_nonsense", "Bearer", "Token abc", "Bearer rsv_x", "Bearer é"],
)
def test_an_unknown_or_malformed_token_is_refused_as_a_problem(world, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(ME)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_no_token_at_all_is_refused(world):
    response = APIClient().get(ME)
    assert response.status_code == 401


def test_a_session_sign_in_is_not_a_way_in(world, client):
    client.force_login(world.police.practitioner)
    assert client.get(ME).status_code == 401


def test_a_tampered_token_with_a_real_prefix_is_refused(world):
    _, token = api_token_create(by=world.lead, user=world.lead, name="Dashboard")
    assert bearer(token[:-1] + ("A" if token[-1] != "A" else "B")).get(ME).status_code == 401


def test_an_expired_token_stops(world, clock):
    _, token = api_token_create(by=world.lead, user=world.lead, name="Board pack", days=1)
    assert bearer(token).get(ME).status_code == 200
    clock.shift(dt.timedelta(days=1, seconds=1))
    assert bearer(token).get(ME).status_code == 401


def test_a_revoked_token_stops_and_history_says_who_revoked_it(world):
    made, token = api_token_create(by=world.csc.manager, user=world.csc.manager, name="Mosaic")
    api_token_revoke(by=world.lead, token=made)
    assert bearer(token).get(ME).status_code == 401
    assert made.history.first().history_user == world.lead


def test_a_deactivated_persons_tokens_stop_at_once(world):
    person = world.police.colleague
    _, token = api_token_create(by=person, user=person, name="Niche")
    person_deactivate(by=world.lead, person=person)
    assert bearer(token).get(ME).status_code == 401


def test_nobody_makes_a_token_for_someone_else(world):
    with pytest.raises(Forbidden):
        api_token_create(by=world.lead, user=world.police.practitioner, name="Niche")


def test_only_the_owner_or_the_lead_revokes_a_token(world):
    made, _ = api_token_create(by=world.csc.manager, user=world.csc.manager, name="Mosaic")
    with pytest.raises(Forbidden):
        api_token_revoke(by=world.csc.practitioner, token=made)


def test_last_use_is_written_at_most_once_a_minute(world, clock):
    made, token = api_token_create(by=world.lead, user=world.lead, name="Board pack")
    bearer(token).get(ME)
    first = ApiToken.objects.get(pk=made.pk).last_used_at
    clock.shift(dt.timedelta(seconds=30))
    bearer(token).get(ME)
    assert ApiToken.objects.get(pk=made.pk).last_used_at == first
    clock.shift(dt.timedelta(seconds=31))
    bearer(token).get(ME)
    assert ApiToken.objects.get(pk=made.pk).last_used_at == timezone.now()


def test_the_command_prints_the_token_alone_on_its_last_line(world, capsys):
    call_command(
        "api_token", "create", world.csc.manager.username, "--name", "Mosaic", "--days", "30"
    )
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert token.startswith("rsv_")
    assert bearer(token).get(ME).json()["username"] == world.csc.manager.username
    made = ApiToken.objects.get(user=world.csc.manager)
    assert (made.expires_at - made.created_at).days == 30
