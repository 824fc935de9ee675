"""Connecting an agency's case system to the events of its escalations (webhooks): the
partnership lead subscribes it, with a secret shown once, and can stop it."""

from __future__ import annotations

import secrets

from django.db.models import QuerySet
from django.utils import timezone

from workflows import rules
from workflows.inputs import required
from workflows.refusals import Conflict, Invalid

from .audit import save_with_reason
from .models import Agency, User, WebhookSubscription
from .webhooks import check_address

URL_LIMIT = 500


def webhook_subscribe(
    *, by: User, agency: Agency, name: str, url: str
) -> tuple[WebhookSubscription, str]:
    """The subscription and its secret, which is shown once and signs every delivery."""
    rules.may_connect_systems(by, agency.partnership).check()
    name = required(name, "the name of the case system", field="name", limit=100)
    url = required(url, "the https address of the receiving system", field="url", limit=URL_LIMIT)
    check_address(url)
    if not agency.is_active_on(timezone.localdate()):
        raise Invalid(f"{agency} is not an active agency.", field="agency")
    secret = secrets.token_urlsafe(32)
    subscription = save_with_reason(
        WebhookSubscription(agency=agency, name=name, url=url, secret=secret, created_by=by),
        by=by,
        reason="Subscribed to the agency's events",
    )
    return subscription, secret


def webhook_stop(*, by: User, subscription: WebhookSubscription) -> WebhookSubscription:
    rules.may_connect_systems(by, subscription.agency.partnership).check()
    if not subscription.active:
        raise Conflict(f"{subscription} was stopped already.")
    subscription.active = False
    return save_with_reason(subscription, by=by, reason="Stopped")


def webhooks_visible_to(user: User) -> QuerySet[WebhookSubscription]:
    if not rules.may_connect_systems(user):
        return WebhookSubscription.objects.none()
    return WebhookSubscription.objects.filter(
        agency__partnership_id=user.membership.partnership_id
    ).select_related("agency", "created_by")
