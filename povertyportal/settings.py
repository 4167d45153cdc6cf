"""Settings for the poverty review portal, read from the environment.

Every value that differs between a developer's laptop, CI and production comes from an
environment variable. Malformed values stop the process with a clear message instead of
falling back silently (a typo in DEBUG must never turn debug mode on in production).
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from povertyportal.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105 - debug only

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "households",
    "policies",
    "reviews",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "povertyportal.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "povertyportal.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before any view (and CSRF's process_view, which reads the body): refuse oversized bodies unread.
    "povertyportal.middleware.RequestSizeLimitMiddleware",
    "povertyportal.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "povertyportal.urls"

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
                "django.template.context_processors.i18n",
                "households.context_processors.assignment",
            ],
        },
    },
]

WSGI_APPLICATION = "povertyportal.wsgi.application"

# SQLite file in the project by default (clone, install, run); PostgreSQL via DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # Persistent connections in production: a new PostgreSQL connection per request costs a few
        # milliseconds of every page (issue 17); the health check drops one the server closed meanwhile.
        # The development server opens a thread per request, so DEBUG keeps the old default of 0.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", default=0 if DEBUG else 60),
        conn_health_checks=True,
    )
}
if env_str("DATABASE_TEST_NAME", default=""):
    # Two test runs against one PostgreSQL server (CI beside a developer's run) each need their own test database.
    DATABASES["default"]["TEST"] = {"NAME": env_str("DATABASE_TEST_NAME", default="")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent readers while a writer works (the demo runs a web server and a task worker).
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},  # ASVS 2.1.1
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["povertyportal.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Bootstrap comes from the npm registry at the version pinned in package-lock.json (`npm ci`).
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", default=str(BASE_DIR / "media")))

# Long exports run in a worker (`manage.py db_worker`); the queue is a table in the same database,
# so the demo on SQLite and production on PostgreSQL need nothing else. Tests use the immediate backend.
TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}

# Notifications by e-mail (reviews.notifications): the console in development and the demo, SMTP from the
# environment in production. PORTAL_BASE_URL makes the links in the e-mails.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env_int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", default="ra-soat-ho-ngheo@localhost")
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
# Exports longer than this many rows go to the worker; shorter ones stream in the response.
EXPORT_INLINE_MAX_ROWS = env_int("EXPORT_INLINE_MAX_ROWS", default=3000)
# Imported workbooks, their workbooks of mistakes and finished exports hold ID numbers: `manage.py
# purge_files` (daily, from cron) deletes those of jobs that finished more than this many days ago.
FILE_RETENTION_DAYS = env_int("FILE_RETENTION_DAYS", default=7)
# Largest household workbook a ward officer may upload (a 20,000-household ward's file is about 3 MB);
# its unpacked content may be at most 20 times that (a guard against zip bombs).
IMPORT_MAX_MB = env_int("IMPORT_MAX_MB", default=25)
# Searches of the household list by a whole ID number, per user and hour, for the roles that see
# masked numbers (a masked number leaves about 10^4 candidates: every search is a guess).
ID_SEARCHES_PER_HOUR = env_int("ID_SEARCHES_PER_HOUR", default=20)
if ID_SEARCHES_PER_HOUR < 1:
    raise ImproperlyConfigured(f"ID_SEARCHES_PER_HOUR={ID_SEARCHES_PER_HOUR} must be at least 1.")
# Request bodies: anything above REQUEST_MAX_MB is refused with 413 before it is read
# (povertyportal.middleware.RequestSizeLimitMiddleware); the largest legitimate body is a household
# workbook. Each upload form checks its own, smaller limit. Form fields outside files are kept in
# memory only up to DATA_UPLOAD_MAX_MEMORY_SIZE; uploads above FILE_UPLOAD_MAX_MEMORY_SIZE go to a
# temporary file instead of memory.
REQUEST_MAX_MB = env_int("REQUEST_MAX_MB", default=IMPORT_MAX_MB + 1)
REQUEST_MAX_BYTES = REQUEST_MAX_MB * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
if REQUEST_MAX_MB < IMPORT_MAX_MB:
    raise ImproperlyConfigured(f"REQUEST_MAX_MB={REQUEST_MAX_MB} must be at least IMPORT_MAX_MB={IMPORT_MAX_MB}.")
# A ward's file is tens of thousands of rows: a sheet with more data rows than this is refused unread
# (a 1 MB file can unpack to millions of tiny rows). At most IMPORT_MAX_ERRORS mistakes are kept (and
# written into the workbook of mistakes); the rest are counted.
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", default=100_000)
IMPORT_MAX_ERRORS = env_int("IMPORT_MAX_ERRORS", default=5000)
# A running import whose worker has not reported for this long (killed, out of memory) is marked
# failed and its upload deleted.
IMPORT_STALE_MINUTES = env_int("IMPORT_STALE_MINUTES", default=15)
if FILE_RETENTION_DAYS < 1:
    raise ImproperlyConfigured(f"FILE_RETENTION_DAYS={FILE_RETENTION_DAYS} must be at least 1 (day).")
# A ward may record its public posting at most this many days after the start it enters (a list put up
# on Friday and entered on Monday); an earlier start is refused, so no posting can be back-dated.
POSTING_BACKDATE_GRACE_DAYS = env_int("POSTING_BACKDATE_GRACE_DAYS", default=3)
if POSTING_BACKDATE_GRACE_DAYS < 0:
    raise ImproperlyConfigured(f"POSTING_BACKDATE_GRACE_DAYS={POSTING_BACKDATE_GRACE_DAYS} cannot be negative.")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"


SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", default=8 * 60 * 60)

# Logins (households/logins.py): the session ends SESSION_COOKIE_AGE seconds after login (8 hours) or after
# SESSION_IDLE_TIMEOUT_MINUTES without a request of the user (progress polling does not count). django-axes
# locks a user name *from one address* after LOGIN_FAILURE_LIMIT failures in a row, for LOGIN_LOCKOUT_MINUTES:
# a ward office shares one address behind NAT, so the address alone is never locked. The ward officer can unlock.
SESSION_IDLE_TIMEOUT_MINUTES = env_int("SESSION_IDLE_TIMEOUT_MINUTES", default=30)
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", default=15)
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["povertyportal.middleware.SessionIdleTimeoutMiddleware", "axes.middleware.AxesMiddleware"]
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "households.logins.lockout_response"
AXES_CLIENT_IP_CALLABLE = "households.logins.client_address"
AXES_VERBOSE = False  # the povertyportal.logins logger reports failed logins
if SESSION_IDLE_TIMEOUT_MINUTES < 1 or LOGIN_FAILURE_LIMIT < 1 or LOGIN_LOCKOUT_MINUTES < 1:
    raise ImproperlyConfigured("SESSION_IDLE_TIMEOUT_MINUTES, LOGIN_FAILURE_LIMIT and LOGIN_LOCKOUT_MINUTES must be at least 1.")

# Production hardening: on unless DEBUG. `manage.py check --deploy` passes with DEBUG off.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", default=False) else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content Security Policy (django-csp 4.x, middleware above): only the portal's own scripts, styles and
# images; no inline script, style or event handler anywhere (behaviour lives in static/js/portal.js,
# styles in static/css). `data:` images are Bootstrap's icons inside its CSS and the empty favicon.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Browser features the portal never uses are switched off (povertyportal.middleware.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", default="INFO")},
    # Failed logins: user name, time and address, never the password (households/logins.py).
    "loggers": {"povertyportal.logins": {"level": "INFO"}, "axes": {"level": "WARNING"}},
}

# seed_demo refuses to run unless this is on (never in production).
DEMO_DATA_ALLOWED = env_bool("DEMO_DATA_ALLOWED", default=DEBUG)
