"""The test suite: PostgreSQL through DATABASE_URL when given, SQLite otherwise."""

from .base import *  # noqa: F403
from .base import MIDDLEWARE

SECRET_KEY = "test-only-not-a-secret"  # noqa: S105
DEBUG = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SITE_URL = "http://testserver"
RESOLVE_WEBHOOKS_ALLOW_LOOPBACK_HTTP = True  # the webhook tests' receiver on 127.0.0.1
ALLOWED_HOSTS = ["*"]  # the test client and the live server only
# the live server serves static files itself; WhiteNoise would warn of no collected files
MIDDLEWARE = [name for name in MIDDLEWARE if not name.startswith("whitenoise.")]
