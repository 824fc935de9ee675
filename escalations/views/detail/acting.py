"""The shape every action page shares. Before any typing, the rulebook is asked: if this person
may not do it now, the page says so and why, with what they can do instead (403 or 409), never
a form to fill in for nothing. Otherwise show the form; on POST validate it and hand it to the
service function. A refusal for what was typed is shown in the error summary with nothing
written; a refusal because the escalation moved on meanwhile leads to the same "you cannot do
this now" page, with what is still possible; on success back to the escalation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from escalations import security_log
from escalations.forms.identifying import WarnsOfIdentifyingDetails
from escalations.models import Escalation, SecurityKind, User
from escalations.services import Invalid, Refused
from workflows import rules

from .page import action_links


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


def cannot(request: HttpRequest, escalation: Escalation, refusal: Refused) -> HttpResponse:
    """You cannot do this now: why, and what this person can do instead."""
    user = request.user
    assert isinstance(user, User)
    fresh = Escalation.objects.get(pk=escalation.pk)
    s = rules.Situation.read(fresh)
    return render(
        request,
        "escalations/detail/cannot.html",
        {
            "escalation": fresh,
            "reason": refusal.message,
            "action_links": action_links(fresh, rules.available(s, user), s.pending),
        },
        status=403 if refusal.kind == "forbidden" else 409,
    )


def kept_identifying(
    request: HttpRequest, escalation: Escalation, form: WarnsOfIdentifyingDetails
) -> None:
    """Details that could identify someone, saved with a reason: which kinds and why (never
    the text) go in the security log for the partnership's information governance."""
    if detail := form.kept_identifying():
        security_log.record(
            SecurityKind.IDENTIFYING_DETAILS_KEPT,
            by=request.user,  # type: ignore[arg-type]
            detail=f"{escalation.reference}: {detail}",
        )


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
    except Invalid as refusal:
        form.add_error(None, refusal.message)
        return None
    except Refused as refusal:
        return cannot(request, escalation, refusal)
    if isinstance(form, WarnsOfIdentifyingDetails):
        kept_identifying(request, escalation, form)
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
    allowed: Callable[[], rules.Answer],
    context: Callable[[], dict[str, Any]] | None = None,
) -> HttpResponse:
    """One action page: the form, or on a POST the service's answer. ``allowed`` asks the
    rulebook first; ``context`` is what else the form page shows, worked out only when the
    form is shown."""
    answer = allowed()
    if answer.refusal is not None:
        return cannot(request, escalation, answer.refusal)
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
