"""What the rulebook reads and answers (``workflows.rules``): the ``Answer`` every predicate
gives, the ``Situation`` of one escalation at one moment, and who may see an escalation at all
(DESIGN.md section 5)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from escalations.models import (
    Escalation,
    Extension,
    ExtensionStatus,
    Meeting,
    Role,
    Side,
    StageHolder,
    StageRecord,
    User,
)
from escalations.models.choices import TEAM_ROLES
from workflows.holders import membership_of
from workflows.refusals import Conflict, Forbidden, Refused

MANAGER_ROLES = (Role.MANAGER, Role.SENIOR_MANAGER)
PARTNERSHIP_TEAM = TEAM_ROLES


@dataclass(frozen=True)
class Answer:
    """Allowed (true), or the refusal that says why not."""

    refusal: Refused | None = None

    def __bool__(self) -> bool:
        return self.refusal is None

    @property
    def reason(self) -> str:
        return self.refusal.message if self.refusal is not None else ""

    def check(self) -> None:
        """Raise the refusal, if there is one."""
        if self.refusal is not None:
            raise self.refusal


ALLOWED = Answer()


def forbid(message: str) -> Answer:
    return Answer(Forbidden(message))


def conflict(message: str) -> Answer:
    return Answer(Conflict(message))


# --------------------------------------------------------------------------------------------
# visibility (section 5)
# --------------------------------------------------------------------------------------------


def visible_escalations(user: User | None) -> QuerySet[Escalation]:
    """Its raiser, every holder of any of its stages on either side, the managers and senior
    managers of the raising and receiving agencies, the partnership lead and scrutineer. To
    anyone else (analysts included) it does not exist."""
    membership = membership_of(user)
    if membership is None or user is None or membership.role == Role.ANALYST:
        return Escalation.objects.none()
    in_partnership = Escalation.objects.filter(partnership_id=membership.partnership_id)
    if membership.role in PARTNERSHIP_TEAM:
        return in_partnership
    holds = StageHolder.objects.filter(stage_record__escalation=OuterRef("pk"), user=user)
    rule = Q(raised_by=user) | Q(Exists(holds))
    if membership.role in MANAGER_ROLES:
        rule |= Q(raising_agency_id=membership.agency_id) | Q(
            receiving_agency_id=membership.agency_id
        )
    return in_partnership.filter(rule)


def who_may_see(escalation: Escalation) -> QuerySet[User]:
    """The same rule from the other side: the active people to whom this escalation exists
    (``visible_escalations``; a test holds the two to each other)."""
    holds = StageHolder.objects.filter(stage_record__escalation=escalation, user=OuterRef("pk"))
    managers = Q(
        membership__role__in=MANAGER_ROLES,
        membership__agency_id__in=[escalation.raising_agency_id, escalation.receiving_agency_id],
    )
    return User.objects.filter(
        Q(membership__role__in=PARTNERSHIP_TEAM) | Q(pk=escalation.raised_by_id)
        | Q(Exists(holds)) | managers,
        is_active=True,
        membership__partnership_id=escalation.partnership_id,
    ).exclude(membership__role=Role.ANALYST)  # fmt: skip


# --------------------------------------------------------------------------------------------
# the escalation as the rules read it
# --------------------------------------------------------------------------------------------


def records_for_rules(escalation: Escalation) -> list[StageRecord]:
    """The stage records in order, with what the rules read of them: holders, and extensions
    where a stage has any (most never do, and then they are not read)."""
    records: list[StageRecord] = list(
        StageRecord.objects.filter(escalation=escalation)
        .annotate(any_extension=Exists(Extension.objects.filter(stage_record=OuterRef("pk"))))
        .order_by("stage")
    )
    for record in records:
        if not record.any_extension:  # type: ignore[attr-defined]  # as prefetching would leave it, without the query
            cache = record.__dict__.setdefault("_prefetched_objects_cache", {})
            cache["extensions"] = record.extensions.none()
    prefetch_related_objects(
        records,
        Prefetch("holders", queryset=StageHolder.objects.select_related("user")),
        "extensions",
    )
    return records


@dataclass
class Situation:
    """One escalation at one moment, as the rules read it. ``records`` come with their
    holders and extensions prefetched (``records_for_rules``, or the case page's own)."""

    escalation: Escalation
    records: list[StageRecord]
    now: dt.datetime = field(default_factory=timezone.now)

    @classmethod
    def read(
        cls,
        escalation: Escalation,
        *,
        records: Iterable[StageRecord] | None = None,
        now: dt.datetime | None = None,
    ) -> Situation:
        found = records_for_rules(escalation) if records is None else list(records)
        return cls(escalation, found, now or timezone.now())

    @cached_property
    def record(self) -> StageRecord | None:
        """The current stage's record."""
        return next((r for r in self.records if r.stage == self.escalation.stage), None)

    @cached_property
    def meeting(self) -> Meeting | None:
        """The stage 4 meeting, once convened (read only when the escalation is at stage 4)."""
        record = self.record
        if record is None or record.stage != 4:
            return None
        return (
            Meeting.objects.filter(stage_record=record)
            .prefetch_related("positions__agency", "invitees__user")
            .first()
        )

    def record_of(self, stage: int) -> StageRecord | None:
        return next((r for r in self.records if r.stage == stage), None)

    def current_holders(self, side: Side | None = None) -> list[StageHolder]:
        if self.record is None:
            return []
        return [
            h
            for h in self.record.holders.all()
            if h.until is None and (side is None or h.side == side)
        ]

    def side_ids(self, side: Side) -> set[int]:
        """The raising side is the raiser and every raising-side holder of this or an
        earlier stage; the same for the receiving side."""
        ids = {h.user_id for r in self.records for h in r.holders.all() if h.side == side}
        if side == Side.RAISING:
            ids.add(self.escalation.raised_by_id)
        return ids

    def side_of(self, user: User) -> Side | None:
        """Which side a current holder holds the current stage for."""
        held = [h.side for h in self.current_holders() if h.user_id == user.pk]
        return Side(held[0]) if held else None

    def holder_names(self) -> str:
        return ", ".join(sorted(str(h.user) for h in self.current_holders())) or "nobody yet"

    @cached_property
    def proposals(self) -> list[Extension]:
        """The current stage's extensions still marked as proposed."""
        if self.record is None or not self.escalation.is_open:
            return []
        return [x for x in self.record.extensions.all() if x.status == ExtensionStatus.PROPOSED]

    @property
    def pending(self) -> Extension | None:
        """The extension waiting for an answer: proposed, and its new due moment still ahead.
        A proposal whose new due moment passed unanswered has lapsed."""
        return next((x for x in self.proposals if x.new_due_at > self.now), None)

    @property
    def lapsed(self) -> list[Extension]:
        return [x for x in self.proposals if x.new_due_at <= self.now]


def breached(record: StageRecord) -> bool:
    """The stage's current due moment has been breached (not only an earlier one, before an
    extension moved it)."""
    latest = record.last_breached_at
    return latest is not None and latest >= record.due_at


def breach_pending(record: StageRecord, now: dt.datetime) -> bool:
    """The stage's due moment has passed and no breach is recorded for it yet. Once per due
    moment: an extension accepted after a breach gives the stage a new due moment, and if that
    passes too it is breached again."""
    latest = record.last_breached_at
    return now >= record.due_at and (latest is None or latest < record.due_at)
