"""The least and the greatest value a hidden count can take, given what a reader knows.

A reader of the public figures knows every shown count, the sums and inequalities that tie
counts together (``reader``), and that counts are whole numbers from 0 up. The least (or
greatest) value one hidden count can then take is a small integer linear programme. It is
solved exactly: the simplex method in rational arithmetic (whole numbers while they stay
whole, ``fractions`` otherwise), starting from the true counts (which satisfy everything),
falling back to Bland's rule when pivots stall so that it cannot cycle, and branch and bound
where the best point of the linear programme is not whole. Every answer comes with the point
that attains it, so it can be checked by substitution. The sizes here are tens of unknowns,
a few hundred at most: no library is needed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

EQ, LE, GE = "==", "<=", ">="
NODE_LIMIT = 200  # branch and bound gives up here; the caller then knows the bound is not exact
RHS = -1  # a row's right-hand side, kept in the row under this key
STALL = 10  # pivots gaining nothing before Bland's rule takes over

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
    is never worse than it, and the search starts there."""
    sign = -1 if largest else 1
    best_value, best_point = start[name], dict(start)
    stack: list[tuple[Constraint, ...]] = [()]
    nodes = 0
    while stack:
        branch = stack.pop()
        nodes += 1
        if nodes > NODE_LIMIT:
            return Optimum(best_value, best_point, exact=False)
        solved = _simplex(start, [*constraints, *branch], {name: sign})
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
Rows = list[dict[int, Number]]


def _simplex(
    start: Mapping[str, int], constraints: Sequence[Constraint], objective: Mapping[str, int]
) -> Solved:
    """Minimise ``objective`` over real unknowns from 0: ``(value, point)``, ``UNBOUNDED``,
    or ``None`` when nothing satisfies the constraints. It starts from ``start`` (``_at``):
    where that satisfies every constraint, as the true counts do, there is no first phase;
    otherwise (a branch of branch and bound) only the constraints it breaks need one."""
    names = sorted({n for c in constraints for n in c.names})
    if any(a < 0 for n, a in objective.items() if n not in names):
        return UNBOUNDED  # tied to nothing, and the more the better
    up = {name: 2 * i for i, name in enumerate(names)}  # down: up + 1
    rows, basis, repairs, held = _at(start, constraints, up)
    cost: dict[int, Number] = dict.fromkeys(range(repairs, held), 1)
    for row, basic in zip(rows, basis, strict=True):
        if repairs <= basic < held:
            _subtract(cost, row, 1)
    _iterate(rows, basis, cost, allowed=repairs, held=held)
    if cost.get(RHS, 0) != 0:
        return None
    cost = {}
    for name, coefficient in objective.items():
        if name in up:
            cost[up[name]], cost[up[name] + 1] = coefficient, -coefficient
    for row, basic in zip(rows, basis, strict=True):
        if factor := cost.get(basic, 0):
            _subtract(cost, row, factor)
    if _iterate(rows, basis, cost, allowed=repairs, held=repairs) == UNBOUNDED:
        return UNBOUNDED
    values = {basic: row.get(RHS, 0) for row, basic in zip(rows, basis, strict=True)}
    point = {n: start[n] + values.get(up[n], 0) - values.get(up[n] + 1, 0) for n in names}
    point |= {n: 0 for n in objective if n not in up}
    return sum(a * point[n] for n, a in objective.items()), point


def _at(
    start: Mapping[str, int], constraints: Sequence[Constraint], up: Mapping[str, int]
) -> tuple[Rows, list[int], int, int]:
    """A basis at ``start``. Each unknown is its start value plus ``up`` less ``down``, and
    ``down`` is at most the start value (a row of its own, its slack basic). An inequality
    the start satisfies has its slack basic, at its room; an equation it satisfies, an
    artificial unknown held at 0 (columns from ``held`` on). A constraint it breaks has an
    artificial unknown at the amount it is broken by (columns ``repairs`` to ``held``), for
    a first phase to bring to 0. (Starting instead from the basis an earlier objective
    reached is slower: its rows have filled in.)"""
    width = 2 * len(up)
    rows: Rows = []
    basis: list[int] = []
    broken: Rows = []
    equations: Rows = []
    for constraint in constraints:
        row: dict[int, Number] = {}
        for name, a in constraint.terms:
            row[up[name]] = row.get(up[name], 0) + a
            row[up[name] + 1] = row.get(up[name] + 1, 0) - a
        room = constraint.rhs - sum(a * start[name] for name, a in constraint.terms)
        if constraint.sense == GE:
            row, room = {k: -v for k, v in row.items()}, -room
        if constraint.sense != EQ:
            row[width] = 1
            width += 1
        row = {k: v for k, v in row.items() if v}
        if room < 0:
            row, room = {k: -v for k, v in row.items()}, -room
        row[RHS] = room
        if constraint.sense != EQ and row[width - 1] == 1:  # its slack, at its room
            rows.append(row)
            basis.append(width - 1)
        else:
            (equations if room == 0 and constraint.sense == EQ else broken).append(row)
    for name, column in up.items():
        rows.append({column + 1: 1, width: 1, RHS: start[name]})
        basis.append(width)
        width += 1
    repairs = width
    for row in (*broken, *equations):
        row[width] = 1
        rows.append(row)
        basis.append(width)
        width += 1
    return rows, basis, repairs, repairs + len(broken)


def _iterate(
    rows: list[dict[int, Number]],
    basis: list[int],
    cost: dict[int, Number],
    *,
    allowed: int,
    held: int | None = None,
) -> str | None:
    """Pivot until no reduced cost is negative: the most negative column in (Dantzig), or,
    after a run of pivots that gain nothing, the lowest (Bland), which cannot cycle; out
    goes the row of the least ratio, the lowest basic column among equals. Columns from
    ``held`` on are fixed at 0: they never come in, and stop any column that would move
    them."""
    stalled = 0
    while True:
        negative = [(v, k) for k, v in cost.items() if 0 <= k < allowed and v < 0]
        if not negative:
            return None
        entering = min(negative)[1] if stalled < STALL else min(k for _, k in negative)
        best: tuple[Number, int, int] | None = None
        for i, row in enumerate(rows):
            a = row.get(entering, 0)
            if held is not None and basis[i] >= held and a:
                ratio: Number = 0
            elif a > 0:
                ratio = _divide(row.get(RHS, 0), a)
            else:
                continue
            if best is None or (ratio, basis[i]) < best[:2]:
                best = (ratio, basis[i], i)
        if best is None:
            return UNBOUNDED
        stalled = stalled + 1 if best[0] == 0 else 0
        _pivot(rows, basis, cost, best[2], entering)


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
