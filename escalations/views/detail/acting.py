"""The shape every action page shares: show the form; on POST validate it and hand it to the
service function, whose refusal (who may act, what is missing, the escalation has moved on)
is shown in the error summary with nothing written; on success back to the escalation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from escalations.models import Escalation
from escalations.services import Refused


@dataclass(frozen=True)
class FormPage:
    """The page showing an action's form: its template under ``escalations/detail/``."""

    template: str
    title: str
    button: str


def form_data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def initial(escalation: Escalation) -> dict[str, Any]:
    return {"expected_stage": escalation.stage}


def _perform(
    request: HttpRequest,
    escalation: Escalation,
    form: forms.Form,
    action: Callable[[dict[str, Any]], Any],
    success: Callable[[], str] | str,
) -> HttpResponse | None:
    """Validate the form and hand it to the service; a redirect to the escalation with a
    success message, or None (the form carries the errors) to show the form again."""
    if not form.is_valid():
        return None
    try:
        action(form.cleaned_data)
    except Refused as refusal:
        form.add_error(None, refusal.message)
        return None
    messages.success(request, success() if callable(success) else success)
    return redirect(escalation)


def form_action(
    request: HttpRequest,
    escalation: Escalation,
    form: forms.Form,
    page: FormPage,
    *,
    action: Callable[[dict[str, Any]], Any],
    success: Callable[[], str] | str,
    context: Callable[[], dict[str, Any]] | None = None,
) -> HttpResponse:
    """One action page: the form, or on a POST the service's answer. ``context`` is what
    else the form page shows, worked out only when the form is shown."""
    if request.method == "POST":
        done = _perform(request, escalation, form, action, success)
        if done is not None:
            return done
    return render(
        request,
        f"escalations/detail/{page.template}",
        {
            "escalation": escalation,
            "form": form,
            "title": page.title,
            "button": page.button,
            **(context() if context is not None else {}),
        },
    )
