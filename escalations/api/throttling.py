"""A limit per token, counted in the cache every web worker shares (settings.CACHES)."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle


class TokenRateThrottle(SimpleRateThrottle):
    """``RESOLVE_API_RATE`` calls (default 120 a minute) per token; a case system stuck in a
    loop slows itself down, not the service."""

    scope = "token"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        token = request.auth
        if token is None:
            return None  # refused before it is counted: every view needs a token
        return self.cache_format % {"scope": self.scope, "ident": token.pk}
