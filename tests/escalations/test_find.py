"""Find (issue 14, item 1): any escalation the reader may see, closed ones included, by
reference, case number, agency, category, status and dates; never one they may not see."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from escalations import services
from escalations.selectors import escalation_search, escalation_visible_to
from tests.factories import raise_one

FIND = "/find/"


def found(client, **query) -> list[str]:
    response = client.get(FIND, query)
    assert response.status_code == 200
    return [e.reference for e in response.context["page"].object_list]


def test_a_practitioner_finds_last_years_closed_escalation_by_its_case_number(client, world):
    with time_machine.travel(dt.datetime(2025, 3, 12, 10, tzinfo=dt.UTC), tick=False):
        old = raise_one(world, child_reference="POL-2025-118")
        services.escalation_withdraw(
            escalation=old, by=world.police.practitioner, reason="Agreed by phone."
        )
    with time_machine.travel(dt.datetime(2026, 12, 2, 10, tzinfo=dt.UTC), tick=False):
        raise_one(world, child_reference="POL-2026-7")
        client.force_login(world.police.practitioner)
        assert found(client, q="pol-2025-118") == [old.reference]
        assert found(client, mine="raised", state="closed") == [old.reference]
        assert old.reference in found(client, raised_from_day="1", raised_from_month="3",
                                      raised_from_year="2025", raised_to_day="31",
                                      raised_to_month="3", raised_to_year="2025")  # fmt: skip


PEOPLE = [
    "police.practitioner", "police.manager", "police.senior_manager", "police.colleague",
    "csc.practitioner", "csc.manager", "csc.colleague", "outsider", "lead", "scrutineer",
]  # fmt: skip


def someone(world, who: str):
    where, _, role = who.partition(".")
    return getattr(getattr(world, where), role) if role else getattr(world, where)


@pytest.mark.parametrize("who", PEOPLE)
def test_no_search_returns_an_escalation_the_reader_may_not_see(client, world, clock, who):
    mine = raise_one(world)
    theirs = raise_one(world, raised_by=world.outsider, receiving_agency=world.police.agency)
    user = someone(world, who)
    visible = set(escalation_visible_to(user).values_list("reference", flat=True))
    client.force_login(user)
    queries = [
        {"state": "open"},
        {"q": mine.reference},
        {"q": theirs.reference},
        {"q": "POL-123456"},
        {"agency": world.police.agency.pk},
        {"status": "stage_1"},
    ]
    for query in queries:
        shown = set(found(client, **query))
        assert shown <= visible, query
    assert set(found(client, state="open")) == visible
    assert set(escalation_search(user=user, filters={})) == set(escalation_visible_to(user))


def test_analysts_find_nothing_they_see_figures_only(client, world):
    client.force_login(world.analyst)
    assert client.get(FIND).status_code == 403


def test_a_search_that_cannot_be_read_says_why(client, world):
    client.force_login(world.police.practitioner)
    response = client.get(FIND, {"raised_from_day": "31", "raised_from_month": "2",
                                 "raised_from_year": "2026"})  # fmt: skip
    assert "must be a real date" in response.content.decode()
