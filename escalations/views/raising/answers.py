"""Check your answers, then raise: every page's answers are checked again first, so a stale
or half-finished journey goes back to the page that needs an answer; nothing is written
until this page's POST, and then only by ``escalation_raise``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from escalations.forms.identifying import WarnsOfIdentifyingDetails
from escalations.forms.raising import ActedForm, ChildrenForm, FamilyAndUrgencyForm, RaiseForm
from escalations.models import (
    CaseStatus,
    Category,
    Escalation,
    FamilyInformed,
    Membership,
    Subject,
    User,
)
from escalations.services import ChildDetails, Refused, escalation_raise
from escalations.views.detail.acting import kept_identifying
from escalations.words import moment_in_words

from .access import raisers_only
from .journey import STEP, STEPS, Journey

ORDINALS = ("First", "Second", "Third")
Rows = list[dict[str, str]]
Forms = dict[str, RaiseForm]


class CheckAnswersForm(forms.Form):
    """The check page sends nothing but its token; a refusal shows in its error summary."""


def _row(key: str, value: str, step: str, hidden: str) -> dict[str, str]:
    return {"key": key, "value": value, "url": STEP[step].url(change=True), "hidden": hidden}


def _label(choices: Any, value: str) -> str:
    """The words for a choice's value, from a field or a fixed vocabulary."""
    return str(dict(choices.choices).get(value, value))


def _risk_rows(journey: Journey, forms_: Forms) -> Rows:
    risk = [
        _row(
            "Child at immediate risk",
            "Yes" if journey.immediate_risk else "No",
            "risk",
            "whether a child is at immediate risk",
        )
    ]
    if "acted" in forms_:
        acted = forms_["acted"]
        assert isinstance(acted, ActedForm)
        risk.append(
            _row(
                "You acted under child protection procedures",
                f"At {moment_in_words(acted.acted_at)}",
                "acted",
                "when you acted",
            )
        )
    risk.append(
        _row("Another process", "None of these applies", "route", "whether another process applies")
    )
    return risk


def _about_rows(forms_: Forms) -> Rows:
    subject = forms_["subject"].cleaned_data["subject"]
    about = [_row("About", _label(Subject, subject), "subject", "what the escalation is about")]
    if "children" in forms_:
        children = forms_["children"]
        assert isinstance(children, ChildrenForm)
        for ordinal, child in zip(ORDINALS, children.children(), strict=False):
            lines = [f"Your case number: {child['raising_case_number']}"]
            if child["receiving_case_number"]:
                lines.append(f"Their case number: {child['receiving_case_number']}")
            lines.append(f"Age band: {child['age_band'] or 'Not known'}")
            about.append(
                _row(f"{ordinal} child", "\n".join(lines), "children", f"the {ordinal} child")
            )
    return about


def _decision_rows(journey: Journey, forms_: Forms) -> Rows:
    agency = forms_["agency"].cleaned_data
    decision = [
        _row("Receiving agency", str(agency["receiving_agency"]), "agency", "the agency"),
        _row("Category", _label(Category, agency["category"]), "agency", "the category"),
    ]
    if journey.about_children:
        decision += [
            _row(
                "Level of need",
                agency.get("level_of_need") or "Not known",
                "agency",
                "the level of need",
            ),
            _row(
                "Case status",
                _label(CaseStatus, agency.get("case_status", "")),
                "agency",
                "the case status",
            ),
        ]
    return decision


def _disagreement_rows(forms_: Forms) -> Rows:
    dispute = forms_["disagreement"]
    text = dispute.cleaned_data
    return [
        _row(
            str(dispute.fields[name].label),
            text[name],
            "disagreement",
            str(dispute.fields[name].label).lower().rstrip("?"),
        )
        for name in ("decision_disputed", "reasons", "impact_on_child", "outcome_sought")
    ]


def _family_rows(journey: Journey, forms_: Forms) -> Rows:
    urgency_form = forms_["urgency"]
    assert isinstance(urgency_form, FamilyAndUrgencyForm)
    urgency = urgency_form.cleaned_data
    family = []
    if journey.about_children:
        informed = _label(urgency_form.fields["family_informed"], urgency["family_informed"])
        if urgency.get("family_not_informed_reason"):
            informed += f"\n{urgency['family_not_informed_reason']}"
        family.append(_row("Family told", informed, "urgency", "whether the family was told"))
    family.append(
        _row(
            "Urgency",
            f"Urgent, starting at stage {urgency_form.start_stage}"
            if urgency_form.urgent
            else "Not urgent, starting at stage 1",
            "urgency",
            "how urgent it is",
        )
    )
    return family


def _sections(journey: Journey, forms_: Forms) -> list[dict[str, Any]]:
    """The answers as GOV.UK summary lists, each row with a link to change it."""
    return [
        {"title": "Immediate risk and other processes", "rows": _risk_rows(journey, forms_)},
        {"title": "Who it is about", "rows": _about_rows(forms_)},
        {"title": "The agency and the decision", "rows": _decision_rows(journey, forms_)},
        {"title": "Your disagreement", "rows": _disagreement_rows(forms_)},
        {
            "title": "The family and urgency" if journey.about_children else "Urgency",
            "rows": _family_rows(journey, forms_),
        },
    ]


def _raise(user: User, journey: Journey, forms_: Forms) -> Escalation:
    """Everything answered, to the service: the one way an escalation is raised."""
    children_form = forms_.get("children")
    children = (
        [ChildDetails(**child) for child in children_form.children()]
        if isinstance(children_form, ChildrenForm)
        else []
    )
    first = children[0] if children else ChildDetails("")
    acted = forms_.get("acted")
    agency = forms_["agency"].cleaned_data
    dispute = forms_["disagreement"].cleaned_data
    urgency_form = forms_["urgency"]
    assert isinstance(urgency_form, FamilyAndUrgencyForm)
    urgency = urgency_form.cleaned_data
    return escalation_raise(
        raised_by=user,
        raising_agency=journey.membership.agency,
        receiving_agency=agency["receiving_agency"],
        category=agency["category"],
        subject=forms_["subject"].cleaned_data["subject"],
        child_reference=first.raising_case_number,
        receiving_case_number=first.receiving_case_number,
        age_band=first.age_band,
        more_children=children[1:],
        level_of_need=agency.get("level_of_need", ""),
        case_status=agency.get("case_status", CaseStatus.NONE),
        decision_disputed=dispute["decision_disputed"],
        reasons=dispute["reasons"],
        impact_on_child=dispute["impact_on_child"],
        outcome_sought=dispute["outcome_sought"],
        family_informed=urgency.get("family_informed", FamilyInformed.YES),
        family_not_informed_reason=urgency.get("family_not_informed_reason", ""),
        urgent=urgency_form.urgent,
        start_stage=urgency_form.start_stage,
        immediate_risk=journey.immediate_risk,
        immediate_action_at=acted.acted_at if isinstance(acted, ActedForm) else None,
    )


@raisers_only
def check(request: HttpRequest, membership: Membership) -> HttpResponse:
    journey = Journey(request, membership)
    forms_, unanswered = journey.checked_forms()
    if unanswered is not None:
        # answered but no longer valid: that page shows why, then comes back here
        return redirect(unanswered.url(change=journey.answers(unanswered.name) is not None))
    form = CheckAnswersForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        user = request.user
        assert isinstance(user, User)
        try:
            escalation = _raise(user, journey, forms_)
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            for page in ("disagreement", "urgency"):
                if isinstance(warned := forms_[page], WarnsOfIdentifyingDetails):
                    kept_identifying(request, escalation, warned)
            journey.clear()
            return redirect("escalations:raise-raised", reference=escalation.reference)
    receiving = forms_["agency"].cleaned_data["receiving_agency"]
    return render(
        request,
        "escalations/raise/check.html",
        {
            "form": form,
            "title": "Check your answers before raising the escalation",
            "sections": _sections(journey, forms_),
            "receiving_agency": receiving,
            "back_url": STEPS[-1].url(),
        },
    )
