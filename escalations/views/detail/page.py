"""The escalation page (``/escalations/<reference>/``): its stages, holders, due moments,
case-file tasks, timeline and the actions this person may take now."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from escalations.models import Escalation, Extension, Meeting, Side, StageRecord, User
from escalations.timeline import DueMoment, build_timeline, due_moment, person
from escalations.words import moment_in_words
from workflows import rules
from workflows.states import LAST_STAGE, Status

from .queries import current_user, escalation_for_page, stage_records

# the actions of the page, in the order it lists them, with their link text; which of them
# this person may take now is the rulebook's answer (``workflows.rules.available``)
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
    "convene_meeting": "Convene the stage 4 meeting",
    "give_position": "Give your agency's position",
    "record_meeting": "Record the meeting",
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
    "convene_meeting": "When it meets, who is invited, when the agencies' positions are due.",
    "give_position": "In writing, for the stage 4 meeting, by the day it is due.",
    "record_meeting": "Who attended, then record its outcome with Resolve.",
}
SIDES = (Side.RAISING, Side.RECEIVING, Side.PARTNERSHIP)


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


def stage_duration(record: StageRecord, urgent: bool) -> str:
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
        took = stage_duration(record, escalation.urgent)
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


def case_file_tasks(s: rules.Situation, user: User, actions: list[str]) -> list[CaseFileTask]:
    escalation = s.escalation
    tasks = []
    agencies = {
        Side.RAISING: escalation.raising_agency,
        Side.RECEIVING: escalation.receiving_agency,
    }
    for record in s.records:
        if record.concluded_at is None:
            continue
        mine = rules.case_file_side(s, user, record.stage)
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


def _acknowledgement_due(escalation: Escalation) -> DueMoment | None:
    if (
        escalation.is_open
        and escalation.acknowledged_at is None
        and escalation.acknowledgement_due_at
    ):
        return due_moment(escalation, escalation.acknowledgement_due_at)
    return None


def _action_url(escalation: Escalation, name: str, pending: Extension | None) -> str:
    kwargs: dict[str, Any] = {"reference": escalation.reference}
    if name == "accept_extension":
        assert pending is not None
        kwargs["pk"] = pending.pk
    return reverse(f"escalations:{name}", kwargs=kwargs)


def action_links(
    escalation: Escalation, actions: list[str], pending: Extension | None
) -> list[dict[str, str]]:
    return [
        {
            "name": name,
            "label": label,
            "hint": ACTION_HINTS[name],
            "url": _action_url(escalation, name, pending),
        }
        for name, label in ACTIONS.items()
        if name in actions
    ]


def _meeting(records: list[StageRecord]) -> Meeting | None:
    """The stage 4 meeting, if stage 4 was reached and it was convened: who was invited and
    attended, each agency's position."""
    record = next((r for r in records if r.stage == LAST_STAGE), None)
    if record is None:
        return None
    return (
        Meeting.objects.filter(stage_record=record)
        .select_related("convened_by")
        .prefetch_related("invitees__user__membership", "positions__agency", "positions__given_by")
        .first()
    )


def _page_context(escalation: Escalation, user: User) -> dict[str, Any]:
    s = rules.Situation.read(escalation, records=stage_records(escalation))
    records, current, pending = s.records, s.record, s.pending
    actions = rules.available(s, user)
    return {
        "escalation": escalation,
        "children": children_in_words(escalation),
        "records": records,
        "current_record": current,
        "stages": stage_rows(escalation, records),
        "holders": side_holders(escalation, current) if escalation.is_open else [],
        "due": due_moment(escalation) if escalation.is_open else None,
        "acknowledgement_due": _acknowledgement_due(escalation),
        "pending_extension": pending,
        "lapsed_extensions": s.lapsed,
        "actions": actions,
        "action_links": action_links(escalation, actions, pending),
        "case_file_tasks": case_file_tasks(s, user, actions),
        "meeting": _meeting(records),
        "timeline": build_timeline(escalation),
        "raised_by": person(escalation.raised_by),
        "raised_at": moment_in_words(escalation.raised_at),
        "immediate_action_at": moment_in_words(escalation.immediate_action_at)
        if escalation.immediate_action_at
        else "",
    }


@require_http_methods(["GET", "HEAD"])
def escalation_detail(request: HttpRequest, reference: str) -> HttpResponse:
    escalation = escalation_for_page(request, reference, log=True)
    return render(
        request, "escalations/detail.html", _page_context(escalation, current_user(request))
    )
