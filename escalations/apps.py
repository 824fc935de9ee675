from django.apps import AppConfig


class EscalationsConfig(AppConfig):
    name = "escalations"
    verbose_name = "Escalations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # the security log listens for Django's sign-in, sign-out and failed sign-in signals
        from . import lockout, security_log  # noqa: F401
