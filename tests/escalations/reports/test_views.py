"""``/reports/annual/<year>/``: for the partnership team and analysts only, any period, both
editions, and downloads."""

from __future__ import annotations

import json

import pytest

from tests.factories import make_world, raise_one

pytestmark = pytest.mark.django_db

URL = "/reports/annual/2026/"


@pytest.fixture
def raised(world, clock):
    raise_one(world)
    return world


@pytest.mark.parametrize("role", ["lead", "scrutineer", "analyst"])
def test_the_partnership_team_and_analysts_see_the_report(client, raised, role):
    client.force_login(getattr(raised, role))
    response = client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Annual report 2026 to 2027" in content
    assert "1 April 2026 to 31 March 2027" in content
    assert "Internal edition" in content
    assert "Who raised escalations, and with whom" in content


@pytest.mark.parametrize(
    "person",
    [
        lambda w: w.police.practitioner,
        lambda w: w.police.manager,
        lambda w: w.csc.senior_manager,
        lambda w: w.outsider,
    ],
)
def test_people_in_agencies_are_told_the_report_is_not_for_them(client, raised, person):
    client.force_login(person(raised))
    response = client.get(URL)
    assert response.status_code == 403
    assert "for the partnership team and analysts" in response.content.decode()


def test_nobody_signed_out_sees_it(client, raised):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_public_edition_suppresses_and_leaves_out_agency_tables(client, raised):
    client.force_login(raised.lead)
    content = client.get(URL, {"edition": "public"}).content.decode()
    assert "Public edition" in content
    assert "suppressed" in content
    assert "Who raised escalations, and with whom" not in content


def test_any_period_by_its_first_and_last_day(client, raised):
    client.force_login(raised.analyst)
    content = client.get(URL, {"from": "2026-12-01", "to": "2026-12-31"}).content.decode()
    assert "1 December 2026 to 31 December 2026" in content


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2026-12-01"}, "both the first and the last day"),
        ({"from": "2026-12-31", "to": "2026-12-01"}, "on or after the first day"),
        ({"from": "1 December", "to": "2026-12-31"}, "Enter a valid date"),
        ({"edition": "draft"}, "Select a valid choice"),
    ],
)
def test_a_period_it_cannot_report_on_is_explained(client, raised, query, message):
    client.force_login(raised.lead)
    response = client.get(URL, query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_figures_download_as_csv_and_json(client, raised):
    client.force_login(raised.lead)
    response = client.get(URL, {"format": "csv", "edition": "public"})
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="annual-report-2026-public.csv"' in response["Content-Disposition"]
    data = json.loads(client.get(URL, {"format": "json"}).content)
    assert (data["edition"], data["raised"]) == ("internal", 1)


def test_the_pdf_downloads(client, raised):
    client.force_login(raised.scrutineer)
    response = client.get(URL, {"format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_each_partnership_sees_only_its_own_figures(client, raised):
    other = make_world()
    client.force_login(other.lead)
    data = json.loads(client.get(URL, {"format": "json"}).content)
    assert data["raised"] == 0
