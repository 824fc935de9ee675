"""Calling the API as a case system would: a person's own token, JSON in and out."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient

from escalations.api_tokens import api_token_create
from escalations.models import User


def client_for(user: User, *, days: int = 90) -> APIClient:
    """An API client carrying a new token of ``user``'s, as their case system would."""
    _, token = api_token_create(by=user, user=user, name="Mosaic", days=days)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def post(client: APIClient, path: str, data: dict[str, Any] | None = None, **headers: Any) -> Any:
    return client.post(path, data or {}, format="json", headers=headers)
