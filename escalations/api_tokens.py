"""A person's API tokens, for their agency's case system to act on their behalf (the API,
``escalations.api``). A call with a token acts as that person, with exactly their visibility
and rights: the token adds no right of its own.

Only a SHA-256 hash of a token is kept; it is found by its short prefix and shown once, when
made. A token stops at once when it expires, is revoked, or its person is deactivated.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from workflows import rules
from workflows.holders import membership_of
from workflows.inputs import required
from workflows.refusals import Conflict, Forbidden, Invalid

from . import security_log
from .audit import save_with_reason
from .models import ApiToken, SecurityKind, User

SCHEME = "rsv"
DEFAULT_DAYS = 90
MAX_DAYS = 365
LAST_USED_EVERY = dt.timedelta(minutes=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_token_create(
    *, by: User | None, user: User, name: str, days: int = DEFAULT_DAYS
) -> tuple[ApiToken, str]:
    """Make a token for ``user``; returns it with the token itself, which is never stored
    and cannot be shown again. ``by`` is the person making it: themselves, on their own page;
    None for the host's ``api_token`` command."""
    if by is not None and by.pk != user.pk:
        raise Forbidden("People make their own API tokens, on their own API tokens page.")
    if membership_of(user) is None:
        raise Forbidden(f"{user} is not an active member of a partnership.")
    name = required(
        name, "a name for the token: which case system uses it", field="name", limit=100
    )
    if not 1 <= days <= MAX_DAYS:
        raise Invalid(f"A token lasts from 1 to {MAX_DAYS} days.", field="days")
    prefix = secrets.token_hex(4)
    token = f"{SCHEME}_{prefix}_{secrets.token_urlsafe(32)}"
    now = timezone.now()
    with transaction.atomic():
        made = save_with_reason(
            ApiToken(
                user=user,
                name=name,
                prefix=prefix,
                key_hash=_hash(token),
                created_at=now,
                expires_at=now + dt.timedelta(days=days),
            ),
            by=by,
            reason=f"API token made, for {days} days",
        )
        security_log.record(SecurityKind.API_TOKEN_MADE, by=by, subject=user, detail=str(made))
    return made, token


def api_token_revoke(*, by: User | None, token: ApiToken) -> ApiToken:
    """The person revokes their own; the partnership lead any of their partnership's; the
    host (``by`` None, the ``api_token`` command) any."""
    partnership = token.user.membership.partnership
    owner = by is not None and by.pk == token.user_id
    if by is not None and not owner and not rules.may_manage_people(by, partnership):
        raise Forbidden("Only its owner or the partnership business manager can revoke a token.")
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            raise Conflict(f"The token {token} was revoked already.")
        token.revoked_at = timezone.now()
        token.revoked_by = by
        save_with_reason(token, by=by, reason="API token revoked")
        security_log.record(
            SecurityKind.API_TOKEN_REVOKED, by=by, subject=token.user, detail=str(token)
        )
    return token


def api_tokens_visible_to(user: User) -> QuerySet[ApiToken]:
    """A person's own tokens; for the partnership lead every token of the partnership."""
    tokens = ApiToken.objects.select_related("user", "revoked_by").order_by("-created_at")
    membership = membership_of(user)
    if membership is None:
        return tokens.none()
    if rules.may_manage_people(user):
        return tokens.filter(user__membership__partnership_id=membership.partnership_id)
    return tokens.filter(user=user)


def api_token_user(raw: str) -> tuple[User, ApiToken] | None:
    """The person a token acts for, or None when it is unknown, expired, revoked, or its
    person has left. Its last use is written at most once a minute."""
    scheme, _, rest = raw.partition("_")
    prefix, _, secret = rest.partition("_")
    if scheme != SCHEME or not prefix or not secret:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.key_hash, _hash(raw)):
        return None
    now = timezone.now()
    if not token.is_usable(now) or membership_of(token.user) is None:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
        # at most once a minute, like last_used_at: enough to see a token in use, and where from
        security_log.record(
            SecurityKind.API_TOKEN_USED, by=token.user, subject=token.user, detail=str(token)
        )
    return token.user, token
