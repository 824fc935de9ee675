"""The whole OpenAPI schema, tried by Schemathesis in process (issue 10): for every operation,
generated requests (a fixed seed, a bounded number) with a real token against a small
partnership with a live escalation never get a server error, nor a response that breaks the
schema (status, content type, body). The schema and its docs page are public."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from escalations.api_tokens import api_token_create
from tests.factories import raise_one

# no server error, and every response as the schema says (status, content type, headers, body);
# a request the schema allows may still be refused by the domain (an agency that does not
# exist, a name for a case number), so "schema-valid requests are accepted" is not asked
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    ignored_auth,
]


@pytest.fixture
def in_this_transaction():
    """The WSGI app serves the test in its own database transaction: keep Django from
    closing the connection after each request, as its own test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db, in_this_transaction):
    return schemathesis.openapi.from_wsgi("/api/v1/schema/", WSGIHandler())


@pytest.fixture
def lead_token(world, clock):
    escalation = raise_one(world)
    assert escalation.reference
    _, token = api_token_create(by=world.lead, user=world.lead, name="Schemathesis")
    return token


def test_no_request_gets_a_server_error_or_a_response_outside_the_schema(api_schema, lead_token):
    """Each operation in turn, with Hypothesis driving Schemathesis's strategies directly
    (its pytest plugin does not run on pytest 9)."""
    headers = {"Authorization": f"Bearer {lead_token}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 17

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=15,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def each(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        each()


def test_the_schema_is_openapi_3_1_and_public(db):
    response = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.json()["openapi"] == "3.1.0"


def test_the_docs_page_is_public_and_loads_nothing_from_elsewhere(db, client):
    page = client.get("/api/v1/docs/").content.decode()
    assert "swagger-ui" in page
    assert "https://" not in page
    assert "//cdn" not in page
