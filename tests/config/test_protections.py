"""Browser protections on every answer (issue 12, item 5 and the tester's findings): a strict
Content-Security-Policy, a Permissions-Policy, ``no-store`` for a signed-in person, a sign-in
that ends after a working day however busy, only the methods the service uses, and no server
error for a NUL in an address."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import raise_one
from workflows.sweep import sweep

SAMPLE = {"reference": None, "year": "2026", "stage": "1", "uidb64": "MQ", "token": "x-y"}


def patterns(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    """Every URL pattern of the site, as the text of its route."""
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern).lstrip("^").rstrip("$").replace("\\Z", "")
        if isinstance(entry, URLResolver):
            found += patterns(entry, route)
        elif isinstance(entry, URLPattern):
            found.append(route)
    return found


def address(route: str, reference: str) -> str:
    """A real address for a route: the escalation's reference, a year, a stage, 1 for ids."""

    def value(name: str) -> str:
        if name == "reference":
            return reference
        return SAMPLE.get(name) or ("escalations" if name == "app_label" else "1")

    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: value(m.group(1)), route)
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: value(m.group(1)), route)
    return "/" + route.replace("\\", "")


def assert_protected(response, *, signed_in: bool) -> None:
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "camera=()" in response["Permissions-Policy"]
    if signed_in:
        assert "no-store" in response.get("Cache-Control", "")


def test_every_url_pattern_answers_a_signed_in_person_with_the_protections(client, world, clock):
    escalation = raise_one(world)
    sweep()  # so that /health/ready/ answers ready (503 is how it says otherwise)
    client.force_login(world.lead)
    routes = patterns()
    assert len(routes) > 60
    for route in routes:
        url = address(route, escalation.reference)
        response = client.get(url)
        assert response.status_code < 500, url
        assert_protected(response, signed_in=True)


@pytest.mark.parametrize("url", ["/public/", "/accounts/login/", "/privacy/", "/api/v1/docs/"])
def test_pages_open_to_everyone_carry_the_policies_too(client, db, url):
    assert_protected(client.get(url), signed_in=False)


@pytest.mark.parametrize("method", ["TRACE", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT"])
@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/api/v1/me/"])
def test_methods_the_service_does_not_use_get_405(client, db, method, url):
    response = client.generic(method, url)
    assert response.status_code == 405
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "POST"}


@pytest.mark.parametrize("suffix", ["", "record.pdf", "note/"])
def test_a_nul_in_an_escalations_address_is_not_found(client, world, clock, suffix):
    escalation = raise_one(world)
    client.force_login(world.lead)
    assert client.get(f"/escalations/{escalation.reference}%00/{suffix}").status_code == 404
    assert client.get(f"/escalations/ESC%00/{suffix}").status_code == 404


def test_a_sign_in_ends_after_ten_hours_however_busy(client, world, clock):
    client.force_login(world.police.practitioner)
    for _ in range(29):  # a request every 20 minutes keeps the idle timeout away
        assert client.get("/").status_code == 200
        clock.shift(dt.timedelta(minutes=20))
    assert client.get("/").status_code == 200  # 9 hours 40 minutes in
    clock.shift(dt.timedelta(minutes=21))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/").status_code == 302  # signed out, not just redirected once


@pytest.mark.parametrize("password", ["short-pass1", "password1234", "123456789012"])
def test_a_password_needs_twelve_characters_and_not_a_common_one(world, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=world.police.practitioner)


def test_a_long_uncommon_password_is_accepted(world):
    validate_password("amber kettle lighthouse 42", user=world.police.practitioner)
