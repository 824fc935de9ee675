"""List the timer handlers that failed, and re-run one."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from workflows.failures import failed_tasks, rerun


class Command(BaseCommand):
    help = "List failed timer handlers (scrubbed of case text); --rerun TASK runs one again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rerun", type=int, metavar="TASK", help="task id to run again")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rerun"]:
            task = failed_tasks().filter(pk=options["rerun"]).first()
            if task is None:
                raise CommandError(f"Task {options['rerun']} is not a failed timer handler.")
            revived = rerun(task)
            self.stdout.write(f"Task {task.pk} re-run as task {revived.pk}: {revived.status}")
            return
        rows = list(failed_tasks())
        if not rows:
            self.stdout.write("No failed timer handlers.")
        for task in rows:
            failure = task.data.get("_exception", {})
            self.stdout.write(
                f"task {task.pk}  {task.flow_task}  process {task.process_id}  "
                f"failed {task.finished:%Y-%m-%d %H:%M}  {failure.get('kind', 'Error')}"
            )
