"""The question pages of the raise journey, the pages that send the matter elsewhere, and
the confirmation with the reference and the due moment."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse

from escalations.forms.raising import ActedForm, RaiseForm, RouteForm
from escalations.models import Escalation, Membership, SignpostRoute, User
from escalations.selectors import escalation_visible_to
from escalations.words import moment_in_words

from .access import View, raisers_only
from .journey import STEP, Journey, Step, record_signposting

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
        record_signposting(journey, form.signposted)
        return redirect("escalations:raise-elsewhere", route=form.signposted)
    journey.save(step.name, form.answers())
    if isinstance(form, ActedForm):
        record_signposting(journey, SignpostRoute.IMMEDIATE_RISK)
    return _after(journey, step, change=change)


def _out_of_order(journey: Journey, step: Step) -> HttpResponseRedirect | None:
    """Where to go instead when this page does not apply or an earlier one is unanswered."""
    if not step.applies(journey):
        missing = journey.first_unanswered()
        return redirect(missing.url() if missing else reverse("escalations:raise-check"))
    earlier = journey.first_unanswered(before=step)
    if earlier is not None:
        return redirect(earlier.url())
    return None


def _back_url(journey: Journey, step: Step, *, change: bool) -> str:
    previous = journey.neighbour(step, -1)
    if change:
        return reverse("escalations:raise-check")
    if previous is not None:
        return previous.url()
    return reverse("escalations:inbox")


def question_view(step: Step) -> View:
    """The view of one question page of the journey."""

    @raisers_only
    def view(request: HttpRequest, membership: Membership) -> HttpResponse:
        journey = Journey(request, membership)
        elsewhere_in_journey = _out_of_order(journey, step)
        if elsewhere_in_journey is not None:
            return elsewhere_in_journey
        change = request.GET.get("change") == "1"
        context = journey.context()
        if request.method == "POST":
            form = step.form_class(request.POST, context=context)
            if form.is_valid():
                return _saved(journey, step, form, change=change)
        else:
            # answered before: shown as answered, with errors if they no longer hold
            form = step.form_class(journey.answers(step.name), context=context)
        return render(
            request,
            step.template,
            {
                "form": form,
                "title": step.title_for(form),
                "back_url": _back_url(journey, step, change=change),
                "about_children": journey.about_children,
                "immediate_risk": journey.immediate_risk,
                "agency": membership.agency,
            },
        )

    view.__name__ = f"raise_{step.name}"
    return view


# other processes --------------------------------------------------------------------------

ELSEWHERE = {
    SignpostRoute.COMPLAINT.value: "Help the family use the complaints process",
    SignpostRoute.CONFERENCE.value: "Use the conference chair's dissent process",
    SignpostRoute.IRO.value: "Talk to the child's independent reviewing officer",
    SignpostRoute.LADO.value: "Contact the local authority designated officer (LADO)",
    SignpostRoute.SINGLE_AGENCY.value: "Use your own agency's policy",
}


@raisers_only
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


@raisers_only
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
