"""The two editions of the report (DESIGN.md section 6).

**Internal**: every figure, exact, for the board, the partnership team and analysts.

**Public**: headline figures, stages, timeliness, categories and outcomes only (no
agency-by-agency, sector or child-level tables, no free text except the learning themes the
partnership team chose), with small numbers suppressed (``protection``, where the rule is):
a hidden count is the string "suppressed", and where the rule allows, its band ("20 or
more") is given beside it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from escalations.models.published import QUARTER, YEAR

from . import tidy
from .figures import Narrative, ReportFigures
from .protection import Protection, protect
from .reader import Snapshot
from .tidy import COUNT, DAYS, Cell

SUPPRESSED = "suppressed"
INTERNAL, PUBLIC = "internal", "public"
EDITIONS = (INTERNAL, PUBLIC)

Shown = int | float | str | None


def band_text(least: int) -> str:
    return f"{least} or more"


def band_of(text: object) -> int | None:
    """The band a published edition gave, from its words."""
    if isinstance(text, str) and (match := re.fullmatch(r"(\d+) or more", text)):
        return int(match[1])
    return None


@dataclass(frozen=True)
class Figure:
    """A cell as an edition shows it: its value, or ``SUPPRESSED``."""

    cell: Cell
    value: Shown
    band: int | None = None  # a hidden count's band: "N or more"

    @property
    def suppressed(self) -> bool:
        return self.value == SUPPRESSED

    def __getattr__(self, name: str) -> object:
        return getattr(self.cell, name)


@dataclass(frozen=True)
class Edition:
    name: str
    figures: ReportFigures
    shown: tuple[Figure, ...]
    protection: Protection | None = None  # the public edition's
    narrative: Narrative | None = None  # the lead's words (``board``)
    before: Edition | None = None  # the same edition of the period before (``board``)

    @property
    def is_public(self) -> bool:
        return self.name == PUBLIC

    @property
    def threshold(self) -> int:
        return self.figures.methodology.suppression_threshold

    def value(self, cell_id: str) -> Shown:
        return self._by_id()[cell_id].value

    def figure(self, cell_id: str) -> Figure:
        return self._by_id()[cell_id]

    def has(self, section: str) -> bool:
        return any(figure.cell.section == section for figure in self.shown)

    def breakdown(self, section: str, breakdown: str | None = None) -> list[Figure]:
        return [
            figure
            for figure in self.shown
            if figure.cell.section == section
            and (breakdown is None or figure.cell.breakdown == breakdown)
        ]

    def as_dict(self, section: str, breakdown: str) -> dict[str, Shown]:
        return {figure.cell.key: figure.value for figure in self.breakdown(section, breakdown)}

    def _by_id(self) -> dict[str, Figure]:
        return {figure.cell.id: figure for figure in self.shown}


def build_edition(
    figures: ReportFigures, name: str = INTERNAL, *, earlier: Sequence[Snapshot] = ()
) -> Edition:
    """``earlier``: the public editions already published for the same reporting year (for
    the public edition of a quarter or a year being published)."""
    if name not in EDITIONS:
        raise ValueError(f"There is no {name!r} edition: choose internal or public.")
    cells = tidy.cells(figures)
    if name == INTERNAL:
        return Edition(name, figures, tuple(Figure(cell, cell.value) for cell in cells))
    public = [cell for cell in cells if cell.public]
    period = figures.period
    protection = protect(
        Snapshot(
            {cell.id: int(cell.value or 0) for cell in public if cell.kind == COUNT},
            tidy.equations(figures),
            kind=YEAR if period.year is not None else QUARTER,
            start=period.start,
            end=period.end,
        ),
        figures.methodology.suppression_threshold,
        earlier=earlier,
        medians={
            cell.id: (cell.depends_on[0], cell.value)  # type: ignore[misc]
            for cell in public
            if _median(cell)
        },
    )
    return Edition(
        name,
        figures,
        tuple(_public_figure(cell, protection) for cell in public),
        protection,
    )


def _public_figure(cell: Cell, protection: Protection) -> Figure:
    hidden = protection.hidden
    if cell.kind == COUNT:
        if cell.id in hidden:
            return Figure(cell, SUPPRESSED, protection.bands.get(cell.id))
        return Figure(cell, cell.value)
    if _median(cell) and cell.depends_on[0] in protection.medians:
        return Figure(cell, cell.value)
    resting = cell.value is not None and any(name in hidden for name in cell.depends_on)
    return Figure(cell, SUPPRESSED if resting else cell.value)


def _median(cell: Cell) -> bool:
    return cell.kind == DAYS and cell.key == "median"


def published_snapshot(figures: ReportFigures, data: Mapping[str, Any], kind: str) -> Snapshot:
    """A public edition as a reader has it, from its published JSON (``data``), with the
    true counts behind it (``figures``, worked out again for its period as at its
    publication): what a later publication of the same reporting year must not give away."""
    threshold = int(data["methodology"]["suppression_threshold"])
    counts, hidden, least = {}, set(), {}
    public = [cell for cell in tidy.cells(figures) if cell.public]
    for cell in (cell for cell in public if cell.kind == COUNT):
        shown = _at(data, tidy.json_paths(cell))
        counts[cell.id] = shown if isinstance(shown, int) else int(cell.value or 0)
        if not isinstance(shown, int):  # suppressed, or not in the JSON at all
            hidden.add(cell.id)
            if (band := band_of(_at(data.get("banded", {}), tidy.json_paths(cell)))) is not None:
                least[cell.id] = band
    for cell in public:
        count = cell.depends_on[0] if _median(cell) else None
        if count in hidden and _at(data, tidy.json_paths(cell)) not in (SUPPRESSED, None):
            least[count] = max(least.get(count, 0), threshold)
    period = figures.period
    return Snapshot(
        counts,
        tidy.equations(figures),
        kind=kind,
        start=period.start,
        end=period.end,
        hidden=frozenset(hidden),
        at_least=least,
    )


def as_published(figures: ReportFigures, data: Mapping[str, Any]) -> Edition:
    """A public edition as it was published (its JSON, ``data``), on the cells of
    ``figures`` (its period's true figures): what the public already has of that period."""
    shown = []
    for cell in (cell for cell in tidy.cells(figures) if cell.public):
        value = _at(data, tidy.json_paths(cell))
        band = band_of(_at(data.get("banded", {}), tidy.json_paths(cell)))
        shown.append(Figure(cell, value, band))  # not in the JSON (not published then): None
    return Edition(PUBLIC, figures, tuple(shown))


def _at(data: Mapping[str, Any], paths: tuple[tuple[str, ...], ...]) -> Any:
    for path in paths:
        place: Any = data
        for key in path:
            place = place.get(key) if isinstance(place, Mapping) else None
        if place is not None:
            return place
    return None
