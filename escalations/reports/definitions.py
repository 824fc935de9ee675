"""What every figure in the report means, written once.

The figures are computed to these words, and the methodology section of every edition and
format prints them as they are here. Change a definition here and in the code that computes
it, together.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Definition:
    key: str
    term: str
    text: str


DEFINITIONS: tuple[Definition, ...] = (
    Definition(
        "period",
        "Period",
        "An escalation counts in the period in which it was raised (dates in UK time). A "
        "reporting year starts on the first day of the partnership's reporting month (April "
        "unless the partnership set another) and ends the day before that date a year later.",
    ),
    Definition(
        "as_at",
        "As at the end of the period",
        "Outcomes, stages and ages are as they stood at the end of the period's last day, or "
        "when the data was taken if the period had not yet ended. An escalation closed after "
        "the end of the period counts as open at the end.",
    ),
    Definition(
        "previous_period",
        "Previous period",
        "For a reporting year, the reporting year before; for any other period, the same "
        "number of days immediately before it. Shown as a count, not a percentage change.",
    ),
    Definition(
        "urgent",
        "Urgent and standard",
        "Urgent escalations (including every one where a child was at immediate risk) are "
        "timed in clock hours, any day of the week; standard ones in working days.",
    ),
    Definition(
        "working_day",
        "Working day",
        "Monday to Friday, except the bank holidays of the partnership's calendar region and "
        "the partnership's closure days. A stage's first day is the day it started if that "
        "was a working day and it started before the daily cut-off, otherwise the next "
        "working day; its working days are those after the first day up to and including the "
        "day it ended.",
    ),
    Definition(
        "stage_reached",
        "Stage reached",
        "The highest stage an escalation had entered by the end of the period. Urgent "
        "escalations may start at stage 2 or 3.",
    ),
    Definition(
        "resolved_at_stage",
        "Resolved at each stage",
        "Escalations resolved by the end of the period, by the stage at which they were "
        "resolved; the share is of all escalations resolved.",
    ),
    Definition(
        "stage_4_meeting",
        "Stage 4 meetings",
        "The meetings the partnership convened for the period's escalations at stage 4, by "
        "the end of the period, and those recorded as held by then. How long one took is the "
        "working days from the start of stage 4 to the meeting held, counted as every "
        "duration is (see working days).",
    ),
    Definition(
        "to_resolution",
        "Working days to resolution",
        "Working days from raising to resolution, for escalations resolved by the end of the "
        "period. 'As far as they went' adds withdrawn escalations (to withdrawal) and those "
        "still open at the end of the period (to the end of the period).",
    ),
    Definition(
        "percentiles",
        "Median and 90th percentile",
        "The median is the middle value (the mean of the two middle values when there is an "
        "even number). The 90th percentile is the smallest value that at least nine in ten "
        "cases are at or below.",
    ),
    Definition(
        "open_age",
        "Open at the end",
        "For escalations still open at the end of the period: working days from raising to the "
        "end of the period.",
    ),
    Definition(
        "within_timescale",
        "Concluded within timescale",
        "A stage concluded (resolved, escalated or withdrawn) by the end of the period at or "
        "before its original due moment, whatever extension was later agreed. Late is "
        "concluded after the original due moment.",
    ),
    Definition(
        "extension",
        "Extended",
        "Stages with at least one extension accepted by the end of the period; 'extensions' "
        "counts the extensions themselves.",
    ),
    Definition(
        "breach",
        "Breached",
        "Stages that passed their due moment while still open, by the end of the period: the "
        "due moment of the time, after any extension accepted before it. A stage counts once, "
        "even when an extension accepted after its breach was missed too.",
    ),
    Definition(
        "acknowledgement",
        "Acknowledgement",
        "The receiving agency acknowledged the escalation and named who holds it. On time means "
        "by its due moment (one working day, or two hours when urgent, under the default "
        "policy). Times are clock hours from raising, rounded up.",
    ),
    Definition(
        "response",
        "Response",
        "The receiving agency recorded its decision at the stage the escalation started at. "
        "On time means by that stage's original due moment. Times are clock hours from "
        "raising, rounded up.",
    ),
    Definition(
        "agencies",
        "Raising and receiving agencies",
        "The agency of the practitioner who raised the escalation and the agency whose decision "
        "was disputed. Active agencies that raised none are agencies active on any day of the "
        "period that raised no escalation in it: under-use is a finding, not a success.",
    ),
    Definition(
        "signposting",
        "Signposting",
        "Times the raise form showed that the matter belonged to another process, by process, "
        "counted in the period in which it happened. No case content is kept.",
    ),
    Definition(
        "learning",
        "Learning",
        "Escalations resolved by the end of the period with learning points recorded. The "
        "themes shown are those the partnership team chose for this report.",
    ),
    Definition(
        "suppression",
        "Suppression (public edition)",
        "Counts from 1 to one below the partnership's threshold are shown as 'suppressed'. So "
        "are further counts wherever, with everything published for the reporting year (each "
        "quarterly snapshot and the year), a suppressed count could otherwise be worked out "
        "or narrowed down to fewer possible values than the threshold, from a total, a "
        "difference, or one snapshot taken from another: the smallest counts that do this "
        "are chosen, and a headline count only when nothing else would. A suppressed count "
        "that is not small may be given as a band ('20 or more') when that gives nothing "
        "away. A median is shown when at least the threshold of escalations sit under it; a "
        "share or percentile resting on a suppressed count is suppressed too. Zero is shown.",
    ),
)

BY_KEY: dict[str, Definition] = {definition.key: definition for definition in DEFINITIONS}
