"""What the escalation page shows over time: one timeline built from history, and the due
moment in words. Read-only: it never changes a record.

The timeline merges the field-level history (django-simple-history) of the escalation, its
children, stage records, holders, extensions and notes with the notification outbox. Each
entry says when (local time), who (or "Resolve (automatic)" for the system) and what (the
change reason). The number of queries does not depend on the number of rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from workflows.timescales import Clock

from .audit import SYSTEM
from .models import (
    AgencyPosition,
    Child,
    Escalation,
    Extension,
    Meeting,
    Note,
    Notification,
    NotificationEvent,
    Side,
    StageHolder,
    StageRecord,
    User,
)
from .words import moment_in_words, time_in_words, time_left

__all__ = [
    "DueMoment",
    "Entry",
    "build_timeline",
    "due_moment",
    "person",
]

# entries of the same kind by the same person within this window are one event
SAME_EVENT = dt.timedelta(seconds=2)
# the records one transition writes together (escalation, children, stage records, holders,
# extensions) are one entry, headed by the escalation's own change; notes and notifications
# stand alone
_ORDER_OF_NOTES = 5
_SIDE_WORDS = {Side.RAISING: "raising side", Side.RECEIVING: "receiving side"}
_HISTORY_TYPE_WORDS = {"+": "added", "~": "changed", "-": "removed"}


# words for moments --------------------------------------------------------------------------


def person(user: User | None, *, agency: bool = True) -> str:
    """A person as the timeline names them: their name and agency, or the system."""
    if user is None:
        return SYSTEM
    name = str(user)
    if not agency:
        return name
    membership = getattr(user, "membership", None)
    where = getattr(membership, "agency", None) or getattr(membership, "partnership", None)
    return f"{name} ({where})" if where else name


@dataclass(frozen=True)
class DueMoment:
    """The due moment of the current stage in words, with a tag of the time left."""

    at: dt.datetime
    words: str  # "Due by 5pm on Monday 7 December 2026"
    tag: str  # "Overdue", "Due today", "3 working days left", "5 hours left"
    tag_colour: str  # a GOV.UK tag modifier

    @property
    def overdue(self) -> bool:
        return self.tag == "Overdue"

    @property
    def moment(self) -> str:
        """'5pm on Monday 7 December 2026', to follow "due by" in a sentence."""
        return moment_in_words(self.at)


def due_moment(
    escalation: Escalation, at: dt.datetime | None = None, *, now: dt.datetime | None = None
) -> DueMoment | None:
    """The current stage's due moment (or ``at``) in words. Standard escalations count the
    working days left; urgent ones the clock hours left."""
    due = at or escalation.stage_due_at
    if due is None:
        return None
    clock = Clock.of(partnership=escalation.partnership, policy=escalation.policy)
    tag = time_left(
        due,
        urgent=escalation.urgent,
        now=now or timezone.now(),
        region=clock.region,
        closures=clock.closures,
    )
    return DueMoment(due, f"Due by {moment_in_words(due)}", tag.text, tag.colour)


# the timeline -------------------------------------------------------------------------------


@dataclass
class Entry:
    """One thing that happened: when, who, what, and whom or what it concerned."""

    at: dt.datetime
    who: str
    what: str
    detail: str = ""
    people: list[str] = field(default_factory=list)
    automatic: bool = False
    order: int = 0  # breaks ties between records written at the same moment
    seq: int = 0
    more: list[Entry] = field(default_factory=list)  # the other records of the same change

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.who, self.what, self.detail)

    @property
    def when(self) -> str:
        local = timezone.localtime(self.at)
        return f"{local.day} {local:%B %Y} at {time_in_words(local)}"


def build_timeline(escalation: Escalation, *, newest_first: bool = True) -> list[Entry]:
    """Every recorded change to the escalation and what hangs from it, plus the
    notifications it sent, merged into one list. Nine queries, whatever the rows."""
    pk = escalation.pk
    who = ("history_user__membership__agency", "history_user__membership__partnership")
    entries: list[Entry] = []
    entries += _history(Escalation.history.filter(id=pk).select_related(*who), 0, _escalation)
    entries += _history(Child.history.filter(escalation_id=pk).select_related(*who), 1, None)
    entries += _history(
        StageRecord.history.filter(escalation_id=pk).select_related(*who), 2, _stage_record
    )
    entries += _history(
        StageHolder.history.filter(stage_record__escalation_id=pk).select_related(
            *who, "user__membership__agency", "user__membership__partnership"
        ),
        3,
        None,
        _holder_person,
    )
    entries += _history(
        Extension.history.filter(stage_record__escalation_id=pk).select_related(*who),
        4,
        _extension,
    )
    entries += _history(Note.history.filter(escalation_id=pk).select_related(*who), 5, _note)
    entries += _history(  # the stage 4 meeting: convened, reminded, held
        Meeting.history.filter(stage_record__escalation_id=pk).select_related(*who), 6, _meeting
    )
    entries += _history(  # each agency's written position
        AgencyPosition.history.filter(meeting__stage_record__escalation_id=pk)
        .exclude(history_type="+")
        .select_related(*who, "agency"),
        7,
        _position,
    )
    entries += _notifications(
        Notification.objects.filter(escalation_id=pk)
        .select_related("recipient")
        .order_by("created_at", "pk")
    )
    merged = _group(_merge(sorted(entries, key=lambda e: (e.at, e.order, e.seq))))
    if newest_first:
        merged.reverse()
    return merged


def _history(
    rows: Iterable[Any],
    order: int,
    detail_of: Any,
    person_of: Any = None,
) -> list[Entry]:
    entries = []
    for row in rows:
        what = (row.history_change_reason or "").strip()
        if not what:
            name = row.instance_type._meta.verbose_name
            what = f"{str(name).capitalize()} {_HISTORY_TYPE_WORDS.get(row.history_type, '')}"
        entries.append(
            Entry(
                at=row.history_date,
                who=person(row.history_user),
                what=what.strip(),
                detail=detail_of(row) if detail_of else "",
                people=[person_of(row)] if person_of else [],
                automatic=row.history_user_id is None,
                order=order,
                seq=row.history_id,
            )
        )
    return entries


def _escalation(row: Any) -> str:
    reason = row.history_change_reason or ""
    if reason.startswith("Resolved"):
        return str(row.resolution_summary)
    return ""


def _stage_record(row: Any) -> str:
    reason = row.history_change_reason or ""
    if reason.startswith("Responded"):
        return str(row.decision_reason)
    if reason.startswith("Recorded on the"):
        side = "raising" if "raising" in reason else "receiving"
        reference = getattr(row, f"{side}_record_reference", "")
        return f"Case file reference: {reference}" if reference else ""
    return ""


def _extension(row: Any) -> str:
    if row.history_type != "+":
        return ""
    return f"New due date {row.new_due_date.day} {row.new_due_date:%B %Y}: {row.reason}"


def _meeting(row: Any) -> str:
    if row.history_type != "+":
        return ""
    local = timezone.localtime(row.meets_at)
    return f"Meets {local.day} {local:%B %Y} at {time_in_words(local)}"


def _position(row: Any) -> str:
    return f"{row.agency}: {row.position}" if row.position else ""


def _note(row: Any) -> str:
    return str(row.text) if row.history_type == "+" else ""


def _holder_person(row: Any) -> str:
    side = _SIDE_WORDS.get(row.side, "partnership")
    return f"{person(row.user)}, {side}"


def _notifications(rows: Iterable[Notification]) -> list[Entry]:
    """One entry per event sent to several people at once."""
    entries: list[Entry] = []
    last: tuple[str, int | None, dt.datetime] | None = None
    for row in rows:
        if last and (row.event, row.stage) == last[:2] and row.created_at - last[2] < SAME_EVENT:
            entries[-1].people.append(person(row.recipient, agency=False))
            continue
        last = (row.event, row.stage, row.created_at)
        label = NotificationEvent(row.event).label
        entries.append(
            Entry(
                at=row.created_at,
                who=SYSTEM,
                what=f"Notified: {label}",
                people=[person(row.recipient, agency=False)],
                automatic=True,
                order=9,
                seq=row.pk,
            )
        )
    return entries


def _merge(entries: list[Entry]) -> list[Entry]:
    """Records written together by one change are one entry: a raise writes the escalation,
    its children and its first stage; a stage's start writes each holder."""
    merged: list[Entry] = []
    for entry in entries:
        previous = merged[-1] if merged else None
        if previous and previous.key == entry.key and entry.at - previous.at < SAME_EVENT:
            previous.people += [p for p in entry.people if p not in previous.people]
            continue
        merged.append(entry)
    return merged


def _group(entries: list[Entry]) -> list[Entry]:
    """One person's change writes several records at once (escalating concludes a stage
    record, starts the next with its holders and moves the escalation): one entry, headed by
    the most general record's reason, with the others under it."""
    groups: list[list[Entry]] = []
    for entry in entries:
        last = groups[-1] if groups else None
        if (
            last is not None
            and entry.order < _ORDER_OF_NOTES
            and last[0].order < _ORDER_OF_NOTES
            and entry.who == last[0].who
            and entry.at - last[0].at < SAME_EVENT
        ):
            last.append(entry)
        else:
            groups.append([entry])
    grouped = []
    for members in groups:
        head = min(members, key=lambda e: (e.order, e.seq))
        head.at = members[0].at
        head.more = [
            entry
            for entry in members
            if entry is not head and entry.key != head.key and _tail(entry) != _tail(head)
        ]
        grouped.append(head)
    return grouped


def _tail(entry: Entry) -> str:
    """The reason after its label: 'Escalated: X' and 'Escalated to stage 2: X' say one
    thing."""
    return entry.what.partition(": ")[2] or entry.what
