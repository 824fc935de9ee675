"""``ranges``: the least and greatest whole value a hidden count can take under what a reader
knows is exactly what trying every filling finds, with a point that attains it."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from escalations.reports.ranges import EQ, GE, LE, Constraint, optimum

BOX = 7  # every unknown at most this, so that trying every filling ends


@st.composite
def systems(draw: st.DrawFn) -> tuple[list[Constraint], dict[str, int]]:
    """A few unknowns, their true values, and constraints the true values satisfy: sums and
    inequalities with small coefficients (2 and 3 too, which make fractional optima)."""
    names = [f"x{i}" for i in range(draw(st.integers(1, 4)))]
    truth = {name: draw(st.integers(0, 4)) for name in names}
    constraints = [Constraint(((name, 1),), LE, BOX) for name in names]
    for _ in range(draw(st.integers(1, 4))):
        chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=4, unique=True))
        terms = tuple((name, draw(st.sampled_from((-2, -1, 1, 2, 3)))) for name in chosen)
        sense = draw(st.sampled_from((EQ, LE, GE)))
        value = sum(a * truth[name] for name, a in terms)
        slack = 0 if sense == EQ else draw(st.integers(0, 2))
        rhs = value + slack if sense == LE else value - slack
        constraints.append(Constraint(terms, sense, rhs))
    return constraints, truth


def every_filling(constraints: list[Constraint], names: list[str]) -> list[dict[str, int]]:
    fillings = (dict(zip(names, values, strict=True)) for values in _grid(len(names)))
    return [filling for filling in fillings if all(c.holds(filling) for c in constraints)]


def _grid(width: int) -> itertools.product[tuple[int, ...]]:
    return itertools.product(range(BOX + 1), repeat=width)


@settings(max_examples=150, deadline=None)
@given(system=systems())
def test_the_least_and_greatest_values_are_exactly_those_of_every_filling(system):
    constraints, truth = system
    fillings = every_filling(constraints, sorted(truth))
    for name in truth:
        for largest, expected in (
            (False, min(f[name] for f in fillings)),
            (True, max(f[name] for f in fillings)),
        ):
            found = optimum(constraints, name, largest=largest, start=truth)
            assert (found.value, found.exact) == (expected, True)
            assert found.point is not None
            assert found.point[name] == expected
            assert all(c.holds(found.point) for c in constraints)


def test_a_count_tied_to_nothing_has_no_greatest_value():
    found = optimum([], "x", largest=True, start={"x": 3})
    assert found.value is None
    assert optimum([], "x", largest=False, start={"x": 3}).value == 0


def test_whole_numbers_only_where_the_linear_optimum_is_a_fraction():
    # 2x = y + z, y + z <= 5: x could reach 2.5 in fractions, but only 2 in whole numbers
    constraints = [
        Constraint((("x", 2), ("y", -1), ("z", -1))),
        Constraint((("y", 1), ("z", 1)), LE, 5),
    ]
    found = optimum(constraints, "x", largest=True, start={"x": 1, "y": 1, "z": 1})
    assert found.value == 2
    assert found.point is not None
    assert all(c.holds(found.point) for c in constraints)
