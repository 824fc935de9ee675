"""The test suite: PostgreSQL through DATABASE_URL when given, SQLite otherwise."""

from .base import *  # noqa: F403

SECRET_KEY = "test-only-not-a-secret"  # noqa: S105
DEBUG = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SITE_URL = "http://testserver"
ALLOWED_HOSTS = ["*"]  # the test client and the live server only
