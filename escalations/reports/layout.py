"""The report as a reader sees it, the same on the web page and in the PDF: sections of
formatted tables, each with the definitions it rests on and, for some, a chart.

Values come from an edition (``suppression``), so the public edition's suppressed counts are
shown as "suppressed" (or by their band, "20 or more") everywhere, and sections the public
edition leaves out are not built.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from django.utils.timezone import localtime

from . import charts
from .definitions import BY_KEY
from .protection import rule_in_words
from .suppression import SUPPRESSED, Edition, Figure, Shown, band_text
from .tidy import COUNT, DAYS, HOURS, SHARE

STAGES = ("stage_1", "stage_2", "stage_3", "stage_4")
NO_DATA = "–"
INTERNAL_ONLY_DEFINITIONS = {"acknowledgement", "response", "agencies", "signposting"}


@dataclass(frozen=True)
class Table:
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    label_columns: int = 1  # the leading columns that are names, not numbers

    @property
    def wide(self) -> bool:
        """Many columns: set smaller, on the web page as in the PDF."""
        return len(self.headers) > WIDE

    @cached_property  # read three times by the template, and it goes through every row
    def widths(self) -> tuple[str, ...]:
        """Column widths for the PDF, worked out from the text, so that WeasyPrint can lay
        the table out at once (``table-layout: fixed``) instead of measuring every cell
        first, which costs it as much again. Each column gets room for its longest word
        (its longest number); then, while there is room, the label columns for their whole
        labels and the number columns for their headers on one line; the rest is shared.
        Empty when the words cannot all fit: WeasyPrint then measures."""
        needs = [_longest(header.split()) for header in self.headers]
        full = [len(header) for header in self.headers]
        for row in self.rows:
            for index, cell in enumerate(row):
                label = index < self.label_columns
                needs[index] = max(needs[index], _longest(cell.split() if label else [cell]))
                full[index] = max(full[index], min(len(cell), LABEL_LINE))
        size = WIDE_CHARACTER if self.wide else CHARACTER
        widths = [_width(need, size) for need in needs]
        spare = 100 - sum(widths)
        if spare < 0:
            return ()
        labels = range(self.label_columns)
        numbers = range(self.label_columns, len(widths))
        for columns in (labels, numbers):
            for index in columns:
                grow = min(spare, max(0.0, _width(full[index], size) - widths[index]))
                widths[index] += grow
                spare -= grow
        for index in numbers or labels:
            widths[index] += spare / len(numbers or labels)
        return tuple(f"{width:.1f}%" for width in widths)


@dataclass(frozen=True)
class Group:
    """A short paragraph: a bold lead-in and its text (who raised with whom)."""

    title: str
    lead: str
    text: str


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    notes: tuple[str, ...] = ()
    key_figures: tuple[tuple[str, str], ...] = ()
    tables: tuple[Table, ...] = ()
    chart: str = ""
    chart_title: str = ""
    items_title: str = ""
    items: tuple[str, ...] = ()
    groups: tuple[Group, ...] = ()

    @property
    def chart_image(self) -> str:
        return charts.data_uri(self.chart) if self.chart else ""


# The PDF's tables: a character of 8.5pt bold DejaVu Sans takes up to 1.25% of the A4 text
# width (7.5pt, in tables of more than WIDE columns, 1.1%), a cell's padding 1.5%; a label
# longer than LABEL_LINE characters may wrap.
CHARACTER, WIDE_CHARACTER, PADDING, LABEL_LINE, WIDE = 1.25, 1.1, 1.5, 60, 5


def _longest(words: Iterable[str]) -> int:
    return max((len(word) for word in words), default=0)


def _width(characters: int, size: float = CHARACTER) -> float:
    return characters * size + PADDING


def display(value: Shown, kind: str = COUNT, band: int | None = None) -> str:
    if value == SUPPRESSED:
        return "suppressed" if band is None else band_text(band)
    if value is None:
        return NO_DATA
    if kind == SHARE:
        return f"{float(value) * 100:.0f}%"
    if kind in (DAYS, HOURS):
        return f"{float(value):g}"
    return f"{value:,}"


def _bar(label: str, figure: Figure) -> charts.Bar:
    return charts.Bar(label, figure.value, figure.band)


def notes(*keys: str) -> tuple[str, ...]:
    return tuple(f"{BY_KEY[key].term}: {BY_KEY[key].text}" for key in keys)


def sections(edition: Edition, *, with_charts: bool = True) -> list[Section]:
    built = [
        _summary(edition),
        _stages(edition, with_charts),
        _timeliness(edition, with_charts),
        _durations(edition),
        _simple(edition, "month", "raised", "Escalations raised each month", "Month", with_charts),
        _simple(
            edition,
            "category",
            "raised",
            "What the disagreements were about",
            "Category",
            with_charts,
        ),
        _simple(edition, "outcome", "closed_by_end", "Outcomes", "Outcome", False, ("as_at",)),
    ]
    if not edition.is_public:
        from .layout_internal import internal_sections  # it builds on this module

        built += internal_sections(edition)
    built += [_learning(edition), _methodology(edition)]
    return built


def as_text(figure: Figure) -> str:
    """A figure as the tables show it: a hidden count's band in place of "suppressed"."""
    return display(figure.value, figure.cell.kind, figure.band)


def rows_of(figures: Iterable[Figure]) -> tuple[tuple[str, ...], ...]:
    return tuple((str(f.cell.label), as_text(f)) for f in figures)


def _summary(edition: Edition) -> Section:
    figures = edition.figures

    def value(cell_id: str) -> str:
        return as_text(edition.figure(cell_id))

    return Section(
        id="summary",
        title="Summary",
        key_figures=(
            ("Escalations raised", value("headline/raised/raised")),
            (
                f"Raised in the previous period ({figures.previous_period.title})",
                value("headline/raised/previous_period"),
            ),
            ("Urgent", value("headline/urgency/urgent")),
            ("Standard", value("headline/urgency/standard")),
            ("Resolved by the end of the period", value("headline/status_at_end/resolved")),
            ("Withdrawn", value("headline/status_at_end/withdrawn")),
            ("Still open at the end", value("headline/status_at_end/open_at_end")),
            ("Resolved at stage 1", value("stages/resolved_at/stage_1")),
            ("Median working days to resolution", value("durations/to_resolution/median")),
        ),
        notes=notes("period", "as_at", "previous_period", "urgent"),
    )


def _stages(edition: Edition, with_charts: bool) -> Section:
    def row(stage: str) -> tuple[str, ...]:
        return (
            f"Stage {stage[-1]}",
            *(
                as_text(edition.figure(f"stages/{breakdown}/{stage}"))
                for breakdown in ("reached", "resolved_at", "resolved_at_share")
            ),
        )

    bars = [_bar(f"Stage {s[-1]}", edition.figure(f"stages/resolved_at/{s}")) for s in STAGES]
    return Section(
        id="stages",
        title="Where escalations were resolved",
        tables=(
            Table(
                "Escalations by stage",
                ("Stage", "Highest stage reached", "Resolved at this stage", "Share of resolved"),
                tuple(row(stage) for stage in STAGES),
            ),
            _meetings(edition),
        ),
        chart=charts.bar_chart(bars, name="stages") if with_charts else "",
        chart_title="Resolved at each stage",
        notes=notes("stage_reached", "resolved_at_stage", "stage_4_meeting"),
    )


def _meetings(edition: Edition) -> Table:
    value = edition.value
    return Table(
        "Stage 4 meetings",
        ("Stage 4 meetings", "Number or working days"),
        (
            ("Convened", display(value("meetings/stage_4/convened"))),
            ("Held", display(value("meetings/stage_4/held"))),
            (
                "Working days from the start of stage 4 to the meeting: median",
                display(value("meetings/working_days_to_meet/median"), DAYS),
            ),
            (
                "Working days from the start of stage 4 to the meeting: 90th percentile",
                display(value("meetings/working_days_to_meet/p90"), DAYS),
            ),
        ),
    )


def _timeliness(edition: Edition, with_charts: bool) -> Section:
    columns = [
        ("entered", "Entered", COUNT),
        ("concluded", "Concluded", COUNT),
        ("within_timescale", "Within timescale", COUNT),
        ("late", "Late", COUNT),
        ("within_timescale_share", "Share within timescale", SHARE),
        ("open_at_end", "Open at the end", COUNT),
        ("extended", "Extended", COUNT),
        ("extensions", "Extensions", COUNT),
        ("breached", "Breached", COUNT),
    ]
    shown = {f.cell.key for f in edition.breakdown("timeliness", "stage_1")}
    columns = [column for column in columns if column[0] in shown]

    def row(stage: str) -> tuple[str, ...]:
        figures = {f.cell.key: f for f in edition.breakdown("timeliness", stage)}
        return (f"Stage {stage[-1]}", *(as_text(figures[key]) for key, _, _ in columns))

    bars = [
        charts.Bar(f"Stage {s[-1]}", edition.value(f"timeliness/{s}/within_timescale_share"))
        for s in STAGES
    ]
    return Section(
        id="timeliness",
        title="Timeliness of each stage",
        tables=(
            Table(
                "Stages concluded within timescale, extended and breached",
                ("Stage", *(label for _, label, _ in columns)),
                tuple(row(stage) for stage in STAGES),
            ),
        ),
        chart=charts.bar_chart(bars, name="timeliness", horizontal=True, percent=True)
        if with_charts
        else "",
        chart_title="Share of concluded stages within the original timescale",
        notes=notes("within_timescale", "extension", "breach", "working_day"),
    )


def _durations(edition: Edition) -> Section:
    measures = [("median", "Median"), ("p90", "90th percentile"), ("longest", "Longest")]
    shown = {f.cell.key for f in edition.breakdown("durations", "to_resolution")}
    measures = [measure for measure in measures if measure[0] in shown]
    rows = []
    for breakdown, label in (
        ("to_resolution", "Raising to resolution (resolved)"),
        ("as_far_as_they_went", "As far as they went (all escalations)"),
        ("open_at_end", "Open at the end, so far"),
    ):
        values = edition.as_dict("durations", breakdown)
        rows.append((label, *(display(values[key], DAYS) for key, _ in measures)))
    return Section(
        id="durations",
        title="How long escalations took",
        tables=(
            Table(
                "Working days",
                ("Escalations", *(label for _, label in measures)),
                tuple(rows),
            ),
            Table(
                "Escalations open at the end of the period, by working days open",
                ("Working days open", "Escalations"),
                rows_of(edition.breakdown("open_age", "working_days")),
            ),
        ),
        notes=notes("to_resolution", "open_age", "percentiles", "working_day"),
    )


def _simple(
    edition: Edition,
    section: str,
    breakdown: str,
    title: str,
    header: str,
    with_charts: bool,
    definitions: tuple[str, ...] = (),
) -> Section:
    figures = edition.breakdown(section, breakdown)
    horizontal = section != "month"
    bars = [_bar(str(f.cell.label) if horizontal else str(f.cell.label)[:3], f) for f in figures]
    return Section(
        id=section,
        title=title,
        tables=(Table(title, (header, "Escalations"), rows_of(figures)),),
        chart=charts.bar_chart(bars, name=section, horizontal=horizontal) if with_charts else "",
        chart_title=title,
        notes=notes(*definitions),
    )


def _learning(edition: Edition) -> Section:
    return Section(
        id="learning",
        title="Learning",
        key_figures=(
            (
                "Resolved escalations with learning recorded",
                as_text(edition.figure("learning/resolved/with_learning")),
            ),
        ),
        items_title="Themes the partnership team chose" if edition.figures.learning.themes else "",
        items=edition.figures.learning.themes,
        notes=notes("learning"),
    )


def _methodology(edition: Edition) -> Section:
    figures = edition.figures
    method = figures.methodology
    facts = [
        ("Period", figures.period.label),
        ("Outcomes as at", f"{localtime(method.as_at):%-d %B %Y %H:%M}"),
        ("Data taken", f"{localtime(method.taken_at):%-d %B %Y %H:%M}"),
        ("Calendar", f"Bank holidays of {method.region}"),
        (
            "Closure days in the period",
            ", ".join(f"{day:%-d %B %Y}" for day in method.closure_days) or "None",
        ),
        *(
            (
                f"Policy version {policy.version} "
                f"(from {localtime(policy.effective_from):%-d %B %Y})",
                f"{policy.escalations:,} escalations in the period; {policy.timescales}",
            )
            for policy in method.policy_versions
        ),
    ]
    if edition.is_public:
        facts.append(("Small numbers", rule_in_words(method.suppression_threshold)))
    return Section(
        id="methodology",
        title="Methodology",
        key_figures=tuple(facts),
        items_title="Definitions",
        items=tuple(
            f"{d.term}: {d.text}"
            for d in method.definitions
            if not (edition.is_public and d.key in INTERNAL_ONLY_DEFINITIONS)
        ),
    )
