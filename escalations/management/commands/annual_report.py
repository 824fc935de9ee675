"""``manage.py annual_report YEAR [--from DATE --to DATE] [--edition internal|public]
[--format pdf|csv|json|html] [-o FILE]``: the annual report of DESIGN.md section 6.

YEAR is the year the reporting year starts in (2025: 1 April 2025 to 31 March 2026 with the
default April start). Progress goes to stderr, so stdout can carry the report (``-o -``).
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from escalations.models import Partnership
from escalations.reports.board import for_the_board
from escalations.reports.compute import compute_figures
from escalations.reports.options import ReportError, period_for
from escalations.reports.render import FORMATS, filename, render
from escalations.reports.suppression import EDITIONS, INTERNAL, build_edition


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date: write it as YYYY-MM-DD.") from None


class Progress:
    """Numbered steps with the time each took, on stderr."""

    def __init__(self, stream: Any, steps: int, *, quiet: bool) -> None:
        self.stream, self.steps, self.quiet = stream, steps, quiet
        self.step, self.started = 0, time.monotonic()

    def __call__(self, message: str) -> None:
        self.step += 1
        if not self.quiet:
            elapsed = time.monotonic() - self.started
            self.stream.write(f"[{self.step}/{self.steps}] {message}... ({elapsed:.1f} s)")

    def done(self, message: str) -> None:
        if not self.quiet:
            self.stream.write(f"{message} ({time.monotonic() - self.started:.1f} s)")


class Command(BaseCommand):
    help = "Write the annual report of escalations for a reporting year or any period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int, help="the year the reporting year starts in")
        parser.add_argument("--from", dest="date_from", type=_date, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", type=_date, help="last day, YYYY-MM-DD")
        parser.add_argument("--edition", choices=EDITIONS, default=INTERNAL)
        parser.add_argument("--format", dest="fmt", choices=FORMATS, default="pdf")
        parser.add_argument(
            "-o", "--output", help="the file to write ('-' for stdout); default: a name in ."
        )
        parser.add_argument("--partnership", help="the partnership's name, if there are several")
        parser.add_argument(
            "--learning-themes",
            type=Path,
            help="a text file of the learning themes the partnership team chose, one a line",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        partnership = self._partnership(options["partnership"])
        try:
            period = period_for(
                partnership, options["year"], options["date_from"], options["date_to"]
            )
        except ReportError as error:
            raise CommandError(str(error)) from None
        fmt = options["fmt"]
        progress = Progress(
            self.stderr, 4 if fmt in ("pdf", "html") else 2, quiet=options["verbosity"] == 0
        )
        progress(f"Counting {partnership}'s escalations raised {period.label}")
        figures = compute_figures(
            partnership=partnership,
            period=period,
            learning_themes=self._themes(options["learning_themes"]),
        )
        progress(f"Preparing the {options['edition']} edition")
        edition = for_the_board(
            partnership, build_edition(figures, options["edition"]), with_year_before=fmt != "json"
        )
        content = render(edition, fmt, progress=progress)
        output = options["output"] or filename(edition, fmt)
        if output == "-":
            sys.stdout.buffer.write(content)
            sys.stdout.buffer.flush()
        else:
            Path(output).write_bytes(content)
        progress.done(f"Wrote {output} ({len(content):,} bytes)")

    def _partnership(self, name: str | None) -> Partnership:
        partnerships = Partnership.objects.order_by("name")
        if name:
            found = partnerships.filter(name=name).first()
            if found is None:
                raise CommandError(f"There is no partnership called {name!r}.")
            return found
        names = list(partnerships.values_list("name", flat=True)[:10])
        if len(names) != 1:
            raise CommandError(
                "Say which partnership with --partnership: "
                + (", ".join(repr(n) for n in names) or "there are none yet")
            )
        return partnerships.get()

    def _themes(self, path: Path | None) -> list[str]:
        if path is None:
            return []
        try:
            return path.read_text(encoding="utf-8").splitlines()
        except OSError as error:
            raise CommandError(f"Cannot read the learning themes: {error}") from None
