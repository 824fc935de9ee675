"""``manage.py seed_demo``: the demo partnership, its people and about 300 escalations, built
through the services under a moved clock (see ``escalations.demo``). Running it again changes
nothing."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from escalations.demo import DEFAULT_COUNT, PARTNERSHIP_NAME, build_demo


class Command(BaseCommand):
    help = (
        "Build the invented Northshire partnership with its people and escalations over the "
        "last two reporting years and this one; does nothing if it is already there."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--count", type=int, default=DEFAULT_COUNT, help="how many escalations to make"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        summary = build_demo(count=options["count"])
        if summary is None:
            self.stdout.write(f"The demo data is already there ({PARTNERSHIP_NAME}): no change.")
            return
        for line in summary.lines():
            self.stdout.write(line)
        self.stdout.write(f"Built in {time.monotonic() - started:.1f} seconds.")
