"""Fire the due timers once. Replaces viewflow's command of the same name, which also scans
every open task for conditions and start timers this flow does not use: ours costs what is
due, not what exists."""

from typing import Any

from django.core.management.base import BaseCommand

from workflows.sweep import sweep


class Command(BaseCommand):
    help = "Fire the escalation timers that are due, then deliver due notifications."

    def handle(self, *args: Any, **options: Any) -> None:
        fired, sent, failed = sweep()
        self.stdout.write(f"{fired} timer(s) fired, {sent} email(s) sent, {failed} failed")
