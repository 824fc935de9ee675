"""The service navigation (issue 14, item 7): short enough not to wrap "Sign out" on to its
own line for the lead, with the partnership's pages and the person's own behind two pages
that link only to what the rulebook lets the reader open."""

import pytest

pytestmark = pytest.mark.django_db


def labels(client, user) -> list[str]:
    client.force_login(user)
    return [item["label"] for item in client.get("/notifications/").context["navigation"]]


def test_the_leads_navigation_groups_the_partnerships_pages(client, world):
    assert labels(client, world.lead) == [
        "Inbox",
        "Find",
        "Dashboard",
        "Annual report",
        "Notifications",
        "Partnership",
        "Your account",
    ]


def test_a_practitioner_has_no_partnership_page(client, world):
    assert "Partnership" not in labels(client, world.police.practitioner)
    assert client.get("/partnership/").status_code == 403
    page = client.get("/account/").content.decode()
    assert 'href="/accounts/2fa/"' in page
    assert 'href="/account/api-tokens/"' in page


@pytest.mark.parametrize(
    ("who", "links"),
    [
        ("lead", ["/people/", "/security-log/", "/webhooks/"]),
        ("scrutineer", ["/security-log/"]),
    ],
)
def test_the_partnership_page_links_only_to_what_the_reader_may_open(client, world, who, links):
    user = getattr(world, who)
    client.force_login(user)
    page = client.get("/partnership/").content.decode()
    for href in ("/people/", "/security-log/", "/webhooks/"):
        assert (f'href="{href}"' in page) == (href in links), href
    for href in links:
        assert client.get(href).status_code in (200, 302)  # 302: the lead confirms first


def test_a_page_under_the_partnership_marks_it_current(client, world):
    client.force_login(world.scrutineer)
    navigation = client.get("/security-log/").context["navigation"]
    (current,) = [item["label"] for item in navigation if item["active"]]
    assert current == "Partnership"
