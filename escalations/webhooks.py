"""Webhooks: agency case systems told of their escalations' events as they happen.

An event (``escalations.events``) queues one delivery per active subscription of the raising
and the receiving agency, in the change's own transaction. Delivery runs with the sweep, on
the outbox's lease (``escalations.outbox``): a signed POST of the reference, stage, kind and a
link, never case text. A failure backs off and is retried for a day; then the delivery gives
up, the subscription is marked failing and the partnership lead is told. Addresses are
checked when saved and again when sent: https only, never a private, loopback or link-local
address, and redirects are not followed.

Signing (the README has a receiver's recipe): ``Resolve-Signature: v1=<hex>`` where ``hex`` is
HMAC-SHA256 with the subscription's secret over ``"<Resolve-Timestamp>.<body>"``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import logging
import socket
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from workflows.refusals import Invalid

from .audit import save_with_reason
from .models import (
    Event,
    EventKind,
    NotificationEvent,
    Role,
    User,
    WebhookDelivery,
    WebhookSubscription,
)
from .notifications import notify
from .outbox import backoff, lease, new_worker, release, settle

logger = logging.getLogger(__name__)

KINDS = (
    EventKind.RAISED,
    EventKind.ACKNOWLEDGED,
    EventKind.RESPONDED,
    EventKind.ESCALATED,
    EventKind.RESOLVED,
    EventKind.WITHDRAWN,
    EventKind.BREACHED,
    EventKind.EXTENSION_AGREED,
)
BATCH = 20
LEASE = dt.timedelta(minutes=5)
TIME_BUDGET = 30.0
TIMEOUT = 10.0  # seconds a receiving system may take
GIVE_UP_AFTER = dt.timedelta(days=1)
RETRY_CEILING = dt.timedelta(hours=1)


# --------------------------------------------------------------------------------------------
# addresses
# --------------------------------------------------------------------------------------------


def check_address(url: str) -> None:
    """https to a public address only. Plain http to 127.0.0.1 only where
    ``RESOLVE_WEBHOOKS_ALLOW_LOOPBACK_HTTP`` is on (the test suite's own receiver)."""
    parts = urlsplit(url)
    host = parts.hostname
    if not host or parts.username or parts.password:
        raise Invalid("Enter the full https address of the receiving system.", field="url")
    loopback_http = (
        parts.scheme == "http"
        and host == "127.0.0.1"
        and settings.RESOLVE_WEBHOOKS_ALLOW_LOOPBACK_HTTP
    )
    if parts.scheme != "https" and not loopback_http:
        raise Invalid("The address must start with https://.", field="url")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = {info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)}
    except (OSError, ValueError) as error:
        raise Invalid(f"{host} cannot be found.", field="url") from error
    for address in found:
        ip = ipaddress.ip_address(str(address).split("%")[0])
        if loopback_http and str(ip) == "127.0.0.1":
            continue
        if not ip.is_global or ip.is_multicast:
            raise Invalid(
                f"{host} is a private, loopback or link-local address ({ip}): events go only "
                "to systems on the internet, over https.",
                field="url",
            )


# --------------------------------------------------------------------------------------------
# queueing, in the change's transaction
# --------------------------------------------------------------------------------------------


def queue(event: Event) -> None:
    """One delivery per active subscription of the raising and the receiving agency. The
    escalation read under its lock says already whether there is any (``webhooks_listening``):
    then nothing is read again."""
    if event.kind not in KINDS:
        return
    escalation = event.escalation
    if getattr(escalation, "webhooks_listening", None) is False:
        return
    subscriptions = WebhookSubscription.objects.filter(
        active=True,
        agency_id__in=[escalation.raising_agency_id, escalation.receiving_agency_id],
    )
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(subscription=subscription, event=event, created_at=event.at)
        for subscription in subscriptions
    )


# --------------------------------------------------------------------------------------------
# delivery
# --------------------------------------------------------------------------------------------


def payload(delivery: WebhookDelivery) -> bytes:
    event = delivery.event
    reference = event.escalation.reference
    return json.dumps(
        {
            "delivery": delivery.pk,
            "event": event.pk,
            "kind": event.kind,
            "reference": reference,
            "stage": event.stage,
            "at": event.at.isoformat(),
            "link": f"{settings.SITE_URL}/escalations/{reference}/",
        },
        separators=(",", ":"),
    ).encode()


def signature(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect is an answer, not an instruction: never followed


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())


def post(delivery: WebhookDelivery) -> int:
    """Send one delivery; its HTTP status (a redirect counts as a failure)."""
    subscription = delivery.subscription
    check_address(subscription.url)
    body = payload(delivery)
    timestamp = str(int(timezone.now().timestamp()))
    request = urllib.request.Request(  # noqa: S310 - the scheme was checked: https (or test http)
        subscription.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Resolve webhooks",
            "Resolve-Delivery": str(delivery.pk),
            "Resolve-Event": delivery.event.kind,
            "Resolve-Timestamp": timestamp,
            "Resolve-Signature": f"v1={signature(subscription.secret, timestamp, body)}",
        },
    )
    try:
        with _OPENER.open(request, timeout=TIMEOUT) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def deliver_due(*, limit: int = 200, budget: float = TIME_BUDGET) -> tuple[int, int]:
    """Deliver what is due, a leased batch at a time; (delivered, failed)."""
    worker, started = new_worker(), time.monotonic()
    delivered = failed = 0
    while delivered + failed < limit:
        batch = lease(
            WebhookDelivery.objects.due().select_related(
                "subscription__agency", "event__escalation"
            ),
            worker=worker,
            batch=min(BATCH, limit - delivered - failed),
            lease_for=LEASE,
        )
        if not batch:
            break
        for position, delivery in enumerate(batch):
            if time.monotonic() > started + budget:
                release(batch[position:], worker=worker)
                return delivered, failed
            if _deliver(delivery, worker=worker):
                delivered += 1
            else:
                failed += 1
    return delivered, failed


def _deliver(delivery: WebhookDelivery, *, worker: str) -> bool:
    status: int | None = None
    try:
        status = post(delivery)
        if 200 <= status < 300:
            settle(
                delivery,
                worker=worker,
                delivered_at=timezone.now(),
                last_status=status,
                last_error="",
            )
            _recovered(delivery.subscription)
            return True
        error = f"HTTP {status}" + (" (redirects are not followed)" if 300 <= status < 400 else "")
    except Exception as failure:  # the receiver is down, slow or refused: retry later
        error = f"{type(failure).__name__}: {failure}"[:500]
    _retry_or_give_up(delivery, worker=worker, status=status, error=error)
    return False


def _retry_or_give_up(
    delivery: WebhookDelivery, *, worker: str, status: int | None, error: str
) -> None:
    now = timezone.now()
    if now - delivery.created_at >= GIVE_UP_AFTER:
        settle(delivery, worker=worker, gave_up_at=now, last_status=status, last_error=error)
        _failing(delivery.subscription, now)
        return
    settle(
        delivery,
        worker=worker,
        next_attempt_at=now + backoff(delivery.attempts + 1, ceiling=RETRY_CEILING),
        last_status=status,
        last_error=error,
    )
    logger.warning("Webhook delivery %s failed: %s", delivery.pk, error)


def _failing(subscription: WebhookSubscription, now: dt.datetime) -> None:
    """Marked failing once per episode, and the partnership lead told."""
    with transaction.atomic():
        fresh = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
        if fresh.failing_since is not None:
            return
        fresh.failing_since = now
        save_with_reason(fresh, by=None, reason="Failing: a delivery gave up after a day")
        leads = User.objects.filter(
            is_active=True,
            membership__partnership_id=subscription.agency.partnership_id,
            membership__role=Role.PARTNERSHIP_LEAD,
        )
        notify(escalation=None, event=NotificationEvent.WEBHOOK_FAILING, recipients=leads)


def _recovered(subscription: WebhookSubscription) -> None:
    if subscription.failing_since is None:
        return
    with transaction.atomic():
        fresh = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
        if fresh.failing_since is not None:
            fresh.failing_since = None
            save_with_reason(fresh, by=None, reason="Taking events again")
