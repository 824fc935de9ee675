"""The rulebook: who may do what to an escalation, now (DESIGN.md sections 4 and 5).

One predicate per action. Each answers for an escalation as it stands (a ``Situation``), a
person and the moment: an ``Answer`` that is true when the action is allowed and otherwise
carries the refusal, in words a practitioner understands and of the kind every door needs
(``Forbidden``, ``Conflict``; ``workflows.refusals``). The transition code asks under the
escalation's row lock and raises the refusal; the case page, the API, the admin, the
commands and the timers ask the same predicates to know what to offer or do.

The checks run in one order, so a refusal is the same whoever asks: a closed escalation or a
form for a stage that has moved on (``Conflict``); not a member of the partnership or not
this person's to do (``Forbidden``); then the state of the stage (``Conflict``). What was
typed is the transition code's to check (``workflows.inputs``, ``Invalid``).

To add an action: one predicate here (and in ``PAGE_ACTIONS`` if the case page offers it),
one transition that asks it under the lock, and one row of the expected-results table in
``tests/workflows/test_transition_matrix.py`` (docs/adr/0010-one-rulebook.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

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

from .holders import membership_of
from .refusals import Conflict, Forbidden, Refused
from .states import LAST_STAGE

MANAGER_ROLES = (Role.MANAGER, Role.SENIOR_MANAGER)
PARTNERSHIP_TEAM = (Role.PARTNERSHIP_LEAD, Role.SCRUTINEER)
RAISING_ROLES = (Role.PRACTITIONER, Role.MANAGER)


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


# --------------------------------------------------------------------------------------------
# the escalation as the rules read it
# --------------------------------------------------------------------------------------------


def records_for_rules(escalation: Escalation) -> QuerySet[StageRecord]:
    """The stage records with what the rules read of them: holders and extensions."""
    return StageRecord.objects.filter(escalation=escalation).prefetch_related(
        Prefetch("holders", queryset=StageHolder.objects.select_related("user")),
        "extensions",
    )


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
        found = list(records_for_rules(escalation) if records is None else records)
        return cls(escalation, found, now or timezone.now())

    @cached_property
    def record(self) -> StageRecord | None:
        """The current stage's record."""
        return next((r for r in self.records if r.stage == self.escalation.stage), None)

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


def _membership(s: Situation, by: User | None) -> Membership | None:
    membership = membership_of(by)
    if membership is None or membership.partnership_id != s.escalation.partnership_id:
        return None
    return membership


def _open(s: Situation, expected_stage: int | None) -> Answer:
    """A closed escalation changes no more; a form for a stage that has since moved on is
    refused, not applied to the new stage."""
    e = s.escalation
    if not e.is_open:
        return conflict(
            f"{e.reference} is {e.get_status_display().lower()}: nothing more can change."
        )
    if expected_stage is not None and expected_stage != e.stage:
        return conflict(
            f"{e.reference} has moved on to stage {e.stage} since this form was opened at "
            f"stage {expected_stage}; nothing was changed. Read the latest position and try "
            "again."
        )
    return ALLOWED


def _not_a_member(s: Situation) -> Answer:
    return forbid(f"Only members of {s.escalation.partnership} can act on escalations.")


def _first_checks(
    s: Situation, by: User | None, expected_stage: int | None
) -> tuple[Answer, Membership | None]:
    """What every change of an open escalation asks first: still open and at the stage the
    form was for (``Conflict``), then a member of its partnership (``Forbidden``)."""
    answer = _open(s, expected_stage)
    if not answer:
        return answer, None
    membership = _membership(s, by)
    return (ALLOWED if membership is not None else _not_a_member(s)), membership


def breach_pending(record: StageRecord, now: dt.datetime) -> bool:
    """The stage's due moment has passed and no breach is recorded for it yet. Once per due
    moment: an extension accepted after a breach gives the stage a new due moment, and if that
    passes too it is breached again."""
    latest = record.last_breached_at
    return now >= record.due_at and (latest is None or latest < record.due_at)


# --------------------------------------------------------------------------------------------
# the predicates, one per action (section 4's table)
# --------------------------------------------------------------------------------------------


def may_raise(by: User | None) -> Answer:
    """A practitioner or manager of a partner agency raises; partnership staff do not."""
    membership = membership_of(by)
    if membership is None or membership.role not in RAISING_ROLES or membership.agency_id is None:
        return forbid("Only a practitioner or manager of a partner agency can raise an escalation.")
    return ALLOWED


def may_acknowledge(s: Situation, by: User, *, expected_stage: int | None = None) -> Answer:
    """A receiving-side holder, once."""
    if not (answer := _first_checks(s, by, expected_stage)[0]):
        return answer
    e = s.escalation
    if by.pk not in s.side_ids(Side.RECEIVING):
        return forbid(f"Only a holder at {e.receiving_agency} can acknowledge {e.reference}.")
    if e.acknowledged_at is not None:
        return conflict(f"{e.reference} was already acknowledged by {e.acknowledged_by}.")
    return ALLOWED


def may_respond(s: Situation, by: User, *, expected_stage: int | None = None) -> Answer:
    """A receiving-side holder records the agency's decision now."""
    if not (answer := _first_checks(s, by, expected_stage)[0]):
        return answer
    e = s.escalation
    if by.pk not in s.side_ids(Side.RECEIVING):
        return forbid(f"Only a holder at {e.receiving_agency} can respond to {e.reference}.")
    return ALLOWED


def may_escalate(s: Situation, by: User | None, *, expected_stage: int | None = None) -> Answer:
    """A holder of the current stage on either side, or the raiser; the system (``by`` is
    None) only a breached stage, and only when the policy escalates on breach."""
    if not (answer := _open(s, expected_stage)):
        return answer
    e = s.escalation
    if by is None:
        breached = s.record is not None and s.record.breached_at is not None
        if not (e.policy.escalate_on_breach and breached):
            return forbid(
                "The system escalates only a breached stage, and only when the policy says so."
            )
    elif _membership(s, by) is None:
        return _not_a_member(s)
    elif s.side_of(by) is None and by.pk != e.raised_by_id:
        return forbid(
            f"Only a holder of stage {e.stage} on either side, or the raiser, can escalate "
            f"{e.reference}. It is held by {s.holder_names()}."
        )
    if e.stage >= LAST_STAGE:
        return conflict(
            "Stage 4 is the last stage: the partnership lead records the outcome of the "
            "stage 4 meeting."
        )
    return ALLOWED


def may_resolve(s: Situation, by: User, *, expected_stage: int | None = None) -> Answer:
    """The raising side's acceptance settles it at any stage; at stage 4 the partnership
    lead records the meeting's outcome."""
    answer, membership = _first_checks(s, by, expected_stage)
    if membership is None:
        return answer
    e = s.escalation
    lead_at_stage_4 = e.stage == LAST_STAGE and membership.role == Role.PARTNERSHIP_LEAD
    if by.pk not in s.side_ids(Side.RAISING) and not lead_at_stage_4:
        return forbid(
            f"Only the raising side ({e.raising_agency}) can resolve {e.reference}; at stage 4 "
            "the partnership lead records the outcome."
        )
    return ALLOWED


def may_withdraw(s: Situation, by: User, *, expected_stage: int | None = None) -> Answer:
    """The raising side, at any open stage."""
    if not (answer := _first_checks(s, by, expected_stage)[0]):
        return answer
    e = s.escalation
    if by.pk not in s.side_ids(Side.RAISING):
        return forbid(f"Only the raising side ({e.raising_agency}) can withdraw {e.reference}.")
    return ALLOWED


def may_propose_extension(s: Situation, by: User, *, expected_stage: int | None = None) -> Answer:
    """A current holder, while no other proposal is waiting for an answer (a lapsed one is
    not waiting)."""
    if not (answer := _first_checks(s, by, expected_stage)[0]):
        return answer
    if s.side_of(by) is None:
        return forbid(f"Only a holder of stage {s.escalation.stage} can propose an extension.")
    if s.pending is not None:
        return conflict("An extension is already waiting for an answer at this stage.")
    return ALLOWED


def may_accept_extension(
    s: Situation,
    by: User,
    extension: Extension | None = None,
    *,
    expected_stage: int | None = None,
) -> Answer:
    """A holder on the other side, or the partnership team; nobody accepts their own. Only
    while it waits for an answer and its new due moment is ahead, and not once a breached
    stage is due to move on under a policy that escalates on breach. ``extension``: the one
    waiting (``s.pending``) unless given."""
    answer, membership = _first_checks(s, by, expected_stage)
    if membership is None:
        return answer
    extension = extension or s.pending or next(iter(s.lapsed), None)
    if extension is None:
        return conflict("No extension is waiting for an answer at this stage.")
    side = s.side_of(by)
    other_side = side is not None and side != extension.proposed_side
    if by.pk == extension.proposed_by_id or not (other_side or membership.is_partnership_team):
        return forbid(
            "Only a holder on the other side, or the partnership team, can accept an "
            "extension; nobody accepts their own."
        )
    record = s.record
    if (
        record is None
        or extension.status != ExtensionStatus.PROPOSED
        or extension.stage_record_id != record.pk
    ):
        return conflict("That extension is no longer waiting for an answer.")
    if extension.new_due_at <= s.now:
        return conflict(
            f"That extension's new due date, {extension.new_due_date:%A %-d %B %Y}, has "
            "passed: propose a later one."
        )
    if (
        breach_pending(record, s.now)
        and s.escalation.policy.escalate_on_breach
        and record.stage < LAST_STAGE
    ):
        return conflict(
            f"Stage {record.stage} passed its due moment at "
            f"{timezone.localtime(record.due_at):%H:%M on %A %-d %B}, and the policy "
            f"escalates a breached stage: it is moving to stage {record.stage + 1}, so it can "
            "no longer be extended."
        )
    return ALLOWED


def may_hand_over(
    s: Situation, by: User, of: User | None = None, *, expected_stage: int | None = None
) -> Answer:
    """A current holder hands their own holding over (leave, sickness); the partnership lead
    anyone's (ADR 5). ``of``: whose holding; None asks whether this person may hand over any."""
    answer, membership = _first_checks(s, by, expected_stage)
    if membership is None:
        return answer
    lead = membership.role == Role.PARTNERSHIP_LEAD
    if of is not None and of != by and not lead:
        return forbid("Only the holder, or the partnership lead, can hand a stage over.")
    holding = {h.user_id for h in s.current_holders()}
    if of is None:
        if by.pk in holding or (lead and holding):
            return ALLOWED
        return forbid(f"Only a holder of stage {s.escalation.stage} can hand it over.")
    if of.pk not in holding:
        return forbid(f"{of} does not hold stage {s.escalation.stage}.")
    return ALLOWED


def may_add_note(s: Situation, by: User) -> Answer:
    """Anyone who can see the escalation, open or closed (notes are never edited)."""
    if not visible_escalations(by).filter(pk=s.escalation.pk).exists():
        return forbid("Only people who can see this escalation can add a note to it.")
    return ALLOWED


def case_file_side(s: Situation, by: User, stage: int) -> Side | None:
    """The side this person confirms a stage's case-file record for: a holder of that stage
    on either agency's side (the raiser counts for stage 1)."""
    record = s.record_of(stage)
    if record is None:
        return None
    for holder in record.holders.all():
        if holder.user_id == by.pk and holder.side != Side.PARTNERSHIP:
            return Side(holder.side)
    if stage == 1 and by.pk == s.escalation.raised_by_id:
        return Side.RAISING
    return None


def may_record_on_case_file(s: Situation, by: User, stage: int) -> Answer:
    """Each side confirms, once, that it recorded a concluded stage's outcome on its own case
    file; open or closed."""
    if _membership(s, by) is None:
        return _not_a_member(s)
    record = s.record_of(stage)
    side = case_file_side(s, by, stage)
    if record is None or side is None:
        return forbid(f"Only a holder of stage {stage} can confirm this.")
    if record.concluded_at is None:
        return conflict("Confirm once the stage outcome is known.")
    if getattr(record, f"{side}_recorded_by_id") is not None:
        return conflict(
            f"Stage {stage} is already recorded on the {side} agency's case file "
            f"({getattr(record, f'{side}_record_reference')})."
        )
    return ALLOWED


# --------------------------------------------------------------------------------------------
# what the case page offers: the same predicates
# --------------------------------------------------------------------------------------------

PAGE_ACTIONS: dict[str, Callable[[Situation, User], Answer]] = {
    "acknowledge": may_acknowledge,
    "respond": may_respond,
    "escalate": may_escalate,
    "resolve": may_resolve,
    "withdraw": may_withdraw,
    "extend": may_propose_extension,
    "accept_extension": may_accept_extension,
    "hand_over": may_hand_over,
    "note": may_add_note,
}


def available(s: Situation, user: User) -> list[str]:
    """What this person may do now: the page's actions the predicates allow, then
    ``case_file:<stage>`` for each concluded stage whose outcome their side has still to
    confirm. Accepting is offered only for an extension still waiting (``s.pending``)."""
    if _membership(s, user) is None:
        return []
    actions = [
        name
        for name, predicate in PAGE_ACTIONS.items()
        if (name != "accept_extension" or s.pending is not None) and predicate(s, user)
    ]
    return actions + [
        f"case_file:{r.stage}"
        for r in s.records
        if r.concluded_at is not None and may_record_on_case_file(s, user, r.stage)
    ]
