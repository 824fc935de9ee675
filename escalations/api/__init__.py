"""The REST API for agency case systems, under ``/api/v1/`` (docs/adr/0011-api.md).

One more door that asks the same rulebook: a call acts as the person whose token it carries,
through the same services and selectors as the pages, and a refusal is the rulebook's own,
as ``application/problem+json``.
"""
