"""Settings shared by every environment; everything that differs comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")
SITE_URL = os.environ.get("RESOLVE_SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # ours first, so that our workflow_timers command replaces viewflow's
    "workflows",
    "escalations",
    "viewflow.workflow",
]

MIDDLEWARE = [
    "escalations.logs.RequestId",
    "django.middleware.security.SecurityMiddleware",
    "escalations.security_log.RequestAddress",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # every page needs a sign-in unless its view says otherwise (@login_not_required)
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "escalations.middleware.SessionLifetime",
    # allauth's sign-in stages, then: a sign-in without a second factor sets one up first
    "allauth.account.middleware.AccountMiddleware",
    "escalations.second_factor.SetUpFirst",
    "escalations.middleware.Hardening",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # too many wrong passwords (escalations/lockout.py); last, as django-axes asks
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# one account from one address: 5 wrong passwords, then an hour's wait (or the lead unlocks)
AXES_FAILURE_LIMIT = int(os.environ.get("RESOLVE_SIGN_IN_FAILURES", "5"))
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_DISABLE_ACCESS_LOG = True  # sign-ins are in Resolve's own security log
AXES_ENABLE_ADMIN = False  # the lead unlocks from the person's page
AXES_VERBOSE = False
# allauth's sign-in form calls the account box "login"; it authenticates with "username"
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "escalations.lockout.username_tried"

# Sign-in through django-allauth (ADR 14): by invitation only (no sign-up, no email change, no
# connected accounts), a password, then a one-time code; single sign-on will join it here.
ACCOUNT_ADAPTER = "escalations.second_factor.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False  # a sign-in ends with the browser (SESSION_EXPIRE_AT_...)
ACCOUNT_EMAIL_NOTIFICATIONS = False  # Resolve's own emails tell people (escalations.second_factor)
# wrong one-time codes: 5 for one account in 5 minutes, then "too many" for a while, and 20
# in a day; no more than 10 a minute from one address (wrong passwords are django-axes' job).
# At the fifth in a row the account's owner is emailed (escalations.second_factor).
RESOLVE_CODE_FAILURES = int(os.environ.get("RESOLVE_CODE_FAILURES", "5"))
ACCOUNT_RATE_LIMITS = {"login_failed": f"10/m/ip,{RESOLVE_CODE_FAILURES}/300s/key,20/d/key"}
ACCOUNT_REAUTHENTICATION_TIMEOUT = 5 * 60
MFA_ADAPTER = "escalations.second_factor.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Resolve"
MFA_TOTP_TOLERANCE = 1  # the code before and after too: a phone's clock may be 30 s out
MFA_RECOVERY_CODE_COUNT = 10
MFA_FORMS = {
    "authenticate": "escalations.forms.second_factor.AuthenticateForm",
    "activate_totp": "escalations.forms.second_factor.ActivateTOTPForm",
}
# the key that encrypts one-time-password secrets at rest; SECRET_KEY unless set
RESOLVE_MFA_KEY = os.environ.get("RESOLVE_MFA_KEY", "")
# the lead re-enters their password and code before changing a person's role, agency or
# activation, or resetting their second factor; it counts for this many minutes
RESOLVE_CONFIRM_MINUTES = int(os.environ.get("RESOLVE_CONFIRM_MINUTES", "10"))

# viewflow would otherwise append middleware of its own that we do not use
VIEWFLOW = {"AUTOREGISTER": False}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "escalations.navigation.navigation",
            ],
        },
    },
]


def database_from_env(default_url: str) -> dict[str, Any]:
    """PostgreSQL through DATABASE_URL; SQLite otherwise, tuned so the web app and the
    timer loop can write at once (immediate transactions take the write lock up front,
    WAL lets readers carry on)."""
    config: dict[str, Any] = dict(
        dj_database_url.parse(os.environ.get("DATABASE_URL", default_url))
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
    else:
        config["CONN_MAX_AGE"] = int(os.environ.get("DATABASE_CONN_MAX_AGE", "60"))
        config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASES = {"default": database_from_env(f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "escalations.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "escalations.passwords.TellTheOwner"},
]
# A strict Content-Security-Policy (django-csp 4): scripts, styles, fonts and frames only from
# the service itself, no inline script or style; charts are images (data: URIs), as in the PDF
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# no page needs a camera, a microphone, a location or any other powerful feature
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "display-capture",
        "fullscreen",
        "serial",
        "bluetooth",
    )
}

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"
# a session ends after 30 minutes without a request, and with the browser
SESSION_COOKIE_AGE = int(os.environ.get("RESOLVE_SESSION_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# and however busy, a sign-in ends after this many hours (escalations.middleware)
RESOLVE_SESSION_MAX_HOURS = float(os.environ.get("RESOLVE_SESSION_MAX_HOURS", "10"))
# a forgotten-password link lasts 2 hours, deliberately short
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2
# an invitation link (to set a first password) lasts 7 days and works once; it has a token of
# its own (escalations/tokens.py), so neither kind of link is accepted in place of the other
INVITATION_TIMEOUT = 60 * 60 * 24 * 7

# the release of the code (e.g. the commit deployed): part of every cached PDF's key. When
# unset, a digest of the code and templates (escalations/pdf_cache.py)
RESOLVE_RELEASE = os.environ.get("RESOLVE_RELEASE", "")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]  # GOV.UK Frontend, built by scripts/build-assets.sh
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
# plain http webhooks to 127.0.0.1 (the test suite's own receiver); never on in production
RESOLVE_WEBHOOKS_ALLOW_LOOPBACK_HTTP = False

# seconds a mail server may take over one message: well inside a sweep's time (Celery kills a
# sweep at 50 s), so a slow server costs one message, not the sweep
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Resolve <resolve@localhost>")

# Timers and email: `manage.py run_timers --loop` by default. Larger deployments run the same
# sweep on Celery (config/celery.py, docs/adr/0009-celery.md) with a Redis broker, e.g.
# redis://host:6379/0; nothing connects to it unless a Celery worker or beat is started.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
# a sweep is acknowledged when it has run, not when taken, and a worker takes one at a time;
# sweeps are idempotent and safe side by side (workflows/locks.py), so a repeat does no harm
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# a stuck sweep is killed (its open transaction rolls back) before the next is due, so sweeps don't
# pile up. No soft limit: its exception, raised inside a timer handler, would be recorded as
# that handler failing (workflows/failures.py) and alert the partnership lead for nothing.
CELERY_TASK_TIME_LIMIT = 50
# /health/ready/ fails when no timer sweep has finished for this long (every minute, normally)
RESOLVE_SWEEP_STALE_MINUTES = int(os.environ.get("RESOLVE_SWEEP_STALE_MINUTES", "5"))
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # LOGGING below applies to the workers too
# no result backend: nobody waits for a sweep; the worker logs what each one did. Every minute
# (RESOLVE_SWEEP_SECONDS: benches/chaos.py sweeps every few seconds to see more of them fail)
RESOLVE_SWEEP_SECONDS = int(os.environ.get("RESOLVE_SWEEP_SECONDS", "60"))
CELERY_BEAT_SCHEDULE = {
    "sweep-timers": {
        "task": "workflows.tasks.sweep_timers",
        "schedule": timedelta(seconds=RESOLVE_SWEEP_SECONDS),
        # ticks queued while no worker ran are dropped, not run one after another: the next
        # sweep catches up with everything that is due
        "options": {"expires": max(1, RESOLVE_SWEEP_SECONDS * 5 // 6)},
    },
}

# One cache every web worker shares: the database's own table (made by migration 0008), so it
# works on SQLite and PostgreSQL alike. The API's per-token throttle counts in it.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "resolve_cache",
    }
}

# The API (escalations/api, docs/adr/0011-api.md): a person's own token only, every view
# needs it, refusals as application/problem+json, a throttle per token.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["escalations.api.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["escalations.api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": os.environ.get("RESOLVE_API_RATE", "120/min")},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "escalations.api.problems.ProblemAutoSchema",
    "EXCEPTION_HANDLER": "escalations.api.problems.problem_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Resolve API",
    "DESCRIPTION": (
        "For agency case systems: the escalations a person may see, what they may do now, "
        "and doing it, with that person's own API token."
    ),
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
}

# history cannot be reverted from the admin: that would bypass the state machine
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Log lines carry the request's id (escalations/logs.py); RESOLVE_LOG_FORMAT=json (the default
# in production) writes one JSON object a line for the host's log collector
LOG_FORMAT = os.environ.get("RESOLVE_LOG_FORMAT", "plain")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "escalations.logs.WithRequestId"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "viewflow": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
