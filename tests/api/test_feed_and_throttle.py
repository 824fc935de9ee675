"""The pull feed of events (issue 10), and the throttle per token."""

from __future__ import annotations

import datetime as dt

from escalations import services
from escalations.api.throttling import TokenRateThrottle
from tests.api.conftest import client_for
from tests.factories import raise_one

FEED = "/api/v1/events/"


def test_the_feed_tells_what_happened_in_order_without_case_text(world, clock):
    escalation = raise_one(world, reasons="A baby in the home, third incident this month.")
    services.escalation_acknowledge(escalation=escalation, by=world.csc.practitioner)
    services.escalation_escalate(
        escalation=escalation, by=world.police.practitioner, reason="No agreement."
    )
    page = client_for(world.police.practitioner).get(FEED).json()
    assert [(e["reference"], e["stage"], e["kind"]) for e in page["events"]] == [
        (escalation.reference, 1, "raised"),
        (escalation.reference, 1, "acknowledged"),
        (escalation.reference, 2, "escalated"),
    ]
    assert "baby" not in str(page)


def test_the_feed_goes_on_after_the_last_event_read(world, clock):
    escalation = raise_one(world)
    client = client_for(world.lead)
    first = client.get(FEED, {"limit": 1}).json()
    assert first["next"]
    services.escalation_escalate(
        escalation=escalation, by=world.police.practitioner, reason="No agreement."
    )
    after = first["events"][-1]["id"]
    later = client.get(FEED, {"after": after}).json()
    assert [e["kind"] for e in later["events"]] == ["escalated"]
    assert later["next"] is None


def test_an_outsiders_feed_never_mentions_an_escalation_they_cannot_see(world, clock):
    hidden = raise_one(world)
    services.escalation_add_note(escalation=hidden, author=world.lead, text="Chased by phone.")
    theirs = raise_one(world, raised_by=world.outsider, receiving_agency=world.police.agency)
    for who in (world.outsider, world.csc.colleague, world.analyst):
        events = client_for(who).get(FEED).json()["events"]
        assert hidden.reference not in {e["reference"] for e in events}
    assert {e["reference"] for e in client_for(world.outsider).get(FEED).json()["events"]} == {
        theirs.reference
    }


def test_calls_past_the_limit_are_throttled_per_token(world, clock, monkeypatch):
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "3/min"})
    busy, other = client_for(world.lead), client_for(world.lead)
    codes = [busy.get("/api/v1/me/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = busy.get("/api/v1/me/")
    assert refused["Content-Type"] == "application/problem+json"
    assert int(refused["Retry-After"]) <= 60
    assert other.get("/api/v1/me/").status_code == 200  # another token counts on its own
    clock.shift(dt.timedelta(minutes=1, seconds=1))
    assert busy.get("/api/v1/me/").status_code == 200
