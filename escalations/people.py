"""People management by the partnership lead (DESIGN.md sections 2 and 3): invite people, set
their agency, role and details, choose each agency's stage contacts, and deactivate leavers.

Users, memberships and stage contacts are audited: every change goes through
``escalations.audit`` so history records the lead and the reason. People are never deleted.
A leaver's current stages are handed over first, through ``escalation_hand_over`` with the lead
as the one who did it (ADR 5), all in the same transaction as the deactivation.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from workflows import rules
from workflows.holders import agency_members, colleagues_of, membership_of
from workflows.refusals import Conflict, Forbidden, Invalid, Refused
from workflows.stages import locked
from workflows.states import OPEN_STATES

from . import limits, second_factor, security_log
from .audit import save_with_reason
from .models import (
    Agency,
    Membership,
    Partnership,
    Role,
    SecurityKind,
    StageContact,
    StageHolder,
    User,
)
from .models.choices import AGENCY_ROLES, PARTNERSHIP_ROLES
from .services import escalation_hand_over
from .tokens import describe_lifetime, invitation_token_generator

CONTACT_STAGES = (1, 2, 3)

logger = logging.getLogger(__name__)

__all__ = [
    "CONTACT_STAGES",
    "Holding",
    "Invitation",
    "Refused",
    "current_holdings",
    "person_deactivate",
    "person_invite",
    "person_reset_second_factor",
    "person_send_invitation",
    "person_set_stage_contacts",
    "person_update",
    "require_lead",
]


def require_lead(by: User | None, partnership: Partnership | None = None) -> Membership:
    """Only an active partnership lead manages people, and only in their own partnership."""
    rules.may_manage_people(by, partnership).check()
    membership = membership_of(by)
    assert membership is not None
    return membership


def _check_placement(partnership: Partnership, role: str, agency: Agency | None) -> None:
    if role not in Role.values:
        raise Invalid("Choose a role from the list.")
    if role in AGENCY_ROLES and agency is None:
        raise Invalid("Choose the agency a practitioner or manager works for.")
    if role in PARTNERSHIP_ROLES and agency is not None:
        raise Invalid("Partnership staff belong to no agency: leave the agency empty.")
    if agency is not None and agency.partnership_id != partnership.pk:
        raise Invalid(f"{agency} is in another partnership.")


def _unique(username: str, email: str, *, exclude: User | None = None) -> None:
    others = User.objects.all()
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if username and others.filter(username__iexact=username).exists():
        raise Invalid(f"The username {username} is already taken.")
    if email and others.filter(email__iexact=email).exists():
        raise Invalid(f"Someone already uses {email}.")


# --------------------------------------------------------------------------------------------
# Invitations
# --------------------------------------------------------------------------------------------


def person_invite(
    *,
    by: User,
    username: str,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    agency: Agency | None = None,
    job_title: str = "",
    send: bool = True,
) -> Invitation:
    """Create the person with no usable password and their membership, then email them a
    link to set a password (an invitation link, see ``escalations.tokens``). Nothing is written
    when anything is refused. The email goes after the records are saved; if the mail server
    fails, the person stays invited and ``sent`` is False, so the lead can send it again."""
    lead = require_lead(by)
    partnership = lead.partnership
    username, email = username.strip(), email.strip()
    if not (username and email and first_name.strip() and last_name.strip()):
        raise Invalid("Enter the person's name, email address and username.")
    _check_placement(partnership, role, agency)
    with transaction.atomic():
        _unique(username, email)
        user = User(
            username=username,
            email=email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
        )
        user.set_unusable_password()
        save_with_reason(user, by=by, reason="Invited")
        save_with_reason(
            Membership(
                user=user,
                partnership=partnership,
                agency=agency,
                role=role,
                job_title=job_title.strip(),
            ),
            by=by,
            reason="Invited",
        )
    if not send:
        return Invitation(user=user, sent=False)
    try:
        person_send_invitation(person=user, by=by)
    except (OSError, smtplib.SMTPException):
        logger.exception("The invitation to user %s could not be sent", user.pk)
        return Invitation(user=user, sent=False)
    return Invitation(user=user, sent=True)


@dataclass(frozen=True)
class Invitation:
    user: User
    sent: bool


def invitation_link(person: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = invitation_token_generator.make_token(person)
    path = reverse("invitation_confirm", kwargs={"uidb64": uid, "token": token})
    return f"{settings.SITE_URL}{path}"


def invitation_lifetime() -> str:
    """How long an invitation link lasts, in words: ``7 days``."""
    return describe_lifetime(settings.INVITATION_TIMEOUT)


def person_send_invitation(*, person: User, by: User) -> None:
    """Email the person a link to set their first password. The link lasts
    ``settings.INVITATION_TIMEOUT`` (7 days) and stops working once a password is set; a new
    invitation does not end earlier ones. It carries no password. Someone who has set a
    password already resets it from the sign-in page instead."""
    lead = require_lead(by)
    membership = membership_of(person)
    if membership is None or membership.partnership_id != lead.partnership_id:
        raise Forbidden("Only active people of your partnership can be sent an invitation.")
    if not person.email:
        raise Invalid(f"{person} has no email address.")
    if person.has_usable_password():
        raise Conflict(
            f"{person} has set a password already: if they have forgotten it, they can "
            "reset it from the sign-in page."
        )
    if not limits.within(f"invitation:{person.pk}", limits.INVITATIONS_PER_PERSON):
        raise Conflict(
            f"{person} has been sent five invitations today: check their email address, and "
            "send another tomorrow."
        )
    context = {
        "person": person,
        "membership": membership,
        "lead": by,
        "partnership": membership.partnership,
        "link": invitation_link(person),
        "login": f"{settings.SITE_URL}{reverse('login')}",
        "valid_for": invitation_lifetime(),
    }
    message = EmailMultiAlternatives(
        subject=f"You have been invited to Resolve, {membership.partnership}",
        body=render_to_string("escalations/people/invitation_email.txt", context),
        to=[person.email],
    )
    message.attach_alternative(
        render_to_string("escalations/people/invitation_email.html", context), "text/html"
    )
    message.send()
    security_log.record(SecurityKind.INVITED, by=by, subject=person)


# --------------------------------------------------------------------------------------------
# Role, agency and details
# --------------------------------------------------------------------------------------------


def person_update(
    *,
    by: User,
    person: User,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    agency: Agency | None,
    job_title: str = "",
) -> Membership:
    """Change a person's name, email, role, agency or job title. A person who holds a
    current stage keeps their role and agency until it is handed over: a stage is handed
    only to a colleague with the same role in the same agency."""
    lead = require_lead(by)
    membership = Membership.objects.select_related("user").get(user=person)
    if membership.partnership_id != lead.partnership_id:
        raise Forbidden("You can manage only the people of your own partnership.")
    _check_placement(lead.partnership, role, agency)
    moving = role != membership.role or (agency.pk if agency else None) != membership.agency_id
    if moving and person.pk == by.pk:
        raise Forbidden("You cannot change your own role or agency: ask another lead.")
    with transaction.atomic():
        _unique("", email.strip(), exclude=person)
        if moving and current_holdings(person).exists():
            raise Conflict(
                f"{person} holds a current stage: hand it over before changing their role "
                "or agency."
            )
        changes = {
            "first_name": first_name.strip(),
            "last_name": last_name.strip(),
            "email": email.strip(),
        }
        if any(getattr(person, name) != value for name, value in changes.items()):
            for name, value in changes.items():
                setattr(person, name, value)
            save_with_reason(person, by=by, reason="Details changed")
        if moving or membership.job_title != job_title.strip():
            before = f"{membership.get_role_display()}, {membership.agency or 'the partnership'}"
            membership.role = role
            membership.agency = agency
            membership.job_title = job_title.strip()
            after = f"{membership.get_role_display()}, {agency or 'the partnership'}"
            reason = f"Moved from {before} to {after}" if moving else "Job title changed"
            save_with_reason(membership, by=by, reason=reason)
            if moving:
                security_log.record(SecurityKind.ROLE_CHANGED, by=by, subject=person, detail=reason)
            if moving:
                # contacts for a former agency or role would make them a holder there
                _remove_contacts(StageContact.objects.filter(user=person), by=by, why="Moved")
    return membership


# --------------------------------------------------------------------------------------------
# Stage contacts
# --------------------------------------------------------------------------------------------


def contact_candidates(agency: Agency) -> QuerySet[User]:
    """Who can take a stage for the agency: its active members."""
    return agency_members(agency)


def person_set_stage_contacts(
    *, by: User, agency: Agency, contacts: Mapping[int, Iterable[User]]
) -> None:
    """Make exactly these people the agency's contacts for each stage given. Where an agency
    names nobody for a stage, every member with the matching role holds it."""
    require_lead(by, agency.partnership)
    allowed = set(contact_candidates(agency).values_list("pk", flat=True))
    with transaction.atomic():
        for stage, chosen in contacts.items():
            if stage not in CONTACT_STAGES:
                raise Invalid(f"Contacts are set for stages {CONTACT_STAGES[0]} to 3.")
            wanted = {user.pk: user for user in chosen}
            strangers = [str(user) for pk, user in wanted.items() if pk not in allowed]
            if strangers:
                raise Invalid(
                    f"{', '.join(strangers)} cannot take a stage for {agency}: "
                    "only its active members can."
                )
            current = {
                c.user_id: c for c in StageContact.objects.filter(agency=agency, stage=stage)
            }
            _remove_contacts(
                [c for user_id, c in current.items() if user_id not in wanted],
                by=by,
                why=f"No longer the stage {stage} contact",
            )
            for pk, user in wanted.items():
                if pk not in current:
                    save_with_reason(
                        StageContact(agency=agency, stage=stage, user=user),
                        by=by,
                        reason=f"Named the stage {stage} contact",
                    )


def _remove_contacts(contacts: Iterable[StageContact], *, by: User, why: str) -> None:
    """One by one, so that each removal has its own history row naming the lead."""
    for contact in contacts:
        contact._history_user = by  # type: ignore[attr-defined]
        contact._change_reason = why  # type: ignore[attr-defined]
        contact.delete()


# --------------------------------------------------------------------------------------------
# Leavers
# --------------------------------------------------------------------------------------------


def current_holdings(person: User) -> QuerySet[StageHolder]:
    """The person's rows on the current stage of live escalations, not handed over."""
    return (
        StageHolder.objects.filter(
            user=person,
            until__isnull=True,
            stage_record__escalation__status__in=OPEN_STATES,
            stage_record__stage=F("stage_record__escalation__stage"),
        )
        .select_related(
            "stage_record__escalation__raising_agency",
            "stage_record__escalation__receiving_agency",
        )
        .order_by("stage_record__escalation__reference")
    )


@dataclass(frozen=True)
class Holding:
    """A current stage the person holds, who could take it, and who holds it with them."""

    row: StageHolder
    colleagues: list[User]
    co_holders: list[User]


def holdings_with_colleagues(person: User) -> list[Holding]:
    """For each current stage: the active colleagues with the same role in the same agency
    who do not already hold it on that side, and those who do."""
    rows = list(current_holdings(person))
    if not rows:
        return []
    same_role = list(colleagues_of(person))
    holding_now: dict[tuple[int, str], set[int]] = {}
    for record_id, side, user_id in StageHolder.objects.filter(
        stage_record_id__in=[row.stage_record_id for row in rows], until__isnull=True
    ).values_list("stage_record_id", "side", "user_id"):
        holding_now.setdefault((record_id, side), set()).add(user_id)
    everyone = {
        user.pk: user
        for user in User.objects.filter(
            pk__in={pk for ids in holding_now.values() for pk in ids}, is_active=True
        )
    }
    found = []
    for row in rows:
        held_by = holding_now.get((row.stage_record_id, row.side), set()) - {person.pk}
        found.append(
            Holding(
                row=row,
                colleagues=[user for user in same_role if user.pk not in held_by],
                co_holders=[everyone[pk] for pk in sorted(held_by) if pk in everyone],
            )
        )
    return found


def person_deactivate(
    *, by: User, person: User, successors: Mapping[int, User | None] | None = None
) -> User:
    """Deactivate a leaver; never delete them. Each current stage they hold goes first to
    the colleague chosen for it (``successors``: holder row id to colleague), handed over
    through ``escalation_hand_over`` with the lead as the one who did it. A stage that a
    colleague on the same side already holds may be left with them (``None``). Refused,
    with nothing changed, while any current stage would be left without a choice."""
    lead = require_lead(by)
    membership = membership_of(person)
    if membership is None:
        raise Conflict(f"{person} is already deactivated.")
    if membership.partnership_id != lead.partnership_id:
        raise Forbidden("You can manage only the people of your own partnership.")
    if person.pk == by.pk:
        raise Forbidden("You cannot deactivate yourself: ask another lead.")
    successors = dict(successors or {})
    with transaction.atomic():
        holdings = holdings_with_colleagues(person)
        missing = [h for h in holdings if h.row.pk not in successors]
        if missing:
            references = ", ".join(
                f"{h.row.stage_record.escalation.reference} (stage {h.row.stage_record.stage})"
                for h in missing
            )
            raise Conflict(
                f"{person} holds {references}: choose a colleague to take each before "
                "deactivating them."
            )
        # one escalation's lock at a time, always in the same order
        for holding in sorted(holdings, key=lambda h: h.row.stage_record.escalation_id):
            successor = successors[holding.row.pk]
            escalation = holding.row.stage_record.escalation
            if successor is None:
                if not holding.co_holders:
                    raise Invalid(
                        f"Choose who takes {escalation.reference} from {person}: nobody else "
                        "holds it on their side."
                    )
                _release(holding.row, by=by, still=holding.co_holders)
            else:
                escalation_hand_over(
                    escalation=escalation,
                    by=by,
                    to=successor,
                    holder=person,
                    expected_stage=holding.row.stage_record.stage,
                )
        if current_holdings(person).exists():
            raise Conflict(f"{person} still holds a current stage; nothing was changed.")
        _remove_contacts(StageContact.objects.filter(user=person), by=by, why=f"{person} left")
        person.is_active = False
        save_with_reason(person, by=by, reason="Deactivated: left")
        security_log.record(SecurityKind.DEACTIVATED, by=by, subject=person)
    return person


def _release(row: StageHolder, *, by: User, still: list[User]) -> None:
    """End a leaver's holding of a stage that colleagues on the same side hold too."""
    with locked(row.stage_record.escalation_id) as escalation:
        fresh = StageHolder.objects.get(pk=row.pk)
        if fresh.until is not None or escalation.stage != row.stage_record.stage:
            return  # handed over or moved on meanwhile: nothing left to end
        fresh.until = timezone.now()
        names = ", ".join(str(user) for user in still)
        save_with_reason(fresh, by=by, reason=f"Left; still held by {names}")


def person_reset_second_factor(*, by: User, person: User) -> bool:
    """Someone lost their phone: the lead removes their authenticator app and recovery codes
    and signs them out everywhere. A password alone must not then enrol a new app (whoever
    has the password could), so the password is cleared too and the person is emailed an
    invitation link: from their own mailbox they set a new password, then a new app. Logged,
    and the person is told. True if the invitation email went."""
    membership = membership_of(person)
    require_lead(by, membership.partnership if membership is not None else None)
    with transaction.atomic():
        second_factor.reset(by=by, person=person)
        person.set_unusable_password()
        save_with_reason(person, by=by, reason="Second factor reset: a new password to set")
    try:
        person_send_invitation(person=person, by=by)
    except (Refused, OSError):
        logger.warning("The invitation after a second-factor reset could not be sent")
        return False
    return True
