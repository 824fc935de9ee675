"""The local timer loop that runs beside the development server."""

import logging
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from workflows.sweep import sweep

logger = logging.getLogger("workflows.timers")


class Command(BaseCommand):
    help = "Fire due timers and send due emails; with --loop, every minute until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="keep running")
        parser.add_argument("--interval", type=float, default=60.0, help="seconds between runs")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        if options["loop"]:
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, lambda *_: stop.set())
        while True:
            close_old_connections()
            try:
                fired, sent, failed = sweep()
            except Exception:  # the loop must survive a bad sweep; the next one retries
                logger.exception("Timer sweep failed")
            else:
                if fired or sent or failed or not options["loop"]:
                    self.stdout.write(f"{fired} timer(s) fired, {sent} sent, {failed} failed")
            if not options["loop"] or stop.wait(options["interval"]):
                break
