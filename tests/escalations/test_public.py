"""``/public/``: no sign-in, the latest published public quarterly snapshot of the current
year (never live figures), and the published public reports to download. Publishing from the
annual report page, and the published files' downloads."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest

from escalations.models import PublishedReport
from escalations.reports.publishing import report_publish
from tests.escalations.reports.demo_quarters import demo_second_quarter
from tests.factories import make_world, raise_one

pytestmark = pytest.mark.django_db

IN_Q1 = dt.datetime(2026, 5, 6, 10, 0, tzinfo=dt.UTC)
IN_Q2 = dt.datetime(2026, 8, 5, 10, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)
Q1 = {"period_start": dt.date(2026, 4, 1), "period_end": dt.date(2026, 6, 30)}
Q2 = {"period_start": dt.date(2026, 7, 1), "period_end": dt.date(2026, 9, 30)}


@pytest.fixture(autouse=True)
def quick_pdf(monkeypatch):
    """WeasyPrint takes seconds a PDF; the publishing tests check the real one."""
    monkeypatch.setattr(
        "escalations.reports.publishing.to_pdf",
        lambda edition: b"%PDF-stand-in " + edition.name.encode(),
    )


def raise_many(world, clock, when, count):
    clock.move_to(when)
    for n in range(count):
        raise_one(world, child_reference=f"POL-{n:06d}")
    clock.move_to(NOW)


def publish(world, period, edition="public", **extra):
    return report_publish(
        by=world.lead,
        partnership=world.partnership,
        edition=edition,
        kind="quarter",
        **period,
        **extra,
    )


def headline(content: str) -> str:
    start = content.index('<dl class="govuk-summary-list">')
    return content[start : content.index("</dl>", start)]


def test_nothing_published_yet_without_sign_in(client, world, clock):
    raise_many(world, clock, IN_Q2, 6)
    response = client.get("/public/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "No figures have been published for this year yet" in content
    assert "govuk-summary-list" not in content  # no live figures


def test_the_latest_public_quarterly_snapshot_and_never_live_figures(client, world, clock):
    raise_many(world, clock, IN_Q1, 5)
    raise_many(world, clock, IN_Q2, 6)
    publish(world, Q1)
    snapshot = publish(world, Q2, learning_themes=["Escalate in days, not weeks"])
    publish(world, Q2, edition="internal")  # the internal edition is never shown here
    content = client.get("/public/").content.decode()
    assert "1 July 2026 to 30 September 2026" in content
    assert "published on 2 December 2026" in content
    figures = headline(content)
    assert "Escalations raised" in figures
    assert ">6<" in figures.replace("\n", "").replace(" ", "")
    assert snapshot.figures["raised"] == 6
    assert "Escalate in days, not weeks" in content
    # raise more in the quarter, and a few live ones now: the page shows only what was published
    raise_many(world, clock, IN_Q2 + dt.timedelta(days=1), 4)
    raise_many(world, clock, NOW - dt.timedelta(days=1), 3)
    again = client.get("/public/").content.decode()
    assert headline(again) == figures
    assert ">10<" not in headline(again).replace("\n", "").replace(" ", "")


def test_suppressed_counts_are_described_in_words(client, world, clock):
    raise_many(world, clock, IN_Q2, 2)
    publish(world, Q2)
    content = client.get("/public/").content.decode()
    assert "Fewer than five" in headline(content)
    assert "suppressed" not in headline(content)


def test_a_hidden_count_shows_its_band_and_the_page_says_which_rule_was_used(client, world, clock):
    data = demo_second_quarter()  # the demo's July to September 2026
    PublishedReport.objects.create(
        partnership=world.partnership,
        edition="public",
        kind="quarter",
        year=2026,
        figures=data,
        pdf=b"%PDF-stand-in",
        checksum="0" * 64,
        pdf_sha256="0" * 64,
        json_sha256="0" * 64,
        published_by=world.lead,
        **Q2,
    )
    content = client.get("/public/").content.decode()
    rows = dict(re.findall(r"<dt[^>]*>\s*(.*?)\s*</dt>\s*<dd[^>]*>\s*(.*?)\s*</dd>", content, re.S))
    assert rows["Escalations raised"] == "30"
    assert rows["Resolved by the end of the quarter"] == "20 or more"
    assert rows["Resolved at stage 1, between the practitioners"] == "20"
    assert rows["Withdrawn"].startswith("Fewer than five")
    assert rows["Median working days from raising to resolution"] == "2"
    assert data["methodology"]["suppression_rule"] in " ".join(html.unescape(content).split())


def test_a_snapshot_of_an_earlier_year_is_not_this_years(client, world, clock):
    raise_many(world, clock, IN_Q2, 6)
    publish(world, Q2)
    clock.move_to(dt.datetime(2027, 5, 5, 10, 0, tzinfo=dt.UTC))  # reporting year 2027
    content = client.get("/public/").content.decode()
    assert "No figures have been published for this year yet" in content
    assert "1 July 2026 to 30 September 2026" in content  # still listed to download


def test_the_published_public_reports_are_listed_with_their_versions(client, world, clock):
    first = publish(world, Q2)
    second = publish(world, Q2)
    internal = publish(world, Q2, edition="internal")
    content = client.get("/public/").content.decode()
    assert f"/reports/published/{first.pk}.pdf" in content
    assert f"/reports/published/{second.pk}.json" in content
    assert f"/reports/published/{internal.pk}." not in content
    assert "version 2" in content


def test_public_downloads_need_no_sign_in(client, world, clock):
    raise_many(world, clock, IN_Q2, 6)
    report = publish(world, Q2)
    pdf = client.get(f"/reports/published/{report.pk}.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content == bytes(report.pdf)
    assert pdf["X-Report-Checksum"] == report.checksum
    data = client.get(f"/reports/published/{report.pk}.json")
    assert data.status_code == 200
    assert json.loads(data.content) == report.figures
    assert "public" in data["Content-Disposition"]


def test_internal_downloads_are_for_the_partnership_team_and_analysts(client, world, clock):
    report = publish(world, Q2, edition="internal")
    for fmt in ("pdf", "json"):
        url = f"/reports/published/{report.pk}.{fmt}"
        client.logout()
        assert client.get(url).status_code == 404
        client.force_login(world.police.practitioner)
        assert client.get(url).status_code == 403
        client.force_login(make_world().analyst)
        assert client.get(url).status_code == 404
        for person in (world.lead, world.scrutineer, world.analyst):
            client.force_login(person)
            assert client.get(url).status_code == 200
    assert client.get("/reports/published/999999.pdf").status_code == 404


# Publishing from the annual report page ---------------------------------------------------------

ANNUAL = "/reports/annual/2026/"
PUBLISH = "/reports/annual/2026/publish/"


def test_the_lead_sees_the_publish_form_for_ended_periods_only(client, world, clock):
    client.force_login(world.lead)
    content = client.get(ANNUAL).content.decode()
    assert 'action="/reports/annual/2026/publish/"' in content
    assert "csrfmiddlewaretoken" in content
    assert 'value="q1"' in content
    assert 'value="q2"' in content
    assert 'value="q3"' not in content
    assert 'value="year"' not in content


@pytest.mark.parametrize("role", ["scrutineer", "analyst"])
def test_others_see_the_published_list_but_no_publish_form(client, world, clock, role):
    report = publish(world, Q2)
    client.force_login(getattr(world, role))
    content = client.get(ANNUAL).content.decode()
    assert f"/reports/published/{report.pk}.pdf" in content
    assert report.pdf_sha256 in content
    assert report.json_sha256 in content
    assert 'action="/reports/annual/2026/publish/"' not in content
    assert client.post(PUBLISH, {"period": "q2", "edition": "public"}).status_code == 403
    assert PublishedReport.objects.count() == 1


def test_the_lead_publishes_from_the_page(client, world, clock):
    raise_many(world, clock, IN_Q2, 6)
    client.force_login(world.lead)
    response = client.post(
        PUBLISH,
        {"period": "q2", "edition": "public", "learning_themes": "Theme one\r\n\r\nTheme two\r\n"},
        follow=True,
    )
    assert response.status_code == 200
    report = PublishedReport.objects.get()
    assert (report.kind, report.edition, report.period_start) == (
        "quarter",
        "public",
        Q2["period_start"],
    )
    assert report.learning_themes == ["Theme one", "Theme two"]
    content = response.content.decode()
    assert "version 1" in content
    assert report.pdf_sha256 in content
    client.post(PUBLISH, {"period": "q2", "edition": "public"})
    assert PublishedReport.objects.count() == 2
    assert "Version 2" in client.get(ANNUAL).content.decode()


def test_a_period_that_has_not_ended_cannot_be_published_from_the_page(client, world, clock):
    client.force_login(world.lead)
    response = client.post(PUBLISH, {"period": "q3", "edition": "public"}, follow=True)
    assert "Choose a period that has ended" in response.content.decode()
    assert not PublishedReport.objects.exists()


def test_publishing_needs_a_post_with_a_csrf_token(world, clock):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.lead)
    assert client.post(PUBLISH, {"period": "q2", "edition": "public"}).status_code == 403
    assert client.get(PUBLISH).status_code == 405
    assert not PublishedReport.objects.exists()
