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


@pytest.fixture(scope="session", autouse=True)
def _no_session_left_on_the_test_database(django_db_setup, django_db_blocker):
    """PostgreSQL refuses to drop a database someone is still connected to. A connection
    opened as the browser tests hand over to the next ones (Django's connections are per
    context, and Playwright's sync API runs in a context of its own) is never closed, so the
    run ended with "test_resolve_gwN is being accessed by other users": end such sessions."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
