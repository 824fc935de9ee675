"""The scenario year is lived through the services once per test module: its figures are
frozen objects, so they outlive the transaction that is rolled back under them."""

from __future__ import annotations

from pathlib import Path

import pytest
import time_machine
from django.db import transaction

from escalations.reports.compute import compute_figures
from escalations.reports.figures import ReportFigures
from escalations.reports.period import Period
from tests.conftest import A_WEDNESDAY_MORNING
from tests.factories import make_world

from .scenario import TAKEN_AT, build_year

HERE = str(Path(__file__).parent)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """pytest-django sets up the test database only when a collected test asks for it: a test
    that needs only ``figures`` must say so, or run on its own it would meet the developer's
    database instead."""
    for item in items:
        if "figures" in getattr(item, "fixturenames", ()) and str(item.path).startswith(HERE):
            item.add_marker(pytest.mark.django_db)


@pytest.fixture(scope="module")
def figures(django_db_setup, django_db_blocker) -> ReportFigures:
    """Reporting year 2026 of the scenario, as at 4 May 2027."""
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        time_machine.travel(A_WEDNESDAY_MORNING, tick=False) as clock,
    ):
        year = build_year(make_world(), clock)
        result = compute_figures(
            partnership=year.world.partnership,
            period=Period.reporting_year(2026),
            taken_at=TAKEN_AT,
        )
        transaction.set_rollback(True)
    return result
