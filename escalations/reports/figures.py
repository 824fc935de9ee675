"""The figures of the annual report (DESIGN.md section 6) as one typed, frozen object.

``compute.compute_figures`` fills it from database aggregates; the editions, the formats and
the published record read it. What each figure means is in ``definitions``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .definitions import Definition
from .period import Period
from .stats import Distribution

STAGES = (1, 2, 3, 4)
NOT_RECORDED = "not_recorded"


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    value: int


@dataclass(frozen=True)
class Breakdown:
    """Counts by name, in the report's order, every name present."""

    rows: tuple[Row, ...]

    @classmethod
    def of(cls, labels: Iterable[tuple[str, str]], counts: Mapping[str, int]) -> Breakdown:
        return cls(tuple(Row(key, str(label), counts.get(key, 0)) for key, label in labels))

    @property
    def total(self) -> int:
        return sum(row.value for row in self.rows)

    def as_dict(self) -> dict[str, int]:
        return {row.key: row.value for row in self.rows}

    def __getitem__(self, key: str) -> int:
        return self.as_dict()[key]


@dataclass(frozen=True)
class Headline:
    raised: int
    raised_previous_period: int
    urgent: int
    standard: int
    resolved: int
    withdrawn: int
    open_at_end: int


@dataclass(frozen=True)
class StageFigures:
    stage: int
    entered: int
    reached: int  # the highest stage entered by the end of the period
    concluded: int
    within_timescale: int  # against the original due moment
    resolved: int
    escalated: int
    withdrawn: int
    extended: int  # stages with an accepted extension
    extensions: int
    breached: int

    @property
    def late(self) -> int:
        return self.concluded - self.within_timescale

    @property
    def open_at_end(self) -> int:
        return self.entered - self.concluded


@dataclass(frozen=True)
class Meetings:
    """Stage 4 meetings of the escalations raised in the period, as at its end."""

    convened: int
    held: int
    working_days_to_meet: Distribution  # from the start of stage 4 to the meeting


@dataclass(frozen=True)
class Durations:
    to_resolution: Distribution
    as_far_as_they_went: Distribution
    open_at_end: Distribution
    open_age_bands: Breakdown


@dataclass(frozen=True)
class AgencyRef:
    name: str
    sector: str  # the code, e.g. "police"
    sector_label: str


@dataclass(frozen=True)
class AgencyTimeliness:
    agency: AgencyRef
    received: int
    acknowledged: int
    acknowledged_on_time: int
    hours_to_acknowledge: Distribution
    responded: int
    responded_on_time: int
    hours_to_respond: Distribution


@dataclass(frozen=True)
class Flow:
    raising: str
    receiving: str
    count: int


@dataclass(frozen=True)
class Agencies:
    by_raising_agency: Breakdown
    by_receiving_agency: Breakdown
    by_raising_sector: Breakdown
    by_receiving_sector: Breakdown
    agency_flows: tuple[Flow, ...]
    sector_flows: tuple[Flow, ...]
    raised_none: tuple[AgencyRef, ...]
    timeliness: tuple[AgencyTimeliness, ...]


@dataclass(frozen=True)
class Learning:
    recorded: int
    themes: tuple[str, ...]


@dataclass(frozen=True)
class PolicyVersion:
    version: int
    effective_from: dt.datetime
    escalations: int
    timescales: str


@dataclass(frozen=True)
class Methodology:
    definitions: tuple[Definition, ...]
    region: str
    closure_days: tuple[dt.date, ...]
    suppression_threshold: int
    policy_versions: tuple[PolicyVersion, ...]
    taken_at: dt.datetime
    as_at: dt.datetime  # the moment outcomes are taken at: the period's end, or taken_at


@dataclass(frozen=True)
class Narrative:
    """The lead's words for a reporting year's report (``board``)."""

    foreword: str
    key_messages: tuple[str, ...]
    approved: bool  # for the public edition

    @property
    def paragraphs(self) -> list[str]:
        return [part.strip() for part in self.foreword.split("\n\n") if part.strip()]


@dataclass(frozen=True)
class ReportFigures:
    partnership: str
    period: Period
    previous_period: Period
    headline: Headline
    stages: tuple[StageFigures, ...]
    meetings: Meetings
    durations: Durations
    by_month: Breakdown
    by_category: Breakdown
    by_level_of_need: Breakdown
    by_case_status: Breakdown
    by_outcome: Breakdown
    signposting: Breakdown
    learning: Learning
    agencies: Agencies
    methodology: Methodology

    def stage(self, number: int) -> StageFigures:
        return self.stages[number - 1]

    @property
    def provisional(self) -> bool:
        """The period had not ended when the data was taken."""
        return self.methodology.taken_at < self.period.end_at


__all__ = [
    "AgencyRef",
    "AgencyTimeliness",
    "Agencies",
    "Breakdown",
    "Distribution",
    "Durations",
    "Flow",
    "Headline",
    "Learning",
    "Meetings",
    "Methodology",
    "Narrative",
    "PolicyVersion",
    "ReportFigures",
    "Row",
    "StageFigures",
]
