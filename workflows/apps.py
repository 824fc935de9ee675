from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = "Workflow engine"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import failures  # noqa: F401  connects the timer-failure scrubber
