"""Webhooks (issue 11): a receiver in the test, a real HTTP server on 127.0.0.1, checks every
signature with Python's standard library as the README's recipe says (not Resolve's own
signer), is down for a while, and then receives every missed event once per acknowledged
delivery. Private, loopback and link-local addresses are refused."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from escalations import services
from escalations.models import Notification, NotificationEvent, WebhookDelivery
from escalations.services import Forbidden, Invalid
from escalations.subscriptions import webhook_stop, webhook_subscribe
from escalations.webhooks import deliver_due
from tests.factories import raise_one


class Receiver:
    """An agency's case system: 503 while ``down``, a redirect while ``moved``; otherwise it
    checks the signature (the README's recipe) and keeps what it was sent."""

    def __init__(self) -> None:
        self.secret = b""
        self.down = False
        self.moved = False
        self.events: list[dict] = []
        self.bad_signatures = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if receiver.down:
                    self.send_response(503)
                elif receiver.moved:
                    self.send_response(302)
                    self.send_header("Location", "http://127.0.0.1:1/elsewhere")
                elif not verify(receiver.secret, self.headers, body):
                    receiver.bad_signatures += 1
                    self.send_response(401)
                else:
                    receiver.events.append(json.loads(body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/resolve-events"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def verify(secret: bytes, headers, body: bytes) -> bool:
    """The README's recipe: HMAC-SHA256 of the timestamp, a full stop and the body, in hex,
    compared in constant time, and no older than five minutes."""
    timestamp = headers.get("Resolve-Timestamp", "")
    given = headers.get("Resolve-Signature", "").removeprefix("v1=")
    expected = hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    fresh = timestamp.isdigit() and abs(time.time() - int(timestamp)) < 300
    return fresh and hmac.compare_digest(expected, given)


@pytest.fixture
def receiver(world):
    system = Receiver()
    subscription, secret = webhook_subscribe(
        by=world.lead, agency=world.csc.agency, name="Mosaic", url=system.url
    )
    system.secret = secret.encode()
    system.subscription = subscription
    yield system
    system.server.shutdown()
    system.server.server_close()


def a_dispute(world):
    escalation = raise_one(world, reasons="A baby in the home, third incident this month.")
    services.escalation_acknowledge(escalation=escalation, by=world.csc.practitioner)
    services.escalation_escalate(
        escalation=escalation, by=world.police.practitioner, reason="No agreement."
    )
    return escalation


def test_a_receiver_gets_each_event_signed_without_case_text(world, clock, receiver):
    escalation = a_dispute(world)
    assert deliver_due() == (3, 0)
    assert [(e["reference"], e["stage"], e["kind"]) for e in receiver.events] == [
        (escalation.reference, 1, "raised"),
        (escalation.reference, 1, "acknowledged"),
        (escalation.reference, 2, "escalated"),
    ]
    assert receiver.events[0]["link"].endswith(f"/escalations/{escalation.reference}/")
    assert "baby" not in json.dumps(receiver.events)
    assert receiver.bad_signatures == 0


def test_a_receiver_that_was_down_gets_every_missed_event_once(world, clock, receiver):
    receiver.down = True
    a_dispute(world)
    assert deliver_due() == (0, 3)
    clock.shift(dt.timedelta(minutes=1))
    assert deliver_due() == (0, 3)
    receiver.down = False
    assert deliver_due() == (0, 0)  # each waits its back-off: 2 minutes after a second failure
    clock.shift(dt.timedelta(minutes=2))
    assert deliver_due() == (3, 0)
    clock.shift(dt.timedelta(hours=2))
    assert deliver_due() == (0, 0)
    assert [e["kind"] for e in receiver.events] == ["raised", "acknowledged", "escalated"]
    assert len({e["delivery"] for e in receiver.events}) == 3


def test_a_wrong_secret_is_caught_by_the_recipe(world, clock, receiver):
    receiver.secret = b"not the secret"
    raise_one(world)
    assert deliver_due() == (0, 1)
    assert receiver.bad_signatures == 1
    assert WebhookDelivery.objects.get().last_status == 401


def test_a_redirect_is_not_followed(world, clock, receiver):
    receiver.moved = True
    raise_one(world)
    assert deliver_due() == (0, 1)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.last_status, delivery.delivered_at) == (302, None)
    assert "redirects are not followed" in delivery.last_error


def test_after_a_day_of_failures_the_subscription_is_failing_and_the_lead_told(
    world, clock, receiver
):
    receiver.down = True
    raise_one(world)
    for _ in range(30):  # retried with a back-off of at most an hour, for a day
        deliver_due()
        clock.shift(dt.timedelta(hours=1))
    delivery = WebhookDelivery.objects.get()
    assert delivery.gave_up_at is not None
    assert 20 <= delivery.attempts <= 30
    receiver.subscription.refresh_from_db()
    assert receiver.subscription.failing_since is not None
    told = Notification.objects.filter(event=NotificationEvent.WEBHOOK_FAILING)
    assert [n.recipient for n in told] == [world.lead]


def test_only_the_partnership_lead_connects_a_system(world):
    with pytest.raises(Forbidden):
        webhook_subscribe(
            by=world.csc.manager, agency=world.csc.agency, name="Mosaic", url="https://8.8.8.8/"
        )


@pytest.mark.parametrize(
    "url",
    [
        "https://10.20.30.40/hook",  # private
        "https://192.168.1.10/hook",  # private
        "https://172.16.0.5/hook",  # private
        "https://169.254.169.254/latest/meta-data/",  # link-local (cloud metadata)
        "https://127.0.0.1/hook",  # loopback, even over https
        "https://localhost/hook",  # a name for loopback
        "https://[::1]/hook",  # loopback
        "https://[fe80::1]/hook",  # link-local
        "http://8.8.8.8/hook",  # not https
        "ftp://8.8.8.8/hook",
        "https://user:pass@8.8.8.8/hook",
    ],
)
def test_a_private_loopback_or_link_local_address_is_refused(world, url):
    with pytest.raises(Invalid) as refusal:
        webhook_subscribe(by=world.lead, agency=world.csc.agency, name="Mosaic", url=url)
    assert refusal.value.field == "url"


def test_the_address_is_checked_again_when_sent(world, clock, receiver, settings):
    raise_one(world)
    settings.RESOLVE_WEBHOOKS_ALLOW_LOOPBACK_HTTP = False
    assert deliver_due() == (0, 1)
    assert "Invalid" in WebhookDelivery.objects.get().last_error
    assert receiver.events == []


def test_a_system_connected_mid_dispute_gets_its_events_from_then_on_and_none_once_stopped(
    world, clock
):
    """Whether anyone listens is read with the escalation's lock at every change, so a
    system connected or stopped between two changes counts from the next one."""
    escalation = raise_one(world)
    system = Receiver()
    try:
        subscription, _ = webhook_subscribe(
            by=world.lead, agency=world.police.agency, name="Niche", url=system.url
        )
        services.escalation_acknowledge(escalation=escalation, by=world.csc.practitioner)
        webhook_stop(by=world.lead, subscription=subscription)
        services.escalation_escalate(
            escalation=escalation, by=world.police.practitioner, reason="No agreement."
        )
    finally:
        system.server.shutdown()
        system.server.server_close()

    queued = WebhookDelivery.objects.filter(event__escalation=escalation)
    assert [delivery.event.kind for delivery in queued] == ["acknowledged"]
