"""The security log, at ``/security-log/``: the partnership team reads who signed in, failed
to, changed a password or a role, was invited or deactivated, downloaded what and used which
API token, when and from where; filtered by kind and person. Nobody else may open it (403)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from escalations.models import SecurityEvent, SecurityKind, User
from workflows import rules
from workflows.holders import membership_of

PAGE_SIZE = 50


class SecurityFilters(forms.Form):
    kind = forms.ChoiceField(
        label="What happened", choices=[("", "Anything"), *SecurityKind.choices], required=False
    )
    person = forms.CharField(
        label="Person (username or name)", required=False, max_length=150, strip=True
    )


@require_GET
def security_log(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    may = rules.may_oversee(user)
    membership = membership_of(user)
    if not may or membership is None:
        raise PermissionDenied(may.reason)
    form = SecurityFilters(request.GET or None)
    events = SecurityEvent.objects.filter(partnership_id=membership.partnership_id)
    if form.is_valid():
        if form.cleaned_data["kind"]:
            events = events.filter(kind=form.cleaned_data["kind"])
        if who := form.cleaned_data["person"]:
            named = (
                Q(username__iexact=who) | Q(first_name__icontains=who) | Q(last_name__icontains=who)
            )
            people = User.objects.filter(named).values("pk")
            events = events.filter(Q(by__in=people) | Q(subject__in=people))
    page = Paginator(
        events.select_related("by", "subject").order_by("-at", "-pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "escalations/security_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
