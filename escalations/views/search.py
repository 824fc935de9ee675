"""Find, at ``/find/``: any escalation this person may see, closed ones included, by
reference, case number, agency, category, status and dates; "Raised by me" and "Held by me",
open or closed. Only what the reader may see, as in every list."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from escalations.forms.search import SearchForm
from escalations.models import Agency, User
from escalations.selectors import escalation_search
from workflows import rules
from workflows.holders import membership_of

PAGE_SIZE = 25


@require_GET
def find(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    may = rules.may_read_cases(user)
    membership = membership_of(user)
    if not may or membership is None:
        raise PermissionDenied(may.reason)
    agencies = Agency.objects.filter(partnership_id=membership.partnership_id).order_by("name")
    form = SearchForm(request.GET or None, agencies=agencies)
    searched = form.is_bound
    found = escalation_search(user=user, filters=form.filters()) if searched else None
    page = (
        Paginator(found, PAGE_SIZE).get_page(request.GET.get("page")) if found is not None else None
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "escalations/find.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
