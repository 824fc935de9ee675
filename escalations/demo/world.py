"""What the demo's parts share: the world built, the context every step reads, and the
plan of one escalation's life."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from escalations.models import Agency, Outcome, Partnership, User

from .dates import _at
from .stories import Story


@dataclass
class DemoWorld:
    partnership: Partnership
    agencies: dict[str, Agency] = field(default_factory=dict)
    people: dict[str, User] = field(default_factory=dict)
    by_id: dict[int, User] = field(default_factory=dict)
    sign_ins: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class Ctx:
    """What the steps share: the random source, the world, the calendar and the real now."""

    rng: random.Random
    world: DemoWorld
    closures: frozenset[dt.date]
    first_day: dt.date  # the start of the reporting year two years back (policy v1)
    now: dt.datetime
    surprises: list[str] = field(default_factory=list)

    @property
    def v2_from(self) -> dt.datetime:
        """When policy v2 takes effect: a year after v1."""
        return _at(self.first_day.replace(year=self.first_day.year + 1), dt.time(0))


@dataclass
class Plan:
    """How one escalation's life will go: who raises it against whom, about what, where it
    ends and what happens on the way."""

    raised_at: dt.datetime
    raising: str
    receiving: str
    raiser: str
    story: Story
    case_number: str = ""
    urgent: bool = False
    immediate_risk: bool = False
    start_stage: int = 1
    end: str = "resolved"  # resolved, withdrawn, or open (still open now)
    final_stage: int = 1
    outcome: str = Outcome.DECISION_CHANGED
    late_ack: bool = False
    breach_stage: int | None = None
    extension_stage: int | None = None
    handover: bool = False
    notes: int = 0
    case_file: bool = False
