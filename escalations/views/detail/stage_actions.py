"""The actions that move an escalation through its stages: acknowledge, respond, escalate,
resolve and withdraw. Each calls its service function; none changes state itself."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from escalations import services
from escalations.forms.actions import (
    AcknowledgeForm,
    EscalateForm,
    ResolveForm,
    RespondForm,
    WithdrawForm,
)
from escalations.models import Escalation
from escalations.words import moment_in_words
from workflows import rules
from workflows.holders import may_be_named
from workflows.states import LAST_STAGE, Status
from workflows.timescales import Clock

from .acting import FormPage, form_action, form_data, initial
from .queries import current_user, escalation_for_page


@require_http_methods(["GET", "POST"])
def acknowledge(request: HttpRequest, reference: str) -> HttpResponse:
    escalation = escalation_for_page(request, reference, log=False)
    user = current_user(request)
    people = may_be_named(escalation)
    start = initial(escalation)
    if people.filter(pk=user.pk).exists():
        start["holder"] = user.pk
    form = AcknowledgeForm(form_data(request), initial=start, people=people)
    return form_action(
        request,
        escalation,
        form,
        FormPage("acknowledge.html", "Acknowledge the escalation", "Acknowledge"),
        action=lambda data: services.escalation_acknowledge(
            escalation=escalation,
            by=user,
            holder=data["holder"],
            expected_stage=data["expected_stage"],
        ),
        success=lambda: (
            f"{escalation.reference} acknowledged. "
            f"{form.cleaned_data['holder']} is the named holder."
        ),
        allowed=lambda: rules.may_acknowledge(rules.Situation.read(escalation), user),
    )


@require_http_methods(["GET", "POST"])
def respond(request: HttpRequest, reference: str) -> HttpResponse:
    escalation = escalation_for_page(request, reference, log=False)
    user = current_user(request)
    return form_action(
        request,
        escalation,
        RespondForm(form_data(request), initial=initial(escalation)),
        FormPage("respond.html", "Respond to the escalation", "Record the decision"),
        action=lambda data: services.escalation_respond(
            escalation=escalation,
            by=user,
            decision=data["decision"],
            response=data["response"],
            expected_stage=data["expected_stage"],
        ),
        success="Your agency's decision is recorded and the raising agency has been told.",
        allowed=lambda: rules.may_respond(rules.Situation.read(escalation), user),
    )


def _next_stage_context(escalation: Escalation) -> dict[str, Any]:
    """What the escalate page says of the next stage: its name, when it would be due and
    whether the partnership is copied in from it."""
    next_stage = escalation.stage + 1 if escalation.stage < LAST_STAGE else None
    next_due = None
    if next_stage is not None and escalation.is_open:
        clock = Clock.of(partnership=escalation.partnership, policy=escalation.policy)
        next_due = moment_in_words(
            clock.stage_due(stage=next_stage, started_at=timezone.now(), urgent=escalation.urgent)
        )
    return {
        "title": f"Escalate to stage {next_stage}" if next_stage else "Escalate",
        "next_stage": next_stage,
        "next_stage_label": Status(f"stage_{next_stage}").label if next_stage else "",
        "next_due": next_due,
        "copies_partnership": next_stage is not None
        and next_stage >= escalation.policy.partnership_from_stage,
    }


@require_http_methods(["GET", "POST"])
def escalate(request: HttpRequest, reference: str) -> HttpResponse:
    escalation = escalation_for_page(request, reference, log=False)
    user = current_user(request)
    return form_action(
        request,
        escalation,
        EscalateForm(form_data(request), initial=initial(escalation)),
        FormPage("escalate.html", "Escalate", "Escalate"),
        action=lambda data: services.escalation_escalate(
            escalation=escalation,
            by=user,
            reason=data["reason"],
            expected_stage=data["expected_stage"],
        ),
        success=lambda: f"{escalation.reference} is now at stage {escalation.stage + 1}.",
        context=lambda: _next_stage_context(escalation),
        allowed=lambda: rules.may_escalate(rules.Situation.read(escalation), user),
    )


@require_http_methods(["GET", "POST"])
def resolve(request: HttpRequest, reference: str) -> HttpResponse:
    escalation = escalation_for_page(request, reference, log=False)
    user = current_user(request)
    return form_action(
        request,
        escalation,
        ResolveForm(form_data(request), initial=initial(escalation), stage=escalation.stage),
        FormPage("resolve.html", "Resolve the escalation", "Resolve"),
        action=lambda data: services.escalation_resolve(
            escalation=escalation,
            by=user,
            outcome=data["outcome"],
            summary=data["summary"],
            agreed_actions=data["agreed_actions"],
            learning=data["learning"],
            expected_stage=data["expected_stage"],
        ),
        success=f"{escalation.reference} is resolved.",
        allowed=lambda: rules.may_resolve(rules.Situation.read(escalation), user),
    )


@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    escalation = escalation_for_page(request, reference, log=False)
    user = current_user(request)
    return form_action(
        request,
        escalation,
        WithdrawForm(form_data(request), initial=initial(escalation)),
        FormPage("withdraw.html", "Withdraw the escalation", "Withdraw"),
        action=lambda data: services.escalation_withdraw(
            escalation=escalation,
            by=user,
            reason=data["reason"],
            expected_stage=data["expected_stage"],
        ),
        success=f"{escalation.reference} is withdrawn.",
        allowed=lambda: rules.may_withdraw(rules.Situation.read(escalation), user),
    )
