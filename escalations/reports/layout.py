"""The report as a reader sees it, the same on the web page and in the PDF: sections of
formatted tables, each with the definitions it rests on and, for some, a chart.

Values come from an edition (``suppression``), so the public edition's suppressed counts are
shown as "suppressed" (or by their band, "20 or more") everywhere, and sections the public
edition leaves out are not built.
"""

from __future__ import annotations

import dataclasses
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
    room: float = 1.0  # the share of the page's width it has (less with a chart beside it)
    row_kinds: tuple[str, ...] = ()  # each row's kind of figure, where not all are counts

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
        size = (WIDE_CHARACTER if self.wide else CHARACTER) / self.room
        widths = [_width(need, size, self.room) for need in needs]
        spare = 100 - sum(widths)
        if spare < 0:
            return ()
        labels = range(self.label_columns)
        numbers = range(self.label_columns, len(widths))
        for columns in (labels, numbers):
            for index in columns:
                grow = min(spare, max(0.0, _width(full[index], size, self.room) - widths[index]))
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
    key_figures: tuple[tuple[str, str, str], ...] = ()  # label, value, beside the year before
    paragraphs: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    chart: str = ""
    chart_title: str = ""
    items_title: str = ""
    items: tuple[str, ...] = ()
    groups: tuple[Group, ...] = ()

    @property
    def chart_image(self) -> str:
        return charts.data_uri(self.chart) if self.chart else ""

    @property
    def chart_beside(self) -> bool:
        """The chart stands beside its table (the first), or under it if that is wide."""
        return bool(self.chart and self.tables and self.tables[0].room < 1)


# The PDF's tables: a character of 8.5pt bold DejaVu Sans takes up to 1.25% of the A4 text
# width (7.5pt, in tables of more than WIDE columns, 1.1%), a cell's padding 1.5%; a label
# longer than LABEL_LINE characters may wrap.
CHARACTER, WIDE_CHARACTER, PADDING, LABEL_LINE, WIDE = 1.25, 1.1, 1.5, 60, 5


def _longest(words: Iterable[str]) -> int:
    return max((len(word) for word in words), default=0)


def _width(characters: int, size: float = CHARACTER, room: float = 1.0) -> float:
    return characters * size + PADDING / room


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
    """The lead's words first, then the figures, each beside the year before's, then the
    learning and the methodology."""
    built = _figure_sections(edition, with_charts)
    if edition.before is not None:
        before = {s.id: s for s in _figure_sections(edition.before, with_charts=False)}
        built = [_beside(section, before.get(section.id)) for section in built]
    return [
        *_words(edition),
        _summary(edition),
        *(_chart_room(section) for section in built),
        _learning(edition),
        _methodology(edition),
    ]


def _figure_sections(edition: Edition, with_charts: bool) -> list[Section]:
    built = [
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
    return built


def as_text(figure: Figure) -> str:
    """A figure as the tables show it: a hidden count's band in place of "suppressed"."""
    return display(figure.value, figure.cell.kind, figure.band)


def rows_of(figures: Iterable[Figure]) -> tuple[tuple[str, ...], ...]:
    return tuple((str(f.cell.label), as_text(f)) for f in figures)


SUMMARY = (
    ("Escalations raised", "headline/raised/raised"),
    ("Urgent", "headline/urgency/urgent"),
    ("Standard", "headline/urgency/standard"),
    ("Resolved by the end of the period", "headline/status_at_end/resolved"),
    ("Withdrawn", "headline/status_at_end/withdrawn"),
    ("Still open at the end", "headline/status_at_end/open_at_end"),
    ("Resolved at stage 1", "stages/resolved_at/stage_1"),
    ("Stage 4 meetings held", "meetings/stage_4/held"),
    ("Median working days to resolution", "durations/to_resolution/median"),
)


def key_figure(edition: Edition, label: str, cell_id: str) -> tuple[str, str, str]:
    """A figure with the year before's beside it, in words."""
    figure = edition.figure(cell_id)
    if edition.before is None:
        return (label, as_text(figure), "")
    before = edition.before.figure(cell_id)
    return (label, as_text(figure), change_in_words(figure, before))


def _summary(edition: Edition) -> Section:
    figures = edition.figures
    rows = [key_figure(edition, label, cell_id) for label, cell_id in SUMMARY]
    if edition.before is None:  # the one figure of the period before there is
        rows.insert(
            1,
            (
                f"Raised in the previous period ({figures.previous_period.title})",
                as_text(edition.figure("headline/raised/previous_period")),
                "",
            ),
        )
    return Section(
        id="summary",
        title="Summary",
        key_figures=tuple(rows),
        notes=notes("period", "as_at", "previous_period", "urgent"),
    )


def _words(edition: Edition) -> list[Section]:
    words = edition.narrative
    if words is None:
        return []
    built = []
    if words.paragraphs:
        built.append(Section(id="foreword", title="Foreword", paragraphs=tuple(words.paragraphs)))
    if words.key_messages:
        built.append(Section(id="key-messages", title="Key messages", items=words.key_messages))
    return built


# The year before ---------------------------------------------------------------------------

SMALL = 20  # below this, a change is said in numbers ("3 more"), not as a percentage


def change_in_words(now: Figure, before: Figure) -> str:
    """How a figure compares with the year before's, in words: "up 25% on the year before
    (96)", or where the numbers are small "3 more than the year before (5)"."""
    kind = now.cell.kind
    was = as_text(before)
    if not _number(now.value) or not _number(before.value):
        return f"The year before: {was}" if before.value is not None else ""
    a, b = float(now.value), float(before.value)  # type: ignore[arg-type]
    if a == b:
        return f"The same as the year before ({was})"
    found = _difference(a, b, kind)
    if found is None:
        return f"Much the same as the year before ({was})"
    phrase, relation = found
    return f"{phrase} {relation} the year before ({was})"


def _difference(a: float, b: float, kind: str, day: str = "working day") -> tuple[str, str] | None:
    """How ``a`` differs from ``b``, shortly, and the word that ties it to what it is
    compared with: ("3 more", "than"), ("Up 25%", "on"), ("2 working days longer", "than");
    None when the two are shown alike."""
    if kind == SHARE:
        points = round(a * 100) - round(b * 100)  # as the two are shown
        if not points:
            return None
        return f"{_up(points > 0)} {_plural(abs(points), 'percentage point')}", "on"
    if kind in (DAYS, HOURS):
        unit = day if kind == DAYS else "hour"
        return f"{_plural(abs(a - b), unit)} {'longer' if a > b else 'shorter'}", "than"
    if a < SMALL or b < SMALL:
        return f"{abs(a - b):g} {'more' if a > b else 'fewer'}", "than"
    percent = round(abs(a - b) / b * 100)
    return (f"{_up(a > b)} {percent}%", "on") if percent else None


def _plural(number: float, unit: str) -> str:
    return f"{number:g} {unit}{'' if number == 1 else 's'}"


def _up(up: bool) -> str:
    return "Up" if up else "Down"


def _number(value: Shown) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def short_change(now: str, before: str, kind: str = COUNT) -> str:
    """A table's change column: "3 more", "Up 25%", "2 days longer", "No change", or a dash
    where either side is not a number (hidden, banded or none)."""
    a, b = _number_in(now), _number_in(before)
    if a is None or b is None:
        return NO_DATA
    if a == b:
        return "No change"
    found = _difference(a, b, kind, day="day")
    return "Much the same" if found is None else found[0]


def _number_in(text: str) -> float | None:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def _beside(section: Section, before: Section | None) -> Section:
    if before is None or not section.tables:
        return section
    by_place = section.id == "month"  # months' labels name their years: matched by place
    tables = tuple(
        _table_beside(table, before.tables[index] if index < len(before.tables) else None, by_place)
        for index, table in enumerate(section.tables)
    )
    return dataclasses.replace(section, tables=tables)


def _table_beside(table: Table, before: Table | None, by_place: bool = False) -> Table:
    """One figure a column: this year, the year before and the change. More: the year
    before's in brackets after each figure, matched by its column's header (columns the
    years do not share get a dash). Rows are matched by their labels (or by place); a row
    only the year before has comes last, with a dash for this year."""
    if before is None:
        return table
    labels = table.label_columns
    numbers = table.headers[labels:]
    then_column = {header: index for index, header in enumerate(before.headers[labels:])}

    def then_of(row: tuple[str, ...] | None) -> tuple[str, ...]:
        if row is None:
            return (NO_DATA,) * len(numbers)
        values = row[labels:]
        return tuple(
            values[then_column[header]] if header in then_column else NO_DATA for header in numbers
        )

    earlier = {row[:labels]: row for row in before.rows}
    pairs = []
    for place, row in enumerate(table.rows):
        if by_place:
            pairs.append((row, before.rows[place] if place < len(before.rows) else None))
        else:
            pairs.append((row, earlier.pop(row[:labels], None)))
    if not by_place:  # rows only the year before has
        pairs += [((*key, *(NO_DATA,) * len(numbers)), row) for key, row in earlier.items()]
    kinds = table.row_kinds or (COUNT,) * len(table.rows)
    rows = []
    for place, (row, before_row) in enumerate(pairs):
        then = then_of(before_row)
        if len(numbers) == 1:
            kind = kinds[place] if place < len(kinds) else COUNT
            rows.append((*row, then[0], short_change(row[-1], then[0], kind)))
        else:
            rows.append(
                (
                    *row[:labels],
                    *(f"{now} ({was})" for now, was in zip(row[labels:], then, strict=True)),
                )
            )
    if len(numbers) == 1:
        headers = (*table.headers[:labels], table.headers[-1], "The year before", "Change")
        return dataclasses.replace(table, headers=headers, rows=tuple(rows))
    caption = f"{table.caption} (the year before in brackets)"
    return dataclasses.replace(table, caption=caption, rows=tuple(rows))


def _chart_room(section: Section) -> Section:
    """A chart stands beside a narrow first table: the table gets the page's left part."""
    if not section.chart or not section.tables or section.tables[0].wide:
        return section
    first = dataclasses.replace(section.tables[0], room=CHART_ROOM)
    return dataclasses.replace(section, tables=(first, *section.tables[1:]))


CHART_ROOM = 0.56
NARROW_WIDTH, NARROW_WRAP = 3.4, 22  # inches and characters: a chart beside its table


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
        ("Figure", "Number or working days"),
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
        row_kinds=(COUNT, COUNT, DAYS, DAYS),
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
        # drawn narrow, to stand beside its table
        chart=charts.bar_chart(
            bars, name=section, horizontal=horizontal, width=NARROW_WIDTH, wrap=NARROW_WRAP
        )
        if with_charts
        else "",
        chart_title=title,
        notes=notes(*definitions),
    )


def _learning(edition: Edition) -> Section:
    return Section(
        id="learning",
        title="Learning",
        key_figures=(
            key_figure(
                edition,
                "Resolved escalations with learning recorded",
                "learning/resolved/with_learning",
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
        key_figures=tuple((label, value, "") for label, value in facts),
        items_title="Definitions",
        items=tuple(
            f"{d.term}: {d.text}"
            for d in method.definitions
            if not (edition.is_public and d.key in INTERNAL_ONLY_DEFINITIONS)
        ),
    )
