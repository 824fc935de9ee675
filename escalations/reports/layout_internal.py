"""The sections only the internal edition has: the child-level breakdowns, who raised
escalations with whom, receiving agencies' timeliness and signposting."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from .figures import Flow
from .layout import Group, Section, Table, display, notes, rows_of
from .suppression import Edition
from .tidy import HOURS


def internal_sections(edition: Edition) -> list[Section]:
    return [
        _children(edition),
        _agencies(edition),
        _receiving(edition),
        Section(
            id="signposting",
            title="Signposting to other processes",
            tables=(
                Table(
                    "Times the raise form pointed to another process",
                    ("Process", "Times"),
                    rows_of(edition.breakdown("signposting", "route")),
                ),
            ),
            notes=notes("signposting"),
        ),
    ]


def _children(edition: Edition) -> Section:
    return Section(
        id="children",
        title="Level of need and case status",
        tables=(
            Table(
                "Level of need",
                ("Level of need", "Escalations"),
                rows_of(edition.breakdown("level_of_need", "raised")),
            ),
            Table(
                "Case status",
                ("Case status", "Escalations"),
                rows_of(edition.breakdown("case_status", "raised")),
            ),
        ),
    )


def _agencies(edition: Edition) -> Section:
    figures = edition.figures.agencies
    raised, received = figures.by_raising_agency.as_dict(), figures.by_receiving_agency.as_dict()
    sectors_raised = figures.by_raising_sector.as_dict()
    sectors_received = figures.by_receiving_sector.as_dict()
    return Section(
        id="agencies",
        title="Who raised escalations, and with whom",
        tables=(
            Table(
                "By agency",
                ("Agency", "Raised", "Received"),
                tuple(
                    (row.label, display(raised[row.key]), display(received[row.key]))
                    for row in figures.by_raising_agency.rows
                    if raised[row.key] or received[row.key]
                ),
            ),
            Table(
                "By sector",
                ("Sector", "Raised", "Received"),
                tuple(
                    (
                        row.label,
                        display(sectors_raised[row.key]),
                        display(sectors_received[row.key]),
                    )
                    for row in figures.by_raising_sector.rows
                    if sectors_raised[row.key] or sectors_received[row.key]
                ),
            ),
            _sector_matrix(figures.sector_flows),
        ),
        groups=tuple(_flows("By agency", figures.agency_flows)),
        items_title="Active agencies that raised none",
        items=tuple(f"{agency.name} ({agency.sector_label})" for agency in figures.raised_none)
        or ("None: every active agency raised at least one.",),
        notes=notes("agencies"),
    )


def _receiving(edition: Edition) -> Section:
    rows = []
    for row in edition.figures.agencies.timeliness:
        rows.append(
            (
                row.agency.name,
                display(row.received),
                display(row.acknowledged),
                display(row.acknowledged_on_time),
                display(row.hours_to_acknowledge.median, HOURS),
                display(row.responded),
                display(row.responded_on_time),
                display(row.hours_to_respond.median, HOURS),
            )
        )
    return Section(
        id="receiving",
        title="Acknowledgement and response by receiving agency",
        tables=(
            Table(
                "Receiving agencies",
                (
                    "Agency",
                    "Received",
                    "Acknowledged",
                    "On time",
                    "Median hours",
                    "Responded",
                    "On time",
                    "Median hours",
                ),
                tuple(rows),
            ),
        ),
        notes=notes("acknowledgement", "response"),
    )


def _sector_matrix(flows: tuple[Flow, ...]) -> Table:
    """Who raised with whom, sector by sector: a row per raising sector, a column per
    receiving sector (only those with any), each row's and column's total."""
    raising = sorted({flow.raising for flow in flows})
    receiving = sorted({flow.receiving for flow in flows})
    count = {(flow.raising, flow.receiving): flow.count for flow in flows}
    rows = [
        (
            sector,
            *(display(count.get((sector, to), 0)) for to in receiving),
            display(sum(count.get((sector, to), 0) for to in receiving)),
        )
        for sector in raising
    ]
    rows.append(
        (
            "All sectors",
            *(display(sum(count.get((r, to), 0) for r in raising)) for to in receiving),
            display(sum(count.values())),
        )
    )
    return Table(
        "Raised with whom, by sector (rows raised, columns received)",
        ("Raised by", *receiving, "All"),
        tuple(rows),
    )


def _flows(title: str, flows: tuple[Flow, ...]) -> Iterator[Group]:
    """One paragraph per raising agency (or sector): whom it raised escalations with, most
    first. Easier to read than a long table, and far quicker to lay out in the PDF."""
    by_raiser: dict[str, list[Flow]] = defaultdict(list)
    for flow in flows:
        by_raiser[flow.raising].append(flow)
    for raiser, rows in sorted(by_raiser.items()):
        rows.sort(key=lambda flow: (-flow.count, flow.receiving))
        total = sum(flow.count for flow in rows)
        yield Group(
            title=title,
            lead=f"{raiser} raised {display(total)}",
            text="with " + "; ".join(f"{f.receiving} {display(f.count)}" for f in rows) + ".",
        )
