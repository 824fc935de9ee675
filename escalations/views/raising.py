"""Raise an escalation (DESIGN.md sections 3-5): a few questions a page, kept in the session
until the check page raises the escalation through the service.

First the questions that send the matter elsewhere (a child at immediate risk: act now; a
parent's complaint; a conference decision; a looked-after child's plan; a professional's
conduct; a disagreement inside one agency), each counted as signposting; then the escalation
itself; then check your answers and a confirmation with the reference and the due moment.

The session keeps ``request.session["raise"]``: for each page its answers as strings that bind
its form again, and the routes already counted on this journey. Nothing is written until the
check page's POST, and then only by ``escalation_raise``; every page's answers are checked
again first, so a stale or half-finished journey goes back to the page that needs an answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse

from escalations import services
from escalations.forms.raising import (
    ActedForm,
    AgencyForm,
    ChildrenForm,
    DisagreementForm,
    FamilyAndUrgencyForm,
    ImmediateRiskForm,
    RaiseContext,
    RaiseForm,
    RouteForm,
    SubjectForm,
)
from escalations.models import (
    CaseStatus,
    Category,
    Escalation,
    FamilyInformed,
    Membership,
    Role,
    SignpostRoute,
    Subject,
    User,
)
from escalations.selectors import escalation_visible_to
from escalations.services import ChildDetails, Refused, escalation_raise
from escalations.words import moment_in_words

SESSION_KEY = "raise"
SIGNPOSTED = "signposted"
RAISERS = (Role.PRACTITIONER, Role.MANAGER)
ORDINALS = ("First", "Second", "Third")


# who may raise --------------------------------------------------------------------------


def _raising_membership(request: HttpRequest) -> Membership | None:
    """The signed-in practitioner's or manager's membership, with their partnership and
    agency in one query; None for anyone who cannot raise."""
    user = request.user
    assert isinstance(user, User)
    membership = (
        Membership.objects.select_related("partnership", "agency").filter(user_id=user.pk).first()
    )
    if membership is None or membership.role not in RAISERS or membership.agency is None:
        return None
    user.membership = membership  # the page's navigation and the service read it again
    return membership


View = Callable[..., HttpResponse]


def _raisers_only(view: View) -> View:
    """Every page needs a sign-in (the middleware sees to that); these pages also need a
    practitioner or manager of a partner agency. Anyone else is told plainly (403)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        membership = _raising_membership(request)
        if membership is None:
            return render(
                request,
                "escalations/raise/cannot_raise.html",
                {"title": "You cannot raise an escalation"},
                status=403,
            )
        return view(request, membership, *args, **kwargs)

    return wrapped


# the journey ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    name: str
    route: str
    form_class: type[RaiseForm]
    title: str
    template: str
    applies: Callable[[Journey], bool] = lambda journey: True

    @property
    def url_name(self) -> str:
        return "raise" if self.name == "risk" else f"raise-{self.name}"

    def url(self, *, change: bool = False) -> str:
        url = reverse(f"escalations:{self.url_name}")
        return f"{url}?change=1" if change else url

    def title_for(self, form: RaiseForm) -> str:
        """A page of one question is titled by the question."""
        if len(form.fields) == 1:
            return str(next(iter(form.fields.values())).label)
        return self.title


class Journey:
    """The answers so far, kept in the session."""

    def __init__(self, request: HttpRequest, membership: Membership) -> None:
        self.request = request
        self.membership = membership
        stored = request.session.get(SESSION_KEY)
        self.data: dict[str, Any] = stored if isinstance(stored, dict) else {}

    def answers(self, step: str) -> dict[str, str] | None:
        found = self.data.get(step)
        return found if isinstance(found, dict) else None

    def value(self, step: str, field: str) -> str:
        return str((self.answers(step) or {}).get(field, ""))

    @property
    def immediate_risk(self) -> bool:
        return self.value("risk", "immediate_risk") == "yes"

    @property
    def about_children(self) -> bool:
        return self.value("subject", "subject") != Subject.THEMATIC

    def context(self) -> RaiseContext:
        return RaiseContext(
            membership=self.membership,
            subject=self.value("subject", "subject"),
            immediate_risk=self.immediate_risk,
        )

    def save(self, step: str, answers: dict[str, str]) -> None:
        self.data[step] = answers
        self._store()

    def forget(self, step: str) -> None:
        self.data.pop(step, None)
        self._store()

    def clear(self) -> None:
        self.request.session.pop(SESSION_KEY, None)

    def _store(self) -> None:
        self.request.session[SESSION_KEY] = self.data

    def steps(self) -> list[Step]:
        return [step for step in STEPS if step.applies(self)]

    def first_unanswered(self, before: Step | None = None) -> Step | None:
        for step in self.steps():
            if step is before:
                return None
            if self.answers(step.name) is None:
                return step
        return None

    def neighbour(self, step: Step, offset: int) -> Step | None:
        steps = self.steps()
        index = steps.index(step) + offset
        return steps[index] if 0 <= index < len(steps) else None

    def counted(self, route: str) -> bool:
        """Count each route once a journey, however often the page is sent."""
        routes = self.data.setdefault(SIGNPOSTED, [])
        if route in routes:
            return True
        routes.append(route)
        self._store()
        return False

    def checked_forms(self) -> tuple[dict[str, RaiseForm], Step | None]:
        """Every page's answers bound to its form again; the first page that needs an
        answer (missing, or no longer valid), if any."""
        context = self.context()
        bound: dict[str, RaiseForm] = {}
        for step in self.steps():
            answers = self.answers(step.name)
            if answers is None:
                return bound, step
            form = step.form_class(answers, context=context)
            if not form.is_valid():
                return bound, step
            bound[step.name] = form
        return bound, None


def _record_signposting(journey: Journey, route: str) -> None:
    """Count that the raise form sent the matter to another process: the partnership, the
    raiser's agency and the route, no case content (DESIGN.md section 3). Signposting keeps
    no history by design; its place is beside the other service functions."""
    if journey.counted(route):
        return
    services.signposting_record(user=journey.membership.user, route=route)


# the question pages ----------------------------------------------------------------------


def _after(journey: Journey, step: Step, *, change: bool) -> HttpResponseRedirect:
    """The next question; when changing an answer, back to the check page unless the change
    needs another answer first."""
    if change:
        missing = journey.first_unanswered()
        if missing is None:
            return redirect("escalations:raise-check")
        return redirect(missing.url(change=True))
    following = journey.neighbour(step, 1)
    return redirect(following.url() if following else reverse("escalations:raise-check"))


def _saved(journey: Journey, step: Step, form: RaiseForm, *, change: bool) -> HttpResponse:
    if isinstance(form, RouteForm) and form.signposted:
        journey.forget(step.name)
        _record_signposting(journey, form.signposted)
        return redirect("escalations:raise-elsewhere", route=form.signposted)
    journey.save(step.name, form.answers())
    if isinstance(form, ActedForm):
        _record_signposting(journey, SignpostRoute.IMMEDIATE_RISK)
    return _after(journey, step, change=change)


def _question(step: Step) -> View:
    @_raisers_only
    def view(request: HttpRequest, membership: Membership) -> HttpResponse:
        journey = Journey(request, membership)
        if not step.applies(journey):
            missing = journey.first_unanswered()
            return redirect(missing.url() if missing else reverse("escalations:raise-check"))
        earlier = journey.first_unanswered(before=step)
        if earlier is not None:
            return redirect(earlier.url())
        change = request.GET.get("change") == "1"
        context = journey.context()
        if request.method == "POST":
            form = step.form_class(request.POST, context=context)
            if form.is_valid():
                return _saved(journey, step, form, change=change)
        else:
            # answered before: shown as answered, with errors if they no longer hold
            form = step.form_class(journey.answers(step.name), context=context)
        previous = journey.neighbour(step, -1)
        if change:
            back = reverse("escalations:raise-check")
        elif previous is not None:
            back = previous.url()
        else:
            back = reverse("escalations:inbox")
        return render(
            request,
            step.template,
            {
                "form": form,
                "title": step.title_for(form),
                "back_url": back,
                "about_children": journey.about_children,
                "immediate_risk": journey.immediate_risk,
                "agency": membership.agency,
            },
        )

    view.__name__ = f"raise_{step.name}"
    return view


def _about_children(journey: Journey) -> bool:
    return journey.about_children


STEPS: tuple[Step, ...] = (
    Step(
        "risk",
        "",
        ImmediateRiskForm,
        "Is a child at immediate risk of significant harm?",
        "escalations/raise.html",
    ),
    Step(
        "acted",
        "act-now/",
        ActedForm,
        "Act now to protect the child",
        "escalations/raise/acted.html",
        applies=lambda journey: journey.immediate_risk,
    ),
    Step(
        "route",
        "other-processes/",
        RouteForm,
        "Is this about any of these?",
        "escalations/raise/question.html",
    ),
    Step(
        "subject",
        "about/",
        SubjectForm,
        "Is the escalation about particular children?",
        "escalations/raise/question.html",
    ),
    Step(
        "children",
        "children/",
        ChildrenForm,
        "The children",
        "escalations/raise/children.html",
        applies=_about_children,
    ),
    Step(
        "agency",
        "agency/",
        AgencyForm,
        "The agency and the decision",
        "escalations/raise/agency.html",
    ),
    Step(
        "disagreement",
        "disagreement/",
        DisagreementForm,
        "Your disagreement",
        "escalations/raise/disagreement.html",
    ),
    Step(
        "urgency",
        "family-and-urgency/",
        FamilyAndUrgencyForm,
        "The family and urgency",
        "escalations/raise/urgency.html",
    ),
)
STEP = {step.name: step for step in STEPS}


# other processes --------------------------------------------------------------------------

ELSEWHERE = {
    SignpostRoute.COMPLAINT.value: "Help the family use the complaints process",
    SignpostRoute.CONFERENCE.value: "Use the conference chair's dissent process",
    SignpostRoute.IRO.value: "Talk to the child's independent reviewing officer",
    SignpostRoute.LADO.value: "Contact the local authority designated officer (LADO)",
    SignpostRoute.SINGLE_AGENCY.value: "Use your own agency's policy",
}


@_raisers_only
def elsewhere(request: HttpRequest, membership: Membership, route: str) -> HttpResponse:
    """Where the matter belongs instead. The route was counted when it was chosen."""
    if route not in ELSEWHERE:
        raise Http404("No such process")
    return render(
        request,
        "escalations/raise/elsewhere.html",
        {
            "route": route,
            "title": ELSEWHERE[route],
            "back_url": STEP["route"].url(),
            "agency": membership.agency,
        },
    )


# check your answers and raise ------------------------------------------------------------


class CheckAnswersForm(forms.Form):
    """The check page sends nothing but its token; a refusal shows in its error summary."""


def _row(key: str, value: str, step: str, hidden: str) -> dict[str, str]:
    return {"key": key, "value": value, "url": STEP[step].url(change=True), "hidden": hidden}


def _label(choices: Any, value: str) -> str:
    """The words for a choice's value, from a field or a fixed vocabulary."""
    return str(dict(choices.choices).get(value, value))


def _sections(journey: Journey, forms_: dict[str, RaiseForm]) -> list[dict[str, Any]]:
    """The answers as GOV.UK summary lists, each row with a link to change it."""
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
    dispute = forms_["disagreement"]
    text = dispute.cleaned_data
    disagreement = [
        _row(
            str(dispute.fields[name].label),
            text[name],
            "disagreement",
            str(dispute.fields[name].label).lower().rstrip("?"),
        )
        for name in ("decision_disputed", "reasons", "impact_on_child", "outcome_sought")
    ]
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
    return [
        {"title": "Immediate risk and other processes", "rows": risk},
        {"title": "Who it is about", "rows": about},
        {"title": "The agency and the decision", "rows": decision},
        {"title": "Your disagreement", "rows": disagreement},
        {
            "title": "The family and urgency" if journey.about_children else "Urgency",
            "rows": family,
        },
    ]


def _raise(user: User, journey: Journey, forms_: dict[str, RaiseForm]) -> Escalation:
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


@_raisers_only
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


# confirmation -----------------------------------------------------------------------------


def _due_words(escalation: Escalation) -> str:
    """due by 5pm on Monday 7 December 2026, in 3 working days (urgent: in 24 hours)."""
    assert escalation.stage_due_at is not None
    policy = escalation.policy
    if escalation.urgent:
        hours = policy.urgent_stage_hours(escalation.stage)
        span = f"{hours} hour{'s' if hours != 1 else ''}"
    else:
        days = policy.stage_days(escalation.stage)
        span = f"{days} working day{'s' if days != 1 else ''}"
    return f"due by {moment_in_words(escalation.stage_due_at)}, in {span}"


@_raisers_only
def raised(request: HttpRequest, membership: Membership, reference: str) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    escalation = (
        escalation_visible_to(user)
        .filter(raised_by=user, reference=reference)
        .select_related("policy", "receiving_agency")
        .first()
    )
    if escalation is None:
        raise Http404("No such escalation")
    acknowledge_by = escalation.acknowledgement_due_at
    return render(
        request,
        "escalations/raise/raised.html",
        {
            "title": "Escalation raised",
            "escalation": escalation,
            "due": _due_words(escalation),
            "acknowledge_by": moment_in_words(acknowledge_by) if acknowledge_by else "",
        },
    )


urlpatterns = [
    *(path(step.route, _question(step), name=step.url_name) for step in STEPS),
    path("check/", check, name="raise-check"),
    path("elsewhere/<str:route>/", elsewhere, name="raise-elsewhere"),
    path("raised/<str:reference>/", raised, name="raise-raised"),
]
