"""The API tokens page (issue 10): a person makes a token, sees it once, and revokes it; the
partnership lead sees and revokes everyone's in the partnership, and nobody else's."""

from __future__ import annotations

from rest_framework.test import APIClient

from escalations.models import ApiToken

PAGE = "/account/api-tokens/"


def signed_in(client, user):
    client.force_login(user)
    return client


def test_a_person_makes_a_token_and_sees_it_once(world, client):
    signed_in(client, world.police.practitioner)
    made = client.post(PAGE, {"name": "Niche RMS", "days": "30"})
    assert made.status_code == 200
    assert "no-store" in made["Cache-Control"]
    token = made.context["token"]
    assert token in made.content.decode()
    listing = client.get(PAGE).content.decode()
    assert "Niche RMS" in listing
    assert token not in listing
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/v1/me/").json()["username"] == world.police.practitioner.username


def test_a_token_needs_a_name(world, client):
    signed_in(client, world.police.practitioner)
    response = client.post(PAGE, {"name": "", "days": "30"})
    assert "Enter which case system will use the token" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_person_revokes_their_own_token(world, client):
    signed_in(client, world.police.practitioner)
    client.post(PAGE, {"name": "Niche RMS", "days": "30"})
    made = ApiToken.objects.get()
    client.post(f"{PAGE}{made.pk}/revoke/")
    assert ApiToken.objects.get().revoked_at is not None


def test_the_lead_sees_and_revokes_everyones_tokens_and_others_see_only_their_own(world, client):
    signed_in(client, world.csc.manager)
    client.post(PAGE, {"name": "Liquidlogic", "days": "90"})
    theirs = ApiToken.objects.get()

    signed_in(client, world.police.practitioner)
    assert "Liquidlogic" not in client.get(PAGE).content.decode()
    assert client.post(f"{PAGE}{theirs.pk}/revoke/").status_code == 404

    signed_in(client, world.lead)
    assert "Liquidlogic" in client.get(PAGE).content.decode()
    client.post(f"{PAGE}{theirs.pk}/revoke/")
    theirs.refresh_from_db()
    assert theirs.revoked_by == world.lead
