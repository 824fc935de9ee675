"""API tokens from the host: ``api_token create USERNAME --name NAME [--days N]`` prints the
new token alone on its last line (for a script to read); ``list`` and ``revoke PREFIX``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from escalations.api_tokens import DEFAULT_DAYS, api_token_create, api_token_revoke
from escalations.models import ApiToken, User
from workflows.refusals import Refused


class Command(BaseCommand):
    help = "Make, list or revoke a person's API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Make a token; it is shown once.")
        create.add_argument("username")
        create.add_argument("--name", required=True, help="Which case system uses it.")
        create.add_argument("--days", type=int, default=DEFAULT_DAYS)
        listing = actions.add_parser("list", help="Tokens, by person (all when none given).")
        listing.add_argument("username", nargs="?")
        revoke = actions.add_parser("revoke", help="Stop a token at once.")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(**options)

    def _create(self, *, username: str, name: str, days: int, **_: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is nobody called {username!r}.")
        try:
            made, token = api_token_create(by=None, user=user, name=name, days=days)
        except Refused as refusal:
            raise CommandError(refusal.message) from refusal
        self.stderr.write(
            f"A token for {user} ({made.name}), until {made.expires_at:%-d %B %Y}. "
            "It is shown once, on the next line: keep it secret."
        )
        self.stdout.write(token)

    def _list(self, *, username: str | None, **_: Any) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "-created_at")
        if username:
            tokens = tokens.filter(user__username=username)
        for token in tokens:
            state = "revoked" if token.revoked_at else f"until {token.expires_at:%Y-%m-%d}"
            self.stdout.write(f"{token.prefix}  {token.user.username}  {token.name}  {state}")

    def _revoke(self, *, prefix: str, **_: Any) -> None:
        token = ApiToken.objects.filter(prefix=prefix).first()
        if token is None:
            raise CommandError(f"No token starts {prefix!r}.")
        try:
            api_token_revoke(by=None, token=token)
        except Refused as refusal:
            raise CommandError(refusal.message) from refusal
        self.stdout.write(f"Revoked {token}.")
