"""The agency systems pages (issue 11): the partnership lead connects a case system, sees its
secret once and its delivery log, and stops it; nobody else may open them."""

from __future__ import annotations

import pytest

from escalations.models import WebhookSubscription
from escalations.webhooks import deliver_due
from tests.factories import raise_one

PAGE = "/webhooks/"


def test_the_lead_connects_a_system_and_sees_the_secret_once(world, client):
    client.force_login(world.lead)
    made = client.post(
        PAGE, {"agency": world.csc.agency.pk, "name": "Mosaic", "url": "https://8.8.8.8/events"}
    )
    assert made.status_code == 200
    assert "no-store" in made["Cache-Control"]
    secret = made.context["secret"]
    subscription = WebhookSubscription.objects.get()
    assert subscription.secret == secret
    assert secret in made.content.decode()
    assert secret not in client.get(PAGE).content.decode()
    assert subscription.history.get().history_user == world.lead


def test_a_private_address_is_refused_on_the_page_with_the_reason(world, client):
    client.force_login(world.lead)
    page = client.post(
        PAGE, {"agency": world.csc.agency.pk, "name": "Mosaic", "url": "https://10.1.1.1/events"}
    )
    assert "private, loopback or link-local" in page.content.decode()
    assert not WebhookSubscription.objects.exists()


def test_the_log_shows_each_delivery_and_the_lead_can_stop_the_system(world, client, clock):
    client.force_login(world.lead)
    client.post(
        PAGE, {"agency": world.csc.agency.pk, "name": "Mosaic", "url": "https://8.8.8.8/events"}
    )
    subscription = WebhookSubscription.objects.get()
    subscription.url = "https://127.0.0.1:9/"  # loopback over https: refused when sent
    subscription.save()
    escalation = raise_one(world)
    deliver_due()
    log = client.get(f"{PAGE}{subscription.pk}/").content.decode()
    assert f"{escalation.reference}: Raised" in log
    assert "Next try" in log

    client.post(f"{PAGE}{subscription.pk}/stop/")
    subscription.refresh_from_db()
    assert not subscription.active


@pytest.mark.parametrize("who", ["scrutineer", "analyst"])
def test_nobody_else_opens_the_pages(world, client, who):
    client.force_login(getattr(world, who))
    assert client.get(PAGE).status_code == 403
