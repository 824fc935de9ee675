"""The partnership's settings, at ``/partnership/`` (issue 14, item 4): the escalation policy
(a new version), closure days, the partnership's details (calendar region, reporting year,
suppression threshold, learning themes) and its agencies. Only the partnership lead opens
them (403 for anyone else, from the rulebook); each change goes through
``escalations.partnership_settings``, with history."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from escalations.forms.settings import (
    AgencyForm,
    ClosureDayForm,
    PartnershipForm,
    PolicyVersionForm,
)
from escalations.models import Agency, ClosureDay, Membership, Partnership, User
from escalations.partnership_settings import (
    agency_save,
    closure_day_add,
    closure_day_remove,
    partnership_update,
    policy_add_version,
    policy_versions,
)
from escalations.views.common import posted
from workflows import rules
from workflows.calendar import LONDON
from workflows.holders import membership_of
from workflows.refusals import Refused


def _lead(request: HttpRequest) -> tuple[User, Partnership]:
    user = request.user
    assert isinstance(user, User)
    may = rules.may_manage_settings(user)
    membership: Membership | None = membership_of(user)
    if not may or membership is None:
        raise PermissionDenied(may.reason)
    return user, membership.partnership


def _refused(form: forms.Form, refusal: Refused) -> None:
    """The service's refusal on the field it names (an ``Invalid``), else above the form."""
    field = getattr(refusal, "field", None)
    form.add_error(field if field in form.fields else None, refusal.message)


def _today() -> dt.date:
    return timezone.localdate(timezone.now(), LONDON)


# the policy ---------------------------------------------------------------------------------


def policy(request: HttpRequest) -> HttpResponse:
    _user, partnership = _lead(request)
    versions = policy_versions(partnership)
    in_use = dict(
        partnership.policies.annotate(raised=Count("escalations")).values_list("pk", "raised")
    )
    now = timezone.now()
    current = next((v for v in versions if v.effective_from <= now), None)
    return render(
        request,
        "escalations/settings/policy.html",
        {
            "partnership": partnership,
            "current": current,
            "versions": [
                {"policy": v, "raised": in_use.get(v.pk, 0), "upcoming": v.effective_from > now}
                for v in versions
            ],
        },
    )


def policy_new(request: HttpRequest) -> HttpResponse:
    user, partnership = _lead(request)
    versions = policy_versions(partnership)
    form = PolicyVersionForm(
        posted(request),
        current=versions[0] if versions else None,
        initial={"starts_on": _today()},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        starts_on = data.pop("starts_on")
        try:
            added = policy_add_version(
                by=user, partnership=partnership, starts_on=starts_on, **data
            )
        except Refused as refusal:
            _refused(form, refusal)
        else:
            messages.success(
                request,
                f"Version {added.version} of the policy is in force from "
                f"{added.effective_from.astimezone(LONDON):%-d %B %Y}. Escalations raised "
                "before keep the version they were raised under.",
            )
            return redirect("escalations:settings_policy")
    return render(
        request,
        "escalations/settings/policy_new.html",
        {"form": form, "next_version": (versions[0].version if versions else 0) + 1},
    )


# closure days -------------------------------------------------------------------------------


def closure_days(request: HttpRequest) -> HttpResponse:
    user, partnership = _lead(request)
    form = ClosureDayForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            day = closure_day_add(by=user, partnership=partnership, **form.cleaned_data)
        except Refused as refusal:
            _refused(form, refusal)
        else:
            messages.success(request, f"{day.date:%A %-d %B %Y} is a closure day.")
            return redirect("escalations:settings_closure_days")
    today = _today()
    days = ClosureDay.objects.filter(partnership=partnership)
    return render(
        request,
        "escalations/settings/closure_days.html",
        {
            "form": form,
            "upcoming": days.filter(date__gte=today).order_by("date"),
            "past": days.filter(date__lt=today, date__gte=today - dt.timedelta(days=366)).order_by(
                "-date"
            ),
            "region": partnership.get_region_display(),
        },
    )


@require_POST
def closure_day_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user, partnership = _lead(request)
    day = get_object_or_404(ClosureDay, pk=pk, partnership=partnership)
    try:
        closure_day_remove(by=user, day=day)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"{day.date:%A %-d %B %Y} is a working day again.")
    return redirect("escalations:settings_closure_days")


# the partnership's details ------------------------------------------------------------------


def details(request: HttpRequest) -> HttpResponse:
    user, partnership = _lead(request)
    form = PartnershipForm(posted(request), partnership=partnership)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            partnership_update(
                by=user,
                partnership=partnership,
                region=data["region"],
                reporting_year_start_month=data["reporting_year_start_month"],
                suppression_threshold=data["suppression_threshold"],
                learning_themes=form.themes(),
            )
        except Refused as refusal:
            _refused(form, refusal)
        else:
            messages.success(request, f"{partnership}'s details are saved.")
            return redirect("escalations:settings_details")
    return render(
        request, "escalations/settings/details.html", {"form": form, "partnership": partnership}
    )


# agencies -----------------------------------------------------------------------------------


def agencies(request: HttpRequest) -> HttpResponse:
    _user, partnership = _lead(request)
    today = _today()
    rows = (
        Agency.objects.filter(partnership=partnership)
        .annotate(contacts_named=Count("contacts", distinct=True))
        .order_by("name")
    )
    return render(
        request,
        "escalations/settings/agencies.html",
        {
            "active": rows.filter(Q(active_to__isnull=True) | Q(active_to__gte=today)),
            "left": rows.filter(active_to__lt=today),
        },
    )


def agency_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user, partnership = _lead(request)
    agency = get_object_or_404(Agency, pk=pk, partnership=partnership) if pk else None
    form = AgencyForm(
        posted(request), agency=agency, initial=None if agency else {"active_from": _today()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = agency_save(
                by=user, partnership=partnership, agency=agency, **form.cleaned_data
            )
        except Refused as refusal:
            _refused(form, refusal)
        else:
            messages.success(request, f"{saved} is saved.")
            return redirect("escalations:settings_agencies")
    return render(request, "escalations/settings/agency.html", {"form": form, "agency": agency})


urlpatterns = [
    path("policy/", policy, name="settings_policy"),
    path("policy/new/", policy_new, name="settings_policy_new"),
    path("closure-days/", closure_days, name="settings_closure_days"),
    path("closure-days/<int:pk>/remove/", closure_day_delete, name="settings_closure_day_remove"),
    path("details/", details, name="settings_details"),
    path("agencies/", agencies, name="settings_agencies"),
    path("agencies/new/", agency_edit, name="settings_agency_new"),
    path("agencies/<int:pk>/", agency_edit, name="settings_agency"),
]
