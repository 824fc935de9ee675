"""The laptop: SQLite, emails on the console, debug pages."""

import os

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "local-only-not-a-secret")  # noqa: S105
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)

# The demo only: this one-time code passes the second factor for any account, and only while
# DEBUG is on (allauth refuses to start with it otherwise). Never set in production.
if DEBUG:
    MFA_TOTP_INSECURE_BYPASS_CODE = os.environ.get("RESOLVE_DEMO_CODE", "000000")  # DEMO_CODE
