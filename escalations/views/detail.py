"""The escalation page (``/escalations/<reference>/``), one page per action on it, and the
printable record for each agency's case file.

Every view finds the escalation through ``visible_escalation`` (a 404 to anyone who may not
see it). No view changes state itself: each action validates its form and calls the service
function, whose refusal (who may act, what is missing, the escalation has moved on) is shown
in the error summary with nothing written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from escalations import services
from escalations.forms.actions import (
    AcceptExtensionForm,
    AcknowledgeForm,
    CaseFileForm,
    EscalateForm,
    ExtendForm,
    HandOverForm,
    NoteForm,
    ResolveForm,
    RespondForm,
    WithdrawForm,
)
from escalations.models import (
    Escalation,
    Extension,
    ExtensionStatus,
    Membership,
    Role,
    Side,
    StageHolder,
    StageRecord,
    User,
)
from escalations.services import Refused
from escalations.timeline import DueMoment, build_timeline, due_moment, person
from escalations.words import moment_in_words
from workflows.rules import membership_of, side_of, side_user_ids
from workflows.states import LAST_STAGE, Status
from workflows.timescales import Clock

from .common import visible_escalation

# the actions of the page, in the order it lists them, with their link text
ACTIONS: dict[str, str] = {
    "acknowledge": "Acknowledge",
    "respond": "Respond",
    "escalate": "Escalate",
    "resolve": "Resolve",
    "withdraw": "Withdraw",
    "extend": "Propose an extension",
    "accept_extension": "Accept the extension",
    "hand_over": "Hand over",
    "note": "Add a note",
}
ACTION_HINTS: dict[str, str] = {
    "acknowledge": "Say who holds it for your agency.",
    "respond": "Record your agency's decision now and why.",
    "escalate": "Move it to the next stage.",
    "resolve": "Close it with the outcome and the agreed actions.",
    "withdraw": "Close it without an outcome.",
    "extend": "Ask the other side for more time at this stage.",
    "accept_extension": "Agree to the new due date the other side proposed.",
    "hand_over": "Give this stage to a colleague with the same role.",
    "note": "Anyone who can see the escalation can read it.",
}
SIDES = (Side.RAISING, Side.RECEIVING, Side.PARTNERSHIP)


class Unknown:
    """Not looked up yet (None is an answer: there is no pending extension)."""


UNKNOWN = Unknown()


# who may do what now --------------------------------------------------------------------------


def pending_extension(escalation: Escalation) -> Extension | None:
    """The extension of the current stage waiting for an answer, if any."""
    return (
        Extension.objects.filter(
            stage_record__escalation=escalation,
            stage_record__stage=escalation.stage,
            status=ExtensionStatus.PROPOSED,
        )
        .select_related("proposed_by", "stage_record")
        .first()
    )


def case_file_side(record: StageRecord, escalation: Escalation, user: User) -> Side | None:
    """The side this person confirms a stage's case-file record for (as the service decides
    it); ``record`` comes with its holders prefetched."""
    for holder in record.holders.all():
        if holder.user_id == user.pk and holder.side != Side.PARTNERSHIP:
            return Side(holder.side)
    if record.stage == 1 and user.pk == escalation.raised_by_id:
        return Side.RAISING
    return None


def available_actions(
    escalation: Escalation,
    user: User,
    *,
    records: list[StageRecord] | None = None,
    pending: Extension | None | Unknown = UNKNOWN,
) -> list[str]:
    """The actions this person may take now, mirroring the checks of the transition code
    (``workflows.transitions`` and ``workflows.holding``), which stays the authority: a
    refused action still says why. ``case_file:<stage>`` entries are the concluded stages
    whose outcome this person's side has still to confirm on its case file."""
    membership = membership_of(user)
    if membership is None or membership.partnership_id != escalation.partnership_id:
        return []
    actions: list[str] = []
    if escalation.is_open:
        receiving = side_user_ids(escalation, Side.RECEIVING)
        raising = side_user_ids(escalation, Side.RAISING)
        side = side_of(escalation, user)
        if user.pk in receiving:
            if escalation.acknowledged_at is None:
                actions.append("acknowledge")
            actions.append("respond")
        # side_of: a current holder of this stage on either side (current_holder_ids)
        if escalation.stage < LAST_STAGE and (
            side is not None or user.pk == escalation.raised_by_id
        ):
            actions.append("escalate")
        lead = membership.role == Role.PARTNERSHIP_LEAD
        if user.pk in raising or (escalation.stage == LAST_STAGE and lead):
            actions.append("resolve")
        if user.pk in raising:
            actions.append("withdraw")
        if isinstance(pending, Unknown):
            pending = pending_extension(escalation)
        if side is not None and pending is None:
            actions.append("extend")
        if (
            pending is not None
            and user.pk != pending.proposed_by_id
            and (
                (side is not None and side != pending.proposed_side)
                or membership.is_partnership_team
            )
        ):
            actions.append("accept_extension")
        if side is not None or lead:
            actions.append("hand_over")
    actions.append("note")
    if records is None:
        records = list(_stage_records(escalation))
    for record in records:
        if record.concluded_at is None:
            continue
        confirming = case_file_side(record, escalation, user)
        if confirming is not None and getattr(record, f"{confirming}_recorded_by_id") is None:
            actions.append(f"case_file:{record.stage}")
    return actions


# what the page shows ------------------------------------------------------------------------


def _escalation_for_page(request: HttpRequest, reference: str, *, log: bool) -> Escalation:
    """The visible escalation (404 otherwise) with what the page shows of it in one query."""
    found = visible_escalation(request, reference, log=log)
    return Escalation.objects.select_related(
        "partnership",
        "policy",
        "raising_agency",
        "receiving_agency",
        "raised_by__membership__agency",
        "receiving_holder",
        "acknowledged_by",
    ).get(pk=found.pk)


def _stage_records(escalation: Escalation) -> QuerySet[StageRecord]:
    return (
        StageRecord.objects.filter(escalation=escalation)
        .select_related("decided_by", "raising_recorded_by", "receiving_recorded_by", "escalation")
        .prefetch_related(
            Prefetch(
                "holders",
                queryset=StageHolder.objects.select_related("user").order_by("since", "pk"),
            ),
            Prefetch(
                "extensions",
                queryset=Extension.objects.select_related("proposed_by", "decided_by").order_by(
                    "proposed_at", "pk"
                ),
            ),
        )
        .order_by("stage")
    )


@dataclass
class StageRow:
    number: int
    label: str
    state: str  # "done", "current", "closed" (the stage it was closed at), "not_reached", "skipped"
    record: StageRecord | None
    summary: str = ""


@dataclass
class SideHolders:
    side: Side
    heading: str
    where: str
    people: list[User] = field(default_factory=list)


@dataclass
class CaseFileTask:
    record: StageRecord
    side: Side
    agency: Any
    recorded_by: User | None
    recorded_at: Any
    reference: str
    can_confirm: bool


def _duration(record: StageRecord, urgent: bool) -> str:
    if urgent and record.duration_hours is not None:
        hours = record.duration_hours
        return f"{hours} hour{'s' if hours != 1 else ''}"
    if record.duration_working_days is not None:
        days = record.duration_working_days
        return f"{days} working day{'s' if days != 1 else ''}"
    return ""


def _day(moment: Any) -> str:
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y}"


def stage_rows(escalation: Escalation, records: list[StageRecord]) -> list[StageRow]:
    by_stage = {record.stage: record for record in records}
    first = min(by_stage, default=escalation.stage)
    rows = []
    for number in range(1, LAST_STAGE + 1):
        record = by_stage.get(number)
        label = Status(f"stage_{number}").label
        if record is None:
            state = "skipped" if number < first else "not_reached"
            summary = "Not used: it started at a later stage" if state == "skipped" else ""
            rows.append(StageRow(number, label, state, None, summary))
            continue
        if record.concluded_at is None:
            summary = f"Started {_day(record.started_at)}"
            rows.append(StageRow(number, label, "current", record, summary))
            continue
        took = _duration(record, escalation.urgent)
        summary = (
            f"{record.get_conclusion_display()} on {_day(record.concluded_at)}"
            + (f" after {took}" if took else "")
            + (", past its due moment" if record.breached_at else "")
        )
        closing = not escalation.is_open and number == escalation.stage
        rows.append(StageRow(number, label, "closed" if closing else "done", record, summary))
    return rows


def children_in_words(escalation: Escalation) -> list[str]:
    """Each child by case numbers and age band: never a name."""
    lines = []
    for child in escalation.children.all():
        parts = [f"{escalation.raising_agency} case number {child.raising_case_number}"]
        if child.receiving_case_number:
            parts.append(f"{escalation.receiving_agency} case number {child.receiving_case_number}")
        if child.age_band:
            parts.append(f"aged {child.age_band}")
        lines.append("; ".join(parts))
    return lines


def side_holders(escalation: Escalation, record: StageRecord | None) -> list[SideHolders]:
    if record is None:
        return []
    where = {
        Side.RAISING: str(escalation.raising_agency),
        Side.RECEIVING: str(escalation.receiving_agency),
        Side.PARTNERSHIP: str(escalation.partnership),
    }
    groups = {side: SideHolders(side, f"{side.label} holders", where[side]) for side in SIDES}
    for holder in record.holders.all():
        if holder.until is None:
            groups[Side(holder.side)].people.append(holder.user)
    return [group for group in groups.values() if group.people or group.side != Side.PARTNERSHIP]


def case_file_tasks(
    escalation: Escalation, records: list[StageRecord], user: User, actions: list[str]
) -> list[CaseFileTask]:
    tasks = []
    agencies = {
        Side.RAISING: escalation.raising_agency,
        Side.RECEIVING: escalation.receiving_agency,
    }
    for record in records:
        if record.concluded_at is None:
            continue
        mine = case_file_side(record, escalation, user)
        for side in (Side.RAISING, Side.RECEIVING):
            tasks.append(
                CaseFileTask(
                    record=record,
                    side=side,
                    agency=agencies[side],
                    recorded_by=getattr(record, f"{side}_recorded_by"),
                    recorded_at=getattr(record, f"{side}_recorded_at"),
                    reference=getattr(record, f"{side}_record_reference"),
                    can_confirm=mine == side and f"case_file:{record.stage}" in actions,
                )
            )
    return tasks


def _page_context(escalation: Escalation, user: User) -> dict[str, Any]:
    records = list(_stage_records(escalation))
    current = next((r for r in records if r.stage == escalation.stage), None)
    pending = None
    if escalation.is_open and current is not None:  # as pending_extension, from the prefetch
        proposed = [x for x in current.extensions.all() if x.status == ExtensionStatus.PROPOSED]
        pending = proposed[0] if proposed else None
    actions = available_actions(escalation, user, records=records, pending=pending)
    due: DueMoment | None = due_moment(escalation) if escalation.is_open else None
    acknowledgement_due = (
        due_moment(escalation, escalation.acknowledgement_due_at)
        if escalation.is_open
        and escalation.acknowledged_at is None
        and escalation.acknowledgement_due_at
        else None
    )
    return {
        "escalation": escalation,
        "children": children_in_words(escalation),
        "records": records,
        "current_record": current,
        "stages": stage_rows(escalation, records),
        "holders": side_holders(escalation, current) if escalation.is_open else [],
        "due": due,
        "acknowledgement_due": acknowledgement_due,
        "pending_extension": pending,
        "actions": actions,
        "action_links": [
            {
                "name": name,
                "label": label,
                "hint": ACTION_HINTS[name],
                "url": _action_url(escalation, name, pending),
            }
            for name, label in ACTIONS.items()
            if name in actions
        ],
        "case_file_tasks": case_file_tasks(escalation, records, user, actions),
        "timeline": build_timeline(escalation),
        "raised_by": person(escalation.raised_by),
        "raised_at": moment_in_words(escalation.raised_at),
        "immediate_action_at": moment_in_words(escalation.immediate_action_at)
        if escalation.immediate_action_at
        else "",
    }


def _action_url(escalation: Escalation, name: str, pending: Extension | None) -> str:
    kwargs: dict[str, Any] = {"reference": escalation.reference}
    if name == "accept_extension":
        assert pending is not None
        kwargs["pk"] = pending.pk
    return reverse(f"escalations:{name}", kwargs=kwargs)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@require_http_methods(["GET", "HEAD"])
def escalation_detail(request: HttpRequest, reference: str) -> HttpResponse:
    escalation = _escalation_for_page(request, reference, log=True)
    return render(request, "escalations/detail.html", _page_context(escalation, _user(request)))


# the actions ----------------------------------------------------------------------------------


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


def _form_page(
    request: HttpRequest,
    escalation: Escalation,
    template: str,
    form: forms.Form,
    title: str,
    button: str,
    **context: Any,
) -> HttpResponse:
    return render(
        request,
        f"escalations/detail/{template}",
        {
            "escalation": escalation,
            "form": form,
            "title": title,
            "button": button,
            **context,
        },
    )


def _initial(escalation: Escalation) -> dict[str, Any]:
    return {"expected_stage": escalation.stage}


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


@require_http_methods(["GET", "POST"])
def acknowledge(request: HttpRequest, reference: str) -> HttpResponse:
    escalation = _escalation_for_page(request, reference, log=False)
    user = _user(request)
    people = User.objects.filter(
        is_active=True, membership__agency_id=escalation.receiving_agency_id
    ).order_by("first_name", "last_name", "username")
    initial = _initial(escalation)
    if people.filter(pk=user.pk).exists():
        initial["holder"] = user.pk
    form = AcknowledgeForm(_data(request), initial=initial, people=people)
    if request.method == "POST":
        done = _perform(
            request,
            escalation,
            form,
            lambda data: services.escalation_acknowledge(
                escalation=escalation,
                by=user,
                holder=data["holder"],
                expected_stage=data["expected_stage"],
            ),
            lambda: (
                f"{escalation.reference} acknowledged. "
                f"{form.cleaned_data['holder']} is the named holder."
            ),
        )
        if done:
            return done
    return _form_page(
        request, escalation, "acknowledge.html", form, "Acknowledge the escalation", "Acknowledge"
    )


@require_http_methods(["GET", "POST"])
def respond(request: HttpRequest, reference: str) -> HttpResponse:
    escalation = _escalation_for_page(request, reference, log=False)
    user = _user(request)
    form = RespondForm(_data(request), initial=_initial(escalation))
    if request.method == "POST":
        done = _perform(
            request,
            escalation,
            form,
            lambda data: services.escalation_respond(
                escalation=escalation,
                by=user,
                decision=data["decision"],
                response=data["response"],
                expected_stage=data["expected_stage"],
            ),
            "Your agency's decision is recorded and the raising agency has been told.",
        )
        if done:
            return done
    return _form_page(
        request,
        escalation,
        "respond.html",
        form,
        "Respond to the escalation",
        "Record the decision",
    )


@require_http_methods(["GET", "POST"])
def escalate(request: HttpRequest, reference: str) -> HttpResponse:
    escalation = _escalation_for_page(request, reference, log=False)
    user = _user(request)
    form = EscalateForm(_data(request), initial=_initial(escalation))
    if request.method == "POST":
        done = _perform(
            request,
            escalation,
            form,
            lambda data: services.escalation_escalate(
                escalation=escalation,
                by=user,
                reason=data["reason"],
                expected_stage=data["expected_stage"],
            ),
            lambda: f"{escalation.reference} is now at stage {escalation.stage + 1}.",
        )
        if done:
            return done
    next_stage = escalation.stage + 1 if escalation.stage < LAST_STAGE else None
    next_due = None
    if next_stage is not None and escalation.is_open:
        clock = Clock.of(partnership=escalation.partnership, policy=escalation.policy)
        next_due = moment_in_words(
            clock.stage_due(stage=next_stage, started_at=timezone.now(), urgent=escalation.urgent)
        )
    return _form_page(
        request,
        escalation,
        "escalate.html",
        form,
        f"Escalate to stage {next_stage}" if next_stage else "Escalate",
        "Escalate",
        next_stage=next_stage,
        next_stage_label=Status(f"stage_{next_stage}").label if next_stage else "",
        next_due=next_due,
        copies_partnership=next_stage is not None
        and next_stage >= escalation.policy.partnership_from_stage,
    )


@require_http_methods(["GET", "POST"])
def resolve(request: HttpRequest, reference: str) -> HttpResponse:
    escalation = _escalation_for_page(request, reference, log=False)
    user = _user(request)
    form = ResolveForm(_data(request), initial=_initial(escalation), stage=escalation.stage)
    if request.method == "POST":
        done = _perform(
            request,
            escalation,
            form,
            lambda data: services.escalation_resolve(
                escalation=escalation,
                by=user,
                outcome=data["outcome"],
                summary=data["summary"],
                agreed_actions=data["agreed_actions"],
                learning=data["learning"],
                expected_stage=data["expected_stage"],
            ),
            f"{escalation.reference} is resolved.",
        )
        if done:
            return done
    return _form_page(
        request, escalation, "resolve.html", form, "Resolve the escalation", "Resolve"
    )


@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    escalation = _escalation_for_page(request, reference, log=False)
    user = _user(request)
    form = WithdrawForm(_data(request), initial=_initial(escalation))
    if request.method == "POST":
        done = _perform(
            request,
            escalation,
            form,
            lambda data: services.escalation_withdraw(
                escalation=escalation,
                by=user,
                reason=data["reason"],
                expected_stage=data["expected_stage"],
            ),
            f"{escalation.reference} is withdrawn.",
        )
        if done:
            return done
    return _form_page(
        request, escalation, "withdraw.html", form, "Withdraw the escalation", "Withdraw"
    )


@require_http_methods(["GET", "POST"])
def extend(request: HttpRequest, reference: str) -> HttpResponse:
    escalation = _escalation_for_page(request, reference, log=False)
    user = _user(request)
    form = ExtendForm(_data(request), initial=_initial(escalation))
    if request.method == "POST":
        done = _perform(
            request,
            escalation,
            form,
            lambda data: services.escalation_propose_extension(
                escalation=escalation,
                by=user,
                new_due_date=data["new_due_date"],
                reason=data["reason"],
                expected_stage=data["expected_stage"],
            ),
            "Extension proposed. The other side has been asked to accept it.",
        )
        if done:
            return done
    return _form_page(
        request,
        escalation,
        "extend.html",
        form,
        "Propose an extension",
        "Propose the extension",
        due=due_moment(escalation) if escalation.is_open else None,
    )


@require_http_methods(["GET", "POST"])
def accept_extension(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    escalation = _escalation_for_page(request, reference, log=False)
    user = _user(request)
    extension = (
        Extension.objects.filter(pk=pk, stage_record__escalation=escalation)
        .select_related("proposed_by", "stage_record", "decided_by")
        .first()
    )
    if extension is None:
        raise Http404("No such extension")
    form = AcceptExtensionForm(_data(request), initial=_initial(escalation))
    if request.method == "POST":
        done = _perform(
            request,
            escalation,
            form,
            lambda data: services.escalation_accept_extension(
                extension=extension, by=user, expected_stage=data["expected_stage"]
            ),
            f"Extension accepted. Stage {extension.stage_record.stage} is now due by "
            f"{moment_in_words(extension.new_due_at)}.",
        )
        if done:
            return done
    return _form_page(
        request,
        escalation,
        "accept_extension.html",
        form,
        "Accept the extension",
        "Accept the extension",
        extension=extension,
        proposed_by=person(extension.proposed_by),
        new_due=moment_in_words(extension.new_due_at),
        current_due=moment_in_words(extension.stage_record.due_at),
    )


def _hand_over_people(
    escalation: Escalation, user: User
) -> tuple[QuerySet[User] | None, QuerySet[User]]:
    """Whose holding this person may hand over (None: only their own) and the colleagues
    it may go to: active people with the same role in the same agency as a holder."""
    current = StageHolder.objects.filter(
        stage_record__escalation=escalation,
        stage_record__stage=escalation.stage,
        until__isnull=True,
    )
    membership = membership_of(user)
    holders: QuerySet[User] | None = None
    holder_ids: Any = [user.pk]
    if membership is not None and membership.role == Role.PARTNERSHIP_LEAD:
        holders = User.objects.filter(pk__in=current.values("user_id")).order_by(
            "first_name", "last_name", "username"
        )
        holder_ids = current.values("user_id")
    same_as_holder = Q(pk__in=[])
    for theirs in Membership.objects.filter(user_id__in=holder_ids):
        same_as_holder |= Q(
            membership__role=theirs.role,
            membership__agency_id=theirs.agency_id,
            membership__partnership_id=theirs.partnership_id,
        )
    colleagues = (
        User.objects.filter(same_as_holder, is_active=True)
        .exclude(pk__in=current.values("user_id"))
        .order_by("first_name", "last_name", "username")
    )
    return holders, colleagues


@require_http_methods(["GET", "POST"])
def hand_over(request: HttpRequest, reference: str) -> HttpResponse:
    escalation = _escalation_for_page(request, reference, log=False)
    user = _user(request)
    holders, colleagues = _hand_over_people(escalation, user)
    initial = _initial(escalation)
    if holders is not None and holders.filter(pk=user.pk).exists():
        initial["holder"] = user.pk
    form = HandOverForm(_data(request), initial=initial, colleagues=colleagues, holders=holders)
    if request.method == "POST":
        done = _perform(
            request,
            escalation,
            form,
            lambda data: services.escalation_hand_over(
                escalation=escalation,
                by=user,
                to=data["to"],
                holder=data.get("holder") or None,
                expected_stage=data["expected_stage"],
            ),
            lambda: f"Stage {escalation.stage} handed over to {form.cleaned_data['to']}.",
        )
        if done:
            return done
    return _form_page(
        request,
        escalation,
        "hand_over.html",
        form,
        f"Hand over stage {escalation.stage}",
        "Hand over",
        has_colleagues=colleagues.exists(),
    )


@require_http_methods(["GET", "POST"])
def add_note(request: HttpRequest, reference: str) -> HttpResponse:
    escalation = _escalation_for_page(request, reference, log=False)
    user = _user(request)
    form = NoteForm(_data(request))
    if request.method == "POST":
        done = _perform(
            request,
            escalation,
            form,
            lambda data: services.escalation_add_note(
                escalation=escalation, author=user, text=data["text"]
            ),
            "Note added.",
        )
        if done:
            return done
    return _form_page(request, escalation, "note.html", form, "Add a note", "Add the note")


@require_http_methods(["GET", "POST"])
def case_file(request: HttpRequest, reference: str, stage: int) -> HttpResponse:
    escalation = _escalation_for_page(request, reference, log=False)
    user = _user(request)
    record = (
        StageRecord.objects.filter(escalation=escalation, stage=stage)
        .prefetch_related("holders")
        .first()
    )
    if record is None:
        raise Http404("No such stage")
    form = CaseFileForm(_data(request))
    if request.method == "POST":
        done = _perform(
            request,
            escalation,
            form,
            lambda data: services.escalation_record_on_case_file(
                escalation=escalation, by=user, stage=stage, reference=data["reference"]
            ),
            f"Recorded: the outcome of stage {stage} is on your agency's case file.",
        )
        if done:
            return done
    side = case_file_side(record, escalation, user)
    agency = {Side.RAISING: escalation.raising_agency, Side.RECEIVING: escalation.receiving_agency}
    return _form_page(
        request,
        escalation,
        "case_file.html",
        form,
        f"Confirm stage {stage} is on your case file",
        "Confirm",
        record=record,
        agency=agency.get(side) if side else None,
    )


# the printable record -------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def record_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    """The record of the escalation as an A4 PDF for each agency's case file."""
    from weasyprint import HTML  # heavy: loaded only when a record is printed

    escalation = _escalation_for_page(request, reference, log=True)
    user = _user(request)
    records = list(_stage_records(escalation))
    stages = []
    for record in records:
        stages.append(
            {
                "record": record,
                "label": Status(f"stage_{record.stage}").label,
                "holders": [
                    {
                        "name": person(holder.user, agency=False),
                        "side": holder.get_side_display(),
                        "since": holder.since,
                        "until": holder.until,
                    }
                    for holder in record.holders.all()
                ],
                "duration": _duration(record, escalation.urgent),
                "due": moment_in_words(record.due_at),
                "original_due": moment_in_words(record.original_due_at),
            }
        )
    html = render_to_string(
        "escalations/record_pdf.html",
        {
            "escalation": escalation,
            "children": children_in_words(escalation),
            "stages": stages,
            "timeline": build_timeline(escalation, newest_first=False),
            "raised_by": person(escalation.raised_by),
            "raised_at": moment_in_words(escalation.raised_at),
            "immediate_action_at": moment_in_words(escalation.immediate_action_at)
            if escalation.immediate_action_at
            else "",
            "printed_by": person(user),
            "printed_at": moment_in_words(timezone.now()),
            "due": due_moment(escalation) if escalation.is_open else None,
        },
        request=request,
    )
    pdf = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{escalation.reference}.pdf"'
    return response


urlpatterns = [
    path("", escalation_detail, name="detail"),
    path("acknowledge/", acknowledge, name="acknowledge"),
    path("respond/", respond, name="respond"),
    path("escalate/", escalate, name="escalate"),
    path("resolve/", resolve, name="resolve"),
    path("withdraw/", withdraw, name="withdraw"),
    path("extend/", extend, name="extend"),
    path("extension/<int:pk>/accept/", accept_extension, name="accept_extension"),
    path("hand-over/", hand_over, name="hand_over"),
    path("note/", add_note, name="note"),
    path("case-file/<int:stage>/", case_file, name="case_file"),
    path("record.pdf", record_pdf, name="record_pdf"),
]
