import datetime as dt

import pytest
import time_machine

from tests.factories import World, make_world

# Wednesday 2 December 2026, 10:00 in London (GMT)
A_WEDNESDAY_MORNING = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def world(db) -> World:
    return make_world()


@pytest.fixture
def clock():
    """A clock that starts on a Wednesday morning and moves only when told."""
    with time_machine.travel(A_WEDNESDAY_MORNING, tick=False) as traveller:
        yield traveller
