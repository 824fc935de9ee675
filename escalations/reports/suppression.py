"""The two editions of the report (DESIGN.md section 6) and small-number suppression.

**Internal**: every figure, exact, for the board, the partnership team and analysts.

**Public**: headline figures, stages, timeliness, categories and outcomes only (no
agency-by-agency, sector or child-level tables, no free text except the learning themes the
partnership team chose). Counts from 1 to ``threshold - 1`` are shown as "suppressed"
(primary suppression), and then more counts are hidden (secondary suppression) until no hidden
count can be worked back from a total or a difference:

* in every sum (a total and its parts, ``tidy.equations``) with a hidden cell, at least two
  cells are hidden: otherwise the one would be the total less the rest;
* where a sum's total is shown, the hidden parts together (which a reader can work out as the
  total less the shown parts) come to at least the threshold: otherwise small numbers would
  be revealed in combination.

The extra cell hidden is the smallest non-zero part shown, else the total. A zero is never
hidden to protect another: a reader who knows counts are never negative could pin it. Sums
share cells (raised is the total of several), so a combination of sums can give away what no
single sum does: after the rules above, an exact check (``worked_out``, by elimination) finds
any hidden cell that follows from the sums together, and a neighbouring cell is hidden until
none does. A share, median or percentile resting on a hidden count is hidden too. Zero is
shown: it identifies nobody.

``tests/escalations/reports/test_suppression.py`` checks all of this by brute force: for any
counts, every hidden count could take another value consistent with everything shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from . import tidy
from .figures import ReportFigures
from .tidy import COUNT, Cell, Equation

SUPPRESSED = "suppressed"
INTERNAL, PUBLIC = "internal", "public"
EDITIONS = (INTERNAL, PUBLIC)

Shown = int | float | str | None


def suppress(
    values: Mapping[str, int], equations: Iterable[Equation], threshold: int
) -> frozenset[str]:
    """The cells (by id) to show as suppressed."""
    sums = [eq for eq in equations if eq.total in values and all(p in values for p in eq.parts)]
    hidden = {name for name, value in values.items() if 0 < value < threshold}
    while True:
        _apply_local_rules(sums, values, hidden, threshold)
        exposed = worked_out(sums, hidden)
        if not exposed:
            return frozenset(hidden)
        more = _neighbour_to_hide(exposed[0], sums, values, hidden)
        if more is None:  # nothing left to hide around it (cannot happen with a shown cell)
            return frozenset(hidden)
        hidden.add(more)


def _apply_local_rules(
    sums: list[Equation], values: Mapping[str, int], hidden: set[str], threshold: int
) -> None:
    changed = True
    while changed:
        changed = False
        for eq in sums:
            more = _one_more(eq, values, hidden, threshold)
            if more is not None:
                hidden.add(more)
                changed = True


def worked_out(sums: Iterable[Equation], hidden: set[str] | frozenset[str]) -> list[str]:
    """Hidden cells whose value follows from the sums and the shown cells, by any
    combination of sums (Gaussian elimination over the hidden cells): a hidden cell is worked
    out exactly when its row of the reduced system has no other hidden cell in it."""
    columns = sorted(hidden)
    index = {name: i for i, name in enumerate(columns)}
    rows: list[list[Fraction]] = []
    for eq in sums:
        row = [Fraction(0)] * len(columns)
        for name, sign in ((eq.total, 1), *((part, -1) for part in eq.parts)):
            if name in index:
                row[index[name]] += sign
        if any(row):
            rows.append(row)
    exposed = []
    for reduced in _reduced(rows, len(columns)):
        nonzero = [i for i, value in enumerate(reduced) if value]
        if len(nonzero) == 1:
            exposed.append(columns[nonzero[0]])
    return exposed


def _reduced(rows: list[list[Fraction]], width: int) -> list[list[Fraction]]:
    """The non-zero rows of the reduced row echelon form."""
    rows = [list(row) for row in rows]
    pivot_row = 0
    for column in range(width):
        found = next((r for r in range(pivot_row, len(rows)) if rows[r][column]), None)
        if found is None:
            continue
        rows[pivot_row], rows[found] = rows[found], rows[pivot_row]
        pivot = rows[pivot_row][column]
        rows[pivot_row] = [value / pivot for value in rows[pivot_row]]
        for r in range(len(rows)):
            if r != pivot_row and rows[r][column]:
                factor = rows[r][column]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[pivot_row], strict=True)]
        pivot_row += 1
    return rows[:pivot_row]


def _neighbour_to_hide(
    exposed: str, sums: list[Equation], values: Mapping[str, int], hidden: set[str]
) -> str | None:
    """A shown cell to hide so that ``exposed`` stops being worked out: the smallest
    non-zero one in a sum with it, else in any sum with a hidden cell."""
    near = [eq for eq in sums if exposed in (eq.total, *eq.parts)]
    touched = [eq for eq in sums if any(n in hidden for n in (eq.total, *eq.parts))]
    for group in (near, touched):
        found = _smallest_nonzero(
            {n for eq in group for n in (eq.total, *eq.parts)}, values, hidden
        )
        if found is not None:
            return found
    return None


def _one_more(
    eq: Equation, values: Mapping[str, int], hidden: set[str], threshold: int
) -> str | None:
    """The next cell this sum needs hidden, or None when it is safe (or cannot be helped)."""
    hidden_here = [name for name in (eq.total, *eq.parts) if name in hidden]
    if not hidden_here:
        return None
    hidden_parts = [name for name in eq.parts if name in hidden]
    if len(hidden_here) == 1 or (
        eq.total not in hidden and sum(values[name] for name in hidden_parts) < threshold
    ):
        return _smallest_nonzero(eq.parts, values, hidden) or _smallest_nonzero(
            (eq.total,), values, hidden
        )
    return None


def _smallest_nonzero(
    names: Iterable[str], values: Mapping[str, int], hidden: set[str]
) -> str | None:
    """Hiding a zero protects nothing: a reader who knows counts are never negative can pin it,
    so only non-zero cells are hidden to protect others."""
    shown = [name for name in names if name not in hidden and values[name] > 0]
    return min(shown, key=lambda name: (values[name], name)) if shown else None


@dataclass(frozen=True)
class Figure:
    """A cell as an edition shows it: its value, or ``SUPPRESSED``."""

    cell: Cell
    value: Shown

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

    @property
    def is_public(self) -> bool:
        return self.name == PUBLIC

    @property
    def threshold(self) -> int:
        return self.figures.methodology.suppression_threshold

    def value(self, cell_id: str) -> Shown:
        return self._by_id()[cell_id].value

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


def build_edition(figures: ReportFigures, name: str = INTERNAL) -> Edition:
    if name not in EDITIONS:
        raise ValueError(f"There is no {name!r} edition: choose internal or public.")
    cells = tidy.cells(figures)
    if name == INTERNAL:
        return Edition(name, figures, tuple(Figure(cell, cell.value) for cell in cells))
    public = [cell for cell in cells if cell.public]
    counts = {cell.id: int(cell.value or 0) for cell in public if cell.kind == COUNT}
    hidden = suppress(counts, tidy.equations(figures), figures.methodology.suppression_threshold)
    return Edition(
        name,
        figures,
        tuple(
            Figure(cell, SUPPRESSED if _rests_on(cell, hidden) else cell.value) for cell in public
        ),
    )


def _rests_on(cell: Cell, hidden: frozenset[str]) -> bool:
    if cell.kind == COUNT:
        return cell.id in hidden
    return cell.value is not None and any(name in hidden for name in cell.depends_on)
