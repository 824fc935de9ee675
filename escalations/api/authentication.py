"""A person's own API token, sent as ``Authorization: Bearer rsv_…`` (the only way in)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from escalations.api_tokens import api_token_user

UNUSABLE = (
    "The token is unknown, expired or revoked, or the person it belongs to has left. Ask them "
    "to make a new one on their API tokens page."
)


class TokenAuthentication(BaseAuthentication):
    """Every call acts as the token's person, with exactly their visibility and rights."""

    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed("Send the token as: Authorization: Bearer <token>.")
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError as error:
            raise AuthenticationFailed(UNUSABLE) from error
        found = api_token_user(raw)
        if found is None:
            raise AuthenticationFailed(UNUSABLE)
        return found

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="Resolve API"'


class TokenScheme(OpenApiAuthenticationExtension):  # type: ignore[misc]
    target_class = "escalations.api.authentication.TokenAuthentication"
    name = "personalToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A person's own API token (rsv_…), made on their API tokens page.",
        }
