"""PDFs cached under what they show (issue 13, item 3). WeasyPrint is the cost of a PDF, not
the page it is made from, so the key is the thing itself: for an escalation's record, the
HTML it is printed from (which carries the escalation's latest state, the viewer's name and
the day); for a report, its figures and edition. With the release of the code beside it, an
equal key means an equal PDF, so a repeat costs no rendering and can never show another
person's name or older figures. The cache is the database cache every worker shares."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache

# a day: a key never goes stale (it is the content), this only returns the space
KEEP_FOR = 24 * 60 * 60


def _release() -> str:
    """The code and templates the PDFs are made with: ``RESOLVE_RELEASE`` where the host sets
    it (the commit deployed), otherwise a digest of the files themselves."""
    if settings.RESOLVE_RELEASE:
        return str(settings.RESOLVE_RELEASE)
    global _digest
    if _digest is None:
        files = hashlib.sha256()
        base = Path(settings.BASE_DIR)
        for folder in ("escalations", "workflows", "templates"):
            for path in sorted((base / folder).rglob("*")):
                if path.suffix in {".py", ".html", ".css", ".txt"}:
                    files.update(str(path.relative_to(base)).encode())
                    files.update(path.read_bytes())
        _digest = files.hexdigest()[:16]
    return _digest


_digest: str | None = None


def cached_pdf(kind: str, shows: str | bytes, render: Callable[[], bytes]) -> bytes:
    """The PDF of ``kind`` made from ``shows``: from the cache, or rendered and kept."""
    content = shows.encode() if isinstance(shows, str) else shows
    key = f"pdf:{kind}:{hashlib.sha256(content).hexdigest()}:{_release()}"
    pdf = cache.get(key)
    if pdf is None:
        pdf = render()
        cache.set(key, pdf, KEEP_FOR)
    return bytes(pdf)
