"""``/reports/annual/<year>/``: for the partnership team and analysts only, any period, both
editions, and downloads."""

from __future__ import annotations

import datetime as dt
import json
import re
from html import unescape
from html.parser import HTMLParser

import pytest

from tests.api.conftest import client_for
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


def period(first: tuple[str, str, str], last: tuple[str, str, str]) -> dict[str, str]:
    """The query string of the "Choose another period" form: day, month and year of each."""
    return {
        f"{name}_{part}": typed
        for name, date in (("date_from", first), ("date_to", last))
        for part, typed in zip(("day", "month", "year"), date, strict=True)
    }


class Page(HTMLParser):
    """The inputs (by id) and the error summary's links of a report page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.inputs: dict[str, dict[str, str]] = {}
        self.links: dict[str, str] = {}
        self._in_summary, self._href = False, ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "input" and "id" in attrs:
            self.inputs[attrs["id"]] = attrs
        if "govuk-error-summary__list" in attrs.get("class", ""):
            self._in_summary = True
        if tag == "a":
            self._href = attrs.get("href", "")

    def handle_data(self, data):
        if self._in_summary and self._href and data.strip():
            self.links[data.strip()] = self._href

    def handle_endtag(self, tag):
        if tag == "a":
            self._href = ""
        if tag == "ul":
            self._in_summary = False

    def typed(self, name: str) -> tuple[str, str, str]:
        return tuple(self.inputs[f"id_{name}_{part}"]["value"] for part in ("day", "month", "year"))

    def highlighted(self) -> set[str]:
        return {
            id_.removeprefix("id_")
            for id_, attrs in self.inputs.items()
            if "govuk-input--error" in attrs.get("class", "")
        }


def test_a_period_chosen_with_day_month_and_year_is_shown(client, raised):
    client.force_login(raised.analyst)
    response = client.get(URL, period(("1", "12", "2026"), ("31", "12", "2026")))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Annual report 1 December 2026 to 31 December 2026" in content
    page = Page(content)
    assert page.typed("date_from") == ("1", "12", "2026")
    assert page.typed("date_to") == ("31", "12", "2026")
    assert page.highlighted() == set()


def test_days_and_months_can_be_typed_with_a_leading_zero_or_the_months_name(client, raised):
    client.force_login(raised.analyst)
    content = client.get(URL, period(("01", "Dec", "2026"), ("31", "december", "2026")))
    assert "1 December 2026 to 31 December 2026" in content.content.decode()


def test_both_dates_left_empty_show_the_reporting_year(client, raised):
    client.force_login(raised.analyst)
    response = client.get(URL, period(("", "", ""), ("", "", "")))
    assert response.status_code == 200
    assert "1 April 2026 to 31 March 2027" in response.content.decode()


def test_links_made_before_the_date_inputs_still_show_their_period(client, raised):
    client.force_login(raised.analyst)
    response = client.get(URL, {"from": "2026-12-01", "to": "2026-12-31"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "1 December 2026 to 31 December 2026" in content
    assert Page(content).typed("date_from") == ("1", "12", "2026")


@pytest.mark.parametrize(
    ("query", "message", "link", "highlighted"),
    [
        (
            period(("1", "", "2026"), ("31", "12", "2026")),
            "Date from must include a month",
            "date_from_month",
            {"date_from_month"},
        ),
        (
            period(("", "", "2026"), ("31", "12", "2026")),
            "Date from must include a day and month",
            "date_from_day",
            {"date_from_day", "date_from_month"},
        ),
        (
            period(("1", "12", "2026"), ("30", "2", "2027")),
            "Date to must be a real date",
            "date_to_day",
            {"date_to_day", "date_to_month", "date_to_year"},
        ),
        (
            period(("1", "12", "2026"), ("31", "13", "2026")),
            "Date to must be a real date",
            "date_to_month",
            {"date_to_month"},
        ),
        (
            period(("1", "12", "26"), ("31", "12", "2026")),
            "The year in date from must include 4 numbers",
            "date_from_year",
            {"date_from_year"},
        ),
        (
            period(("1", "12", "2026"), ("", "", "")),
            "Enter date to, or leave both dates empty for the reporting year",
            "date_to_day",
            {"date_to_day", "date_to_month", "date_to_year"},
        ),
        (
            period(("31", "12", "2026"), ("1", "12", "2026")),
            "Date to must be the same as or after date from",
            "date_to_day",
            {"date_to_day", "date_to_month", "date_to_year"},
        ),
        (
            period(("1", "1", "1999"), ("31", "12", "2026")),
            "Date from must be between 1 January 2000 and 31 December 2100",
            "date_from_day",
            {"date_from_day", "date_from_month", "date_from_year"},
        ),
        (
            {"from": "1 December", "to": "2026-12-31"},
            "Date from must be a real date",
            "date_from_day",
            {"date_from_day", "date_from_month", "date_from_year"},
        ),
    ],
)
def test_a_date_it_cannot_use_is_explained_beside_what_was_typed(
    client, raised, query, message, link, highlighted
):
    client.force_login(raised.lead)
    response = client.get(URL, query)
    assert response.status_code == 400
    content = response.content.decode()
    assert "<title>Error: " in content
    assert f'<span class="govuk-visually-hidden">Error:</span> {message}' in content
    page = Page(content)
    assert page.links == {message: f"#id_{link}"}
    assert page.highlighted() == highlighted
    for name in ("date_from", "date_to"):
        typed = tuple(query.get(f"{name}_{part}", "") for part in ("day", "month", "year"))
        if any(typed):
            assert page.typed(name) == typed


def test_an_edition_it_does_not_have_is_explained(client, raised):
    client.force_login(raised.lead)
    response = client.get(URL, {"edition": "draft"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_the_downloads_and_the_other_edition_carry_the_chosen_period(client, raised):
    client.force_login(raised.lead)
    content = client.get(URL, period(("1", "4", "2026"), ("31", "12", "2026"))).content.decode()
    links = dict(re.findall(r'<a class="govuk-link" href="(\?[^"]+)" download>(\w+)</a>', content))
    links = {label: unescape(href) for href, label in links.items()}
    assert set(links) == {"PDF", "CSV", "JSON"}
    data = json.loads(client.get(URL + links["JSON"]).content)
    assert (data["period_start"], data["period_end"]) == ("2026-04-01", "2026-12-31")
    csv = client.get(URL + links["CSV"])
    assert (
        'filename="annual-report-2026-04-01-to-2026-12-31-internal.csv"'
        in csv["Content-Disposition"]
    )
    other = unescape(re.search(r'href="(\?[^"]+)">See the public edition', content)[1])
    public = client.get(URL + other).content.decode()
    assert "Public edition" in public
    assert "1 April 2026 to 31 December 2026" in public


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


def iso(date: tuple[str, str, str]) -> str:
    day, month, year = date
    return f"{year}-{int(month):02d}-{int(day):02d}"


@pytest.mark.parametrize(
    ("first", "last", "analyst_sees"),
    [
        (("1", "12", "2026"), ("31", "12", "2026"), True),  # a calendar month
        (("15", "11", "2026"), ("14", "12", "2026"), True),  # a month from mid-month
        (("1", "12", "2026"), ("30", "12", "2026"), False),  # a day short
        (("2", "12", "2026"), ("2", "12", "2026"), False),  # one day
    ],
)
def test_analysts_get_no_figures_for_less_than_a_month_at_any_door(
    client, raised, first, last, analyst_sees
):
    query = period(first, last)
    client.force_login(raised.analyst)
    page = client.get(URL, query)
    download = client.get(URL, {**query, "format": "csv"})
    api = client_for(raised.analyst).get(
        "/api/v1/reports/annual/2026/", {"date_from": iso(first), "date_to": iso(last)}
    )
    if analyst_sees:
        assert (page.status_code, download.status_code, api.status_code) == (200, 200, 200)
    else:
        assert page.status_code == 400
        assert "at least a month" in page.content.decode()
        assert download.status_code == 400
        assert api.status_code == 403
    client.force_login(raised.lead)
    assert client.get(URL, {**query, "format": "csv"}).status_code == 200  # the team: any period


# the lead's words and the year before (issue 14, item 8) ---------------------------------------

WORDS = "/reports/annual/2026/words/"


def test_the_lead_writes_the_foreword_and_key_messages_and_the_report_opens_with_them(
    client, raised
):
    client.force_login(raised.lead)
    assert "Write the foreword and key messages" in client.get(URL).content.decode()
    form = client.get(WORDS)
    assert form.status_code == 200
    assert "No names of children, families or staff" in form.content.decode()
    response = client.post(
        WORDS,
        {"foreword": "A year of quicker settling.", "key_messages": "Stage 1 works\nKeep going"},
    )
    assert response.status_code == 302
    assert response["Location"] == URL
    internal = client.get(URL).content.decode()
    assert internal.index("A year of quicker settling.") < internal.index('id="summary"')
    assert "Keep going" in internal
    assert "not yet approved for the public edition" in internal
    # not approved: the public edition opens with its figures
    public = client.get(URL, {"edition": "public"}).content.decode()
    assert "A year of quicker settling." not in public
    client.post(WORDS, {"foreword": "A year of quicker settling.", "approved": "on"})
    public = client.get(URL, {"edition": "public"}).content.decode()
    assert "A year of quicker settling." in public
    # the box starts unticked: a change saved as it comes is not approved
    form = client.get(WORDS).content.decode()
    assert "Approved for the public edition on" in form
    assert re.search(r'<input[^>]*name="approved"[^>]*checked', form) is None
    client.post(WORDS, {"foreword": "A year of quicker settling, mostly."})
    public = client.get(URL, {"edition": "public"}).content.decode()
    assert "quicker settling" not in public


def test_words_too_long_are_explained_on_their_field(client, raised):
    client.force_login(raised.lead)
    response = client.post(WORDS, {"key_messages": "\n".join(f"Message {n}" for n in range(9))})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Give at most 8 key messages" in content
    assert 'href="#id_key_messages"' in content


@pytest.mark.parametrize("role", ["scrutineer", "analyst"])
def test_only_the_lead_writes_the_words(client, raised, role):
    client.force_login(getattr(raised, role))
    assert client.get(WORDS).status_code == 403
    assert client.post(WORDS, {"foreword": "Not mine to write."}).status_code == 403
    assert "Write the foreword" not in client.get(URL).content.decode()


def test_every_figure_of_the_page_stands_beside_the_year_before(client, raised, clock):
    clock.move_to(dt.datetime(2025, 6, 4, 10, 0, tzinfo=dt.UTC))
    raise_one(raised, child_reference="POL-222222")
    raise_one(raised, child_reference="POL-333333")
    clock.move_to(dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC))
    client.force_login(raised.lead)
    content = unescape(client.get(URL).content.decode())
    assert "1 fewer than the year before (2)" in content  # raised: 1, against 2
    assert "The year before" in content  # the tables' column
    assert "(the year before in brackets)" in content
