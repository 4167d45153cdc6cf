"""Settings for the test suite: production settings with test-only secrets and fast hashing."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("DEMO_DATA_ALLOWED", "1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from povertyportal.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
# Serve static files through the finders in tests (no collectstatic run).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Background exports run inside the request in tests (the job, its progress and its file are the same).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
