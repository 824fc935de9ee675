"""The partnership dashboard at ``/dashboard/``: for the partnership lead and the scrutineer,
every live escalation with filters, the figures and the stage-4 queue; for analysts the figures
only, never a reference or a row of case content. Nobody else may open it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from escalations.forms.fields import RecordChoiceField
from escalations.inbox import (
    Clock,
    figures_for,
    filtered_live,
    rows,
    stage_four_queue,
)
from escalations.models import Agency, Category, Partnership, Sector, User
from workflows import rules
from workflows.holders import membership_of

PAGE_SIZE = 50


class DashboardFilters(forms.Form):
    """A GET form that narrows the list; it writes nothing."""

    agency = RecordChoiceField(
        queryset=Agency.objects.none(),
        required=False,
        empty_label="Any agency",
        help_text="Raising or receiving.",
    )
    sector = forms.ChoiceField(
        choices=[("", "Any sector"), *Sector.choices],
        required=False,
        help_text="Of the raising or the receiving agency.",
    )
    stage = forms.TypedChoiceField(
        choices=[("", "Any stage")] + [(str(n), f"Stage {n}") for n in (1, 2, 3, 4)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    category = forms.ChoiceField(choices=[("", "Any category"), *Category.choices], required=False)
    urgent = forms.BooleanField(label="Urgent", required=False)
    overdue = forms.BooleanField(label="Overdue", required=False)

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Agency.objects.filter(partnership=partnership).order_by("name")
        for name in ("agency", "sector", "stage", "category"):
            self.fields[name].error_messages["invalid_choice"] = (
                f"Choose a {name} from the list, or any {name}"
            )

    def filters(self) -> dict[str, Any]:
        """The valid filters; a value that is not on the list is ignored (and shown as an
        error)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    may = rules.may_read_figures(user)
    if not may:
        raise PermissionDenied(may.reason)
    membership = membership_of(user)
    assert membership is not None
    partnership = membership.partnership
    clock = Clock.of(partnership)
    context: dict[str, Any] = {
        "figures": figures_for(partnership, now=clock.now),
        "figures_only": not rules.may_read_cases(user),
    }
    if rules.may_oversee(user):
        form = DashboardFilters(request.GET or None, partnership=partnership)
        filters = form.filters() if form.is_bound else {}
        page = Paginator(filtered_live(user, filters, now=clock.now), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context.update(
            form=form,
            filtered=bool(filters),
            page=page,
            live=rows(page.object_list, clock=clock, membership=membership),
            queue=rows(stage_four_queue(user, now=clock.now), clock=clock, membership=membership),
        )
    return render(request, "escalations/dashboard.html", context)
