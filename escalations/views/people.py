"""People, at ``/people/``: the partnership lead invites people, sets their agency, role and
details, chooses each agency's stage contacts and deactivates leavers, whose current stages
are handed over first. Nobody else may open these pages (403)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import F, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from escalations.forms.people import DeactivateForm, InviteForm, PersonForm, StageContactsForm
from escalations.lockout import lockouts_of, person_unlock
from escalations.models import Agency, Membership, StageContact, User
from escalations.people import (
    CONTACT_STAGES,
    Refused,
    current_holdings,
    holdings_with_colleagues,
    invitation_lifetime,
    person_deactivate,
    person_invite,
    person_reset_second_factor,
    person_send_invitation,
    person_set_stage_contacts,
    person_update,
)
from escalations.second_factor import has_second_factor
from escalations.views.common import posted
from escalations.views.confirm import unless_confirmed
from workflows import rules
from workflows.holders import membership_of


def _lead(request: HttpRequest) -> tuple[User, Membership]:
    user = request.user
    assert isinstance(user, User)
    may = rules.may_manage_people(user)
    membership = membership_of(user)
    if not may or membership is None:
        raise PermissionDenied(may.reason)
    return user, membership


def _person(lead: Membership, pk: int) -> User:
    """Someone of the lead's own partnership; anyone else's people do not exist here."""
    return get_object_or_404(
        User.objects.select_related("membership__agency"),
        pk=pk,
        membership__partnership_id=lead.partnership_id,
    )


def people_list(request: HttpRequest) -> HttpResponse:
    _user, lead = _lead(request)
    memberships = (
        Membership.objects.filter(partnership_id=lead.partnership_id)
        .select_related("user", "agency")
        .order_by(
            F("agency__name").asc(nulls_first=True),
            "-user__is_active",
            "user__first_name",
            "user__last_name",
        )
    )
    contacts = StageContact.objects.filter(stage__in=CONTACT_STAGES).select_related("user")
    agencies = (
        Agency.objects.filter(partnership_id=lead.partnership_id)
        .order_by("name")
        .prefetch_related(
            Prefetch("contacts", queryset=contacts.order_by("user__first_name"), to_attr="named")
        )
    )
    agency_rows = [
        {
            "agency": agency,
            "stages": [
                [c.user for c in agency.named if c.stage == stage]  # type: ignore[attr-defined]
                for stage in CONTACT_STAGES
            ],
        }
        for agency in agencies
    ]
    return render(
        request,
        "escalations/people/list.html",
        {"memberships": memberships, "agencies": agency_rows, "stages": CONTACT_STAGES},
    )


def people_invite(request: HttpRequest) -> HttpResponse:
    user, lead = _lead(request)
    if confirm := unless_confirmed(request):
        return confirm
    form = InviteForm(posted(request), partnership=lead.partnership)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = person_invite(
                by=user,
                username=data["username"],
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                role=data["role"],
                agency=data["agency"],
                job_title=data["job_title"],
            )
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            invited = invitation.user
            if invitation.sent:
                messages.success(
                    request,
                    f"{invited} is invited: we emailed {invited.email} a link to set a password. "
                    f"It lasts {invitation_lifetime()}.",
                )
            else:
                messages.warning(
                    request,
                    f"{invited} is set up, but the invitation email could not be sent. "
                    "Try sending it again.",
                )
            return redirect("escalations:people_person", pk=invited.pk)
    return render(
        request,
        "escalations/people/invite.html",
        {"form": form, "valid_for": invitation_lifetime()},
    )


def people_person(request: HttpRequest, pk: int) -> HttpResponse:
    user, lead = _lead(request)
    person = _person(lead, pk)
    if confirm := unless_confirmed(request):
        return confirm
    form = PersonForm(posted(request), partnership=lead.partnership, person=person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person_update(
                by=user,
                person=person,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                role=data["role"],
                agency=data["agency"],
                job_title=data["job_title"],
            )
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, f"{person}'s details are saved.")
            return redirect("escalations:people")
    holdings = current_holdings(person)
    return render(
        request,
        "escalations/people/person.html",
        {
            "person": person,
            "form": form,
            "holdings": holdings,
            "invited": person.is_active and not person.has_usable_password(),
            "is_me": person.pk == user.pk,
            "locked_out": lockouts_of(person),
            "has_second_factor": has_second_factor(person),
        },
    )


@require_POST
def people_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    user, lead = _lead(request)
    person = _person(lead, pk)
    if confirm := unless_confirmed(request):
        return confirm
    person_unlock(by=user, person=person)
    messages.success(request, f"{person} can sign in again now.")
    return redirect("escalations:people_person", pk=person.pk)


@require_POST
def people_resend_invitation(request: HttpRequest, pk: int) -> HttpResponse:
    user, lead = _lead(request)
    person = _person(lead, pk)
    try:
        person_send_invitation(person=person, by=user)
    except Refused as refusal:
        messages.error(request, refusal.message)
    except OSError:
        messages.error(request, "The invitation email could not be sent. Try again later.")
    else:
        messages.success(
            request,
            f"We emailed {person.email} a new link to set a password. "
            f"It lasts {invitation_lifetime()}.",
        )
    return redirect("escalations:people_person", pk=person.pk)


def people_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    user, lead = _lead(request)
    person = _person(lead, pk)
    if confirm := unless_confirmed(request):
        return confirm
    if not person.is_active:
        messages.info(request, f"{person} is already deactivated.")
        return redirect("escalations:people")
    holdings = holdings_with_colleagues(person)
    form = DeactivateForm(posted(request), holdings=holdings)
    if request.method == "POST" and form.is_valid():
        try:
            person_deactivate(by=user, person=person, successors=form.successors())
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            handed = len(holdings)
            done = f"{person} is deactivated"
            if handed:
                done += f" and {handed} stage{'s' if handed != 1 else ''} handed over"
            messages.success(request, f"{done}.")
            return redirect("escalations:people")
    return render(
        request,
        "escalations/people/deactivate.html",
        {"person": person, "form": form, "is_me": person.pk == user.pk},
    )


def people_reset_second_factor(request: HttpRequest, pk: int) -> HttpResponse:
    user, lead = _lead(request)
    person = _person(lead, pk)
    if confirm := unless_confirmed(request):
        return confirm
    if request.method == "POST":
        if person_reset_second_factor(by=user, person=person):
            messages.success(
                request,
                f"{person}'s second factor is reset and they are signed out. We emailed "
                f"{person.email} a link to set a new password; then they set up a new app.",
            )
        else:
            messages.warning(
                request,
                f"{person}'s second factor is reset and they are signed out, but the email "
                "with a link to set a new password could not be sent. Send it again.",
            )
        return redirect("escalations:people_person", pk=person.pk)
    return render(
        request,
        "escalations/people/reset_second_factor.html",
        {"person": person, "has_second_factor": has_second_factor(person)},
    )


def people_contacts(request: HttpRequest, pk: int) -> HttpResponse:
    user, lead = _lead(request)
    if confirm := unless_confirmed(request):
        return confirm
    agency = get_object_or_404(Agency, pk=pk, partnership_id=lead.partnership_id)
    form = StageContactsForm(posted(request), agency=agency)
    if request.method == "POST" and form.is_valid():
        try:
            person_set_stage_contacts(by=user, agency=agency, contacts=form.contacts())
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, f"Stage contacts for {agency} are saved.")
            return redirect("escalations:people")
    return render(request, "escalations/people/contacts.html", {"agency": agency, "form": form})


urlpatterns = [
    path("", people_list, name="people"),
    path("invite/", people_invite, name="people_invite"),
    path("<int:pk>/", people_person, name="people_person"),
    path("<int:pk>/invitation/", people_resend_invitation, name="people_resend_invitation"),
    path("<int:pk>/deactivate/", people_deactivate, name="people_deactivate"),
    path("<int:pk>/unlock/", people_unlock, name="people_unlock"),
    path(
        "<int:pk>/second-factor/",
        people_reset_second_factor,
        name="people_reset_second_factor",
    ),
    path("agencies/<int:pk>/contacts/", people_contacts, name="people_contacts"),
]
