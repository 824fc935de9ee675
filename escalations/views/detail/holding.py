"""The actions that keep an escalation held and recorded without moving it on: propose or
accept an extension, hand a stage over, add a note, confirm a stage is on a case file."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from escalations import services
from escalations.forms.actions import (
    AcceptExtensionForm,
    CaseFileForm,
    ExtendForm,
    HandOverForm,
    NoteForm,
)
from escalations.models import (
    Escalation,
    Extension,
    Side,
    User,
)
from escalations.timeline import due_moment, person
from escalations.words import moment_in_words
from workflows import rules
from workflows.holders import colleagues_of

from .acting import FormPage, form_action, form_data, initial
from .queries import current_user, escalation_for_page


@require_http_methods(["GET", "POST"])
def extend(request: HttpRequest, reference: str) -> HttpResponse:
    escalation = escalation_for_page(request, reference, log=False)
    user = current_user(request)
    return form_action(
        request,
        escalation,
        ExtendForm(form_data(request), initial=initial(escalation)),
        FormPage("extend.html", "Propose an extension", "Propose the extension"),
        action=lambda data: services.escalation_propose_extension(
            escalation=escalation,
            by=user,
            new_due_date=data["due"],
            reason=data["reason"],
            expected_stage=data["expected_stage"],
        ),
        success="Extension proposed. The other side has been asked to accept it.",
        context=lambda: {"due": due_moment(escalation) if escalation.is_open else None},
        allowed=lambda: rules.may_propose_extension(rules.Situation.read(escalation), user),
    )


@require_http_methods(["GET", "POST"])
def accept_extension(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    escalation = escalation_for_page(request, reference, log=False)
    user = current_user(request)
    extension = (
        Extension.objects.filter(pk=pk, stage_record__escalation=escalation)
        .select_related("proposed_by", "stage_record", "decided_by")
        .first()
    )
    if extension is None:
        raise Http404("No such extension")
    return form_action(
        request,
        escalation,
        AcceptExtensionForm(form_data(request), initial=initial(escalation)),
        FormPage("accept_extension.html", "Accept the extension", "Accept the extension"),
        action=lambda data: services.escalation_accept_extension(
            extension=extension, by=user, expected_stage=data["expected_stage"]
        ),
        success=f"Extension accepted. Stage {extension.stage_record.stage} is now due by "
        f"{moment_in_words(extension.new_due_at)}.",
        context=lambda: {
            "extension": extension,
            "proposed_by": person(extension.proposed_by),
            "new_due": moment_in_words(extension.new_due_at),
            "current_due": moment_in_words(extension.stage_record.due_at),
        },
        allowed=lambda: rules.may_accept_extension(
            rules.Situation.read(escalation), user, extension
        ),
    )


def _hand_over_people(
    escalation: Escalation, user: User
) -> tuple[QuerySet[User] | None, QuerySet[User]]:
    """Whose holding this person may hand over, as the rulebook answers (None: only their
    own; the lead may hand over anyone's), and the colleagues it may go to: active people with
    the same role in the same agency as such a holder, who do not hold the stage already."""
    s = rules.Situation.read(escalation)
    holding = [h.user for h in s.current_holders()]
    mine = [holder for holder in holding if rules.may_hand_over(s, user, holder)]
    holders: QuerySet[User] | None = None
    if mine != [user]:
        holders = User.objects.filter(pk__in=[u.pk for u in mine]).order_by(
            "first_name", "last_name", "username"
        )
    colleagues = User.objects.none()
    for holder in mine:
        colleagues |= colleagues_of(holder)
    colleagues = colleagues.exclude(pk__in=[u.pk for u in holding]).order_by(
        "first_name", "last_name", "username"
    )
    return holders, colleagues


@require_http_methods(["GET", "POST"])
def hand_over(request: HttpRequest, reference: str) -> HttpResponse:
    escalation = escalation_for_page(request, reference, log=False)
    user = current_user(request)
    holders, colleagues = _hand_over_people(escalation, user)
    start = initial(escalation)
    if holders is not None and holders.filter(pk=user.pk).exists():
        start["holder"] = user.pk
    form = HandOverForm(form_data(request), initial=start, colleagues=colleagues, holders=holders)
    return form_action(
        request,
        escalation,
        form,
        FormPage("hand_over.html", f"Hand over stage {escalation.stage}", "Hand over"),
        action=lambda data: services.escalation_hand_over(
            escalation=escalation,
            by=user,
            to=data["to"],
            holder=data.get("holder") or None,
            expected_stage=data["expected_stage"],
        ),
        success=lambda: f"Stage {escalation.stage} handed over to {form.cleaned_data['to']}.",
        context=lambda: {"has_colleagues": colleagues.exists()},
        allowed=lambda: rules.may_hand_over(rules.Situation.read(escalation), user),
    )


@require_http_methods(["GET", "POST"])
def add_note(request: HttpRequest, reference: str) -> HttpResponse:
    escalation = escalation_for_page(request, reference, log=False)
    user = current_user(request)
    return form_action(
        request,
        escalation,
        NoteForm(form_data(request)),
        FormPage("note.html", "Add a note", "Add the note"),
        action=lambda data: services.escalation_add_note(
            escalation=escalation, author=user, text=data["text"]
        ),
        success="Note added.",
        allowed=lambda: rules.may_add_note(rules.Situation.read(escalation), user),
    )


@require_http_methods(["GET", "POST"])
def case_file(request: HttpRequest, reference: str, stage: int) -> HttpResponse:
    escalation = escalation_for_page(request, reference, log=False)
    user = current_user(request)
    s = rules.Situation.read(escalation)
    record = s.record_of(stage)
    if record is None:
        raise Http404("No such stage")

    def context() -> dict[str, Any]:
        side = rules.case_file_side(s, user, stage)
        agency = {
            Side.RAISING: escalation.raising_agency,
            Side.RECEIVING: escalation.receiving_agency,
        }
        return {"record": record, "agency": agency.get(side) if side else None}

    return form_action(
        request,
        escalation,
        CaseFileForm(form_data(request)),
        FormPage("case_file.html", f"Confirm stage {stage} is on your case file", "Confirm"),
        action=lambda data: services.escalation_record_on_case_file(
            escalation=escalation, by=user, stage=stage, reference=data["reference"]
        ),
        success=f"Recorded: the outcome of stage {stage} is on your agency's case file.",
        context=context,
        allowed=lambda: rules.may_record_on_case_file(s, user, stage),
    )
