"""The stage 4 meeting's pages (issue 14, item 5): the lead convenes it and records who
attended; a holder of stage 4 gives their agency's written position. Each asks the rulebook
before any typing and goes through the services, like every other action page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from escalations import services
from escalations.forms.meetings import ConveneMeetingForm, PositionForm, RecordMeetingForm
from escalations.models import User
from escalations.timeline import due_moment
from escalations.words import moment_in_words
from workflows import rules
from workflows.calendar import LONDON

from .acting import FormPage, form_action, form_data, initial
from .queries import current_user, escalation_for_page


@require_http_methods(["GET", "POST"])
def convene_meeting(request: HttpRequest, reference: str) -> HttpResponse:
    escalation = escalation_for_page(request, reference, log=False)
    user = current_user(request)
    people = (
        rules.who_may_see(escalation)
        .select_related("membership")
        .order_by("membership__agency__name", "first_name", "last_name")
    )
    form = ConveneMeetingForm(form_data(request), people=people, initial=initial(escalation))
    return form_action(
        request,
        escalation,
        form,
        FormPage("convene_meeting.html", "Convene the stage 4 meeting", "Convene the meeting"),
        action=lambda data: services.escalation_convene_meeting(
            escalation=escalation,
            by=user,
            meets_at=form.meeting_moment(LONDON),
            invited=list(data["invited"]),
            positions_due_on=data["positions_due_on"],
            expected_stage=data["expected_stage"],
        ),
        success="The stage 4 meeting is convened. The partners invited and both agencies' "
        "stage 4 holders have been told.",
        context=lambda: {"due": due_moment(escalation) if escalation.is_open else None},
        allowed=lambda: rules.may_convene_meeting(rules.Situation.read(escalation), user),
    )


@require_http_methods(["GET", "POST"])
def give_position(request: HttpRequest, reference: str) -> HttpResponse:
    escalation = escalation_for_page(request, reference, log=False)
    user = current_user(request)
    s = rules.Situation.read(escalation)
    return form_action(
        request,
        escalation,
        PositionForm(form_data(request), initial=initial(escalation)),
        FormPage("position.html", "Give your agency's position", "Give the position"),
        action=lambda data: services.escalation_give_position(
            escalation=escalation,
            by=user,
            position=data["position"],
            expected_stage=data["expected_stage"],
        ),
        success="Your agency's position is recorded for the stage 4 meeting.",
        context=lambda: _meeting_context(s),
        allowed=lambda: rules.may_give_position(s, user),
    )


@require_http_methods(["GET", "POST"])
def record_meeting(request: HttpRequest, reference: str) -> HttpResponse:
    escalation = escalation_for_page(request, reference, log=False)
    user = current_user(request)
    s = rules.Situation.read(escalation)
    meeting = s.meeting
    invited = User.objects.filter(
        pk__in=[i.user_id for i in meeting.invitees.all()] if meeting else []
    ).select_related("membership")
    return form_action(
        request,
        escalation,
        RecordMeetingForm(form_data(request), invited=invited, initial=initial(escalation)),
        FormPage("record_meeting.html", "Record the stage 4 meeting", "Record the meeting"),
        action=lambda data: services.escalation_record_meeting(
            escalation=escalation,
            by=user,
            attended=list(data["attended"]),
            held_on=data["held_on"],
            expected_stage=data["expected_stage"],
        ),
        success="The meeting is recorded. Record its outcome with Resolve.",
        context=lambda: _meeting_context(s),
        allowed=lambda: rules.may_record_meeting(s, user),
    )


def _meeting_context(s: rules.Situation) -> dict[str, Any]:
    meeting = s.meeting
    return {
        "meeting": meeting,
        "meets_at": moment_in_words(meeting.meets_at) if meeting else "",
        "positions_due": moment_in_words(meeting.positions_due_at) if meeting else "",
    }
