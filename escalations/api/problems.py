"""Refusals as ``application/problem+json`` (RFC 9457), carrying the rulebook's reason:
forbidden 403, moved on or closed 409, invalid 400 naming the field, not visible 404 (never
403: to an outsider the escalation does not exist), throttled 429, no usable token 401."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from workflows.refusals import Refused

PROBLEM = "application/problem+json"
TITLES = {
    400: "The request is not valid",
    401: "A usable API token is needed",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "The escalation is not in a state for this",
    415: "Send JSON",
    429: "Too many requests",
}
KIND_STATUS = {"forbidden": 403, "conflict": 409, "invalid": 400}


class RefusedByTheRulebook(exceptions.APIException):
    def __init__(self, refusal: Refused) -> None:
        self.status_code = KIND_STATUS.get(refusal.kind, status.HTTP_400_BAD_REQUEST)
        self.field = getattr(refusal, "field", None)
        self.kind = refusal.kind
        super().__init__(detail=refusal.message)


def problem_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Refused):
        exc = RefusedByTheRulebook(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None  # a server error: Django's own handling, logged
    code = response.status_code
    body: dict[str, Any] = {
        "type": f"urn:resolve:problem:{getattr(exc, 'kind', None) or code}",
        "title": TITLES.get(code, "The request cannot be done"),
        "status": code,
        "detail": _detail(response.data),
    }
    request = context.get("request")
    if request is not None:
        body["instance"] = request.path
    if isinstance(exc, RefusedByTheRulebook) and exc.field:
        body["field"] = exc.field
    if isinstance(exc, exceptions.ValidationError):
        body["detail"] = "Check the fields named in errors."
        body["errors"] = response.data
    response.data = body
    response.content_type = PROBLEM
    return response


def _detail(data: Any) -> str:
    if isinstance(data, dict) and "detail" in data:
        return str(data["detail"])
    return str(data)


class ProblemSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """An RFC 9457 problem: ``field`` names the input a 400 is about."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    instance = serializers.CharField(required=False)
    field = serializers.CharField(required=False)
    errors = serializers.DictField(required=False)


DECLARED = {
    "400": "Missing or wrong input; `field` or `errors` names it.",
    "401": "No usable API token.",
    "403": "The rulebook does not let this person do it; `detail` says who may.",
    "404": "No such escalation, or not one this person may see.",
    "409": "The escalation has moved on or closed, or is not in a state for this.",
    "429": "Too many calls with this token; wait for Retry-After seconds.",
}


class ProblemAutoSchema(AutoSchema):  # type: ignore[misc]
    """Every operation declares the problems it may answer with."""

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, description in DECLARED.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ProblemSerializer, description=description),
                    code,
                    [PROBLEM],
                    direction,
                )
        return responses
