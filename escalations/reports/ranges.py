"""The least and the greatest value a hidden count can take, given what a reader knows.

A reader of the public figures knows every shown count, the sums and inequalities that tie
counts together (``reader``), and that counts are whole numbers from 0 up. The least (or
greatest) value one hidden count can then take is a small integer linear programme. It is
solved exactly: the simplex method in rational arithmetic (whole numbers while they stay
whole, ``fractions`` otherwise), with Bland's rule so that it cannot cycle, and branch and
bound where the best point of the linear programme is not whole. Every answer comes with the
point that attains it, so it can be checked by substitution. The sizes here are tens of
unknowns: no library is needed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

EQ, LE, GE = "==", "<=", ">="
NODE_LIMIT = 200  # branch and bound gives up here; the caller then knows the bound is not exact
RHS = -1  # a row's right-hand side, kept in the row under this key

Number = int | Fraction
Point = dict[str, int]


@dataclass(frozen=True)
class Constraint:
    """``sum(coefficient * unknown) <sense> rhs`` over whole numbers."""

    terms: tuple[tuple[str, int], ...]
    sense: str = EQ
    rhs: int = 0

    @classmethod
    def total(cls, total: str, parts: Iterable[str]) -> Constraint:
        """``total`` is the sum of ``parts``."""
        return cls(((total, 1), *((part, -1) for part in parts)))

    @classmethod
    def at_least(cls, name: str, value: int) -> Constraint:
        return cls(((name, 1),), GE, value)

    @classmethod
    def no_more(cls, smaller: Iterable[str], larger: Iterable[str]) -> Constraint:
        """The sum of ``smaller`` is at most the sum of ``larger``."""
        return cls((*((n, 1) for n in smaller), *((n, -1) for n in larger)), LE, 0)

    @property
    def names(self) -> frozenset[str]:
        return frozenset(name for name, _ in self.terms)

    def holds(self, point: Mapping[str, int]) -> bool:
        value = sum(coefficient * point[name] for name, coefficient in self.terms)
        return _compare(value, self.sense, self.rhs)

    def knowing(self, known: Mapping[str, int]) -> Constraint:
        """The same constraint with the known values put in."""
        rhs = self.rhs - sum(a * known[name] for name, a in self.terms if name in known)
        return Constraint(tuple((n, a) for n, a in self.terms if n not in known), self.sense, rhs)


def _compare(value: Number, sense: str, rhs: Number) -> bool:
    return value == rhs if sense == EQ else value <= rhs if sense == LE else value >= rhs


@dataclass(frozen=True)
class Optimum:
    """The best whole value (``None``: no greatest value), a point attaining it, and whether
    the search finished (otherwise ``value`` is only the best found)."""

    value: int | None
    point: Point | None
    exact: bool = True


def optimum(
    constraints: Sequence[Constraint], name: str, *, largest: bool, start: Mapping[str, int]
) -> Optimum:
    """The least (or greatest) whole value of ``name`` over whole numbers from 0 satisfying
    every constraint. ``start`` is a point known to satisfy them (the true counts): the answer
    is never worse than it."""
    sign = -1 if largest else 1
    best_value, best_point = start[name], dict(start)
    stack: list[tuple[Constraint, ...]] = [()]
    nodes = 0
    while stack:
        branch = stack.pop()
        nodes += 1
        if nodes > NODE_LIMIT:
            return Optimum(best_value, best_point, exact=False)
        solved = _simplex([*constraints, *branch], {name: sign})
        if solved is None:
            continue
        if isinstance(solved, str):  # UNBOUNDED
            return Optimum(None, None)
        value, point = solved
        bound = math.floor(-value) if largest else math.ceil(value)
        if (bound <= best_value) if largest else (bound >= best_value):
            continue
        fractional = next((n for n in sorted(point) if point[n] != int(point[n])), None)
        if fractional is None:
            best_value, best_point = bound, {**start, **{n: int(v) for n, v in point.items()}}
            continue
        at = point[fractional]
        stack.append((*branch, Constraint(((fractional, 1),), LE, math.floor(at))))
        stack.append((*branch, Constraint(((fractional, 1),), GE, math.ceil(at))))
    return Optimum(best_value, best_point)


UNBOUNDED = "unbounded"
Solved = tuple[Number, dict[str, Number]] | str | None


def _simplex(constraints: Sequence[Constraint], objective: Mapping[str, int]) -> Solved:
    """Minimise ``objective`` over real unknowns from 0: ``(value, point)``, ``UNBOUNDED``,
    or ``None`` when nothing satisfies the constraints. Two phases: artificial unknowns
    first, one to a row, then the objective from the basis they leave."""
    names = sorted({n for c in constraints for n in c.names} | set(objective))
    column = {name: i for i, name in enumerate(names)}
    width = len(names)
    rows: list[dict[int, Number]] = []
    for constraint in constraints:
        row: dict[int, Number] = {}
        for name, coefficient in constraint.terms:
            row[column[name]] = row.get(column[name], 0) + coefficient
        row = {k: v for k, v in row.items() if v}
        if constraint.sense != EQ:
            row[width] = 1 if constraint.sense == LE else -1
            width += 1
        if not row:
            if not _compare(0, constraint.sense, constraint.rhs):
                return None
            continue
        row[RHS] = constraint.rhs
        if constraint.rhs < 0:
            row = {k: -v for k, v in row.items()}
        rows.append(row)
    basis = list(range(width, width + len(rows)))
    for row, artificial in zip(rows, basis, strict=True):
        row[artificial] = 1
    cost: dict[int, Number] = {}
    for row in rows:
        for k, v in row.items():
            if k < width:
                cost[k] = cost.get(k, 0) - v
    if _iterate(rows, basis, cost, allowed=width + len(rows)) == UNBOUNDED:
        raise AssertionError("the first phase is bounded below by 0")
    if cost.get(RHS, 0) != 0:
        return None
    _drive_out_artificials(rows, basis, width)
    cost = {column[n]: v for n, v in objective.items() if v}
    for row, basic in zip(rows, basis, strict=True):
        if factor := cost.get(basic, 0):
            _subtract(cost, row, factor)
    if _iterate(rows, basis, cost, allowed=width) == UNBOUNDED:
        return UNBOUNDED
    values = {basic: row.get(RHS, 0) for row, basic in zip(rows, basis, strict=True)}
    point = {name: values.get(column[name], 0) for name in names}
    return -cost.get(RHS, 0), point


def _iterate(
    rows: list[dict[int, Number]], basis: list[int], cost: dict[int, Number], *, allowed: int
) -> str | None:
    """Pivot until no reduced cost is negative (Bland's rule: the lowest column in, the
    lowest basic column out among equal ratios)."""
    while True:
        entering = min((k for k, v in cost.items() if 0 <= k < allowed and v < 0), default=None)
        if entering is None:
            return None
        best: tuple[Number, int, int] | None = None
        for i, row in enumerate(rows):
            a = row.get(entering, 0)
            if a > 0:
                ratio = _divide(row.get(RHS, 0), a)
                if best is None or (ratio, basis[i]) < best[:2]:
                    best = (ratio, basis[i], i)
        if best is None:
            return UNBOUNDED
        _pivot(rows, basis, cost, best[2], entering)


def _drive_out_artificials(rows: list[dict[int, Number]], basis: list[int], width: int) -> None:
    """After the first phase, swap each artificial still in the basis (at 0) for a real
    column, or drop its row when the row repeats others; then forget the artificials."""
    i = 0
    while i < len(rows):
        if basis[i] >= width:
            column = next((k for k in sorted(rows[i]) if 0 <= k < width and rows[i][k]), None)
            if column is None:
                del rows[i], basis[i]
                continue
            _pivot(rows, basis, {}, i, column)
        i += 1
    for row in rows:
        for k in [k for k in row if k >= width]:
            del row[k]


def _pivot(
    rows: list[dict[int, Number]], basis: list[int], cost: dict[int, Number], r: int, c: int
) -> None:
    pivot_row = rows[r]
    if (a := pivot_row[c]) != 1:
        pivot_row = rows[r] = {k: _divide(v, a) for k, v in pivot_row.items()}
    for i, row in enumerate(rows):
        if i != r and (factor := row.get(c, 0)):
            _subtract(row, pivot_row, factor)
    if factor := cost.get(c, 0):
        _subtract(cost, pivot_row, factor)
    basis[r] = c


def _subtract(row: dict[int, Number], pivot_row: Mapping[int, Number], factor: Number) -> None:
    for k, v in pivot_row.items():
        value = row.get(k, 0) - factor * v
        if value:
            row[k] = value
        else:
            row.pop(k, None)


def _divide(a: Number, b: Number) -> Number:
    if isinstance(a, int) and isinstance(b, int):
        whole, rest = divmod(a, b)
        if not rest:
            return whole
    value = Fraction(a) / b
    return value.numerator if value.denominator == 1 else value
