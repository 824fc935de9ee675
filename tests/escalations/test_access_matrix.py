"""Every page against every kind of person (DESIGN.md section 5, issue 3): allowed, 404 for
an escalation outside their reach, 403 for a page their role does not use, or a redirect to
sign-in. Analysts see figures, never case content."""

import pytest

from tests.factories import raise_one

pytestmark = pytest.mark.django_db

PEOPLE = [
    "anonymous",
    "raiser",
    "raising colleague",
    "raising manager",
    "receiving holder",
    "receiving colleague",
    "receiving senior manager",
    "outsider",
    "lead",
    "scrutineer",
    "analyst",
]

SEES_THE_ESCALATION = {
    "raiser",
    "raising manager",
    "receiving holder",
    "receiving senior manager",
    "lead",
    "scrutineer",
}
AGENCY_STAFF = {
    "raiser",
    "raising colleague",
    "raising manager",
    "receiving holder",
    "receiving colleague",
    "receiving senior manager",
    "outsider",
}
RAISERS = AGENCY_STAFF - {"receiving senior manager"}  # practitioners and managers
TEAM = {"lead", "scrutineer"}


def person(world, who):
    return {
        "anonymous": None,
        "raiser": world.police.practitioner,
        "raising colleague": world.police.colleague,
        "raising manager": world.police.manager,
        "receiving holder": world.csc.practitioner,
        "receiving colleague": world.csc.colleague,
        "receiving senior manager": world.csc.senior_manager,
        "outsider": world.outsider,
        "lead": world.lead,
        "scrutineer": world.scrutineer,
        "analyst": world.analyst,
    }[who]


def expected(url_kind: str, who: str) -> int:
    if who == "anonymous":
        if url_kind in ("public", "accessibility", "privacy", "login", "api_docs", "api_schema"):
            return 200
        return 302
    if url_kind in ("public", "accessibility", "privacy"):
        return 200
    if url_kind == "login":
        return 302  # already signed in
    if url_kind == "escalation":
        return 200 if who in SEES_THE_ESCALATION else 404
    if url_kind == "inbox":
        return 302 if who == "analyst" else 200  # analysts go to their figures
    if url_kind == "raise":
        return 200 if who in RAISERS else 403
    if url_kind in ("dashboard", "report"):
        return 200 if who in TEAM | {"analyst"} else 403
    if url_kind == "find":
        return 403 if who == "analyst" else 200
    if url_kind == "security_log":
        return 200 if who in TEAM else 403
    if url_kind in ("people", "webhooks"):
        return 200 if who == "lead" else 403
    if url_kind in ("notifications", "api_tokens"):
        return 200
    if url_kind in ("api_docs", "api_schema"):
        return 200  # they describe the API and hold no data
    raise AssertionError(url_kind)


URLS = {
    "inbox": "/",
    "raise": "/escalations/new/",
    "escalation": "/escalations/{ref}/",
    "record": "/escalations/{ref}/record.pdf",
    "note": "/escalations/{ref}/note/",
    "dashboard": "/dashboard/",
    "notifications": "/notifications/",
    "api_tokens": "/account/api-tokens/",
    "webhooks": "/webhooks/",
    "security_log": "/security-log/",
    "find": "/find/?state=open",
    "api_docs": "/api/v1/docs/",
    "api_schema": "/api/v1/schema/",
    "people": "/people/",
    "report": "/reports/annual/2026/",
    "public": "/public/",
    "accessibility": "/accessibility/",
    "privacy": "/privacy/",
    "login": "/accounts/login/",
}
KIND = {"record": "escalation", "note": "escalation"}


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("page", list(URLS))
def test_every_page_answers_each_person_as_section_5_says(client, world, clock, page, who):
    escalation = raise_one(world)
    user = person(world, who)
    if user is not None:
        client.force_login(user)
    response = client.get(URLS[page].format(ref=escalation.reference))
    want = expected(KIND.get(page, page), who)
    assert response.status_code == want, f"{page} for {who}"
    if want == 302 and who == "anonymous":
        assert response["Location"].startswith("/accounts/login/?next=")


def test_a_reference_of_another_partnership_is_not_found_even_for_its_lead(client, clock):
    from tests.factories import make_world

    ours, theirs = make_world(), make_world()
    escalation = raise_one(ours)
    client.force_login(theirs.lead)
    assert client.get(f"/escalations/{escalation.reference}/").status_code == 404
    assert client.get("/escalations/ESC-2026-9999/").status_code == 404
