"""Mantto settings: one file, every value from the environment (README lists them)."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    return os.getenv(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: str) -> int:
    return int(os.getenv(name, default))


def envsecret(name: str, default: str = "") -> str:
    """Read NAME, or the file named by NAME_FILE (for container secrets)."""
    path = os.getenv(name + "_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.getenv(name, default)


VAR_DIR = Path(os.getenv("MANTTO_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = envbool("DEBUG", "False")
# Without SECRET_KEY a fixed development key is used; `manage.py check --deploy` refuses it.
INSECURE_DEV_KEY = "insecure-development-key-set-SECRET_KEY"
SECRET_KEY = envsecret("SECRET_KEY") or INSECURE_DEV_KEY

ALLOWED_HOSTS = [h.strip() for h in os.getenv("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.getenv("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
SITE_URL = os.getenv("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = os.getenv("SITE_NAME", "Mantto")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "mantto.core",
    "mantto.audit",
    "mantto.accounts",
    "mantto.suppliers",
    "mantto.fleet",
    "mantto.services",
    "mantto.invoicing",
    "mantto.payments",
    "mantto.sat",
    "mantto.reports",
    "mantto.notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "mantto.urls"
WSGI_APPLICATION = "mantto.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mantto.core.context_processors.branding",
            ]
        },
    }
]

if os.getenv("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.getenv("SQLITE_PATH", str(VAR_DIR / "db.sqlite3")),
            # The web server and the worker write concurrently; wait instead of failing.
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["mantto.accounts.backends.KeyBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"

# Sessions end after this many minutes without a request.
SESSION_IDLE_MINUTES = envint("SESSION_IDLE_MINUTES", "30")
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", "False")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# One-time access keys (R10).
LOGIN_KEY_MINUTES = envint("LOGIN_KEY_MINUTES", "15")
LOGIN_KEY_MAX_TRIES = envint("LOGIN_KEY_MAX_TRIES", "5")
# Rate limits: (requests, per seconds).
RATELIMIT_KEY_PER_EMAIL = (envint("RATELIMIT_KEY_PER_EMAIL", "5"), 3600)
RATELIMIT_KEY_PER_IP = (envint("RATELIMIT_KEY_PER_IP", "20"), 3600)
RATELIMIT_VERIFY_PER_IP = (envint("RATELIMIT_VERIFY_PER_IP", "40"), 3600)

LANGUAGE_CODE = "es-mx"
LANGUAGES = [("es-mx", _("Español (México)")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "mantto" / "locale"]
TIME_ZONE = "America/Mexico_City"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# E-mail: the outbox hands messages to this backend from the worker.
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "Mantto <no-responder@mantto.local>")
EMAIL_HOST = os.getenv("EMAIL_HOST", "")
EMAIL_PORT = envint("EMAIL_PORT", "587")
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "True")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", "20")
MAIL_DIR = Path(os.getenv("MAIL_DIR", VAR_DIR / "mail"))
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    # Without an SMTP server, e-mails land as .eml files a developer can open.
    EMAIL_BACKEND = "mantto.notifications.backends.EmlFileBackend"
EMAIL_BACKEND = os.getenv("EMAIL_BACKEND", EMAIL_BACKEND)
OUTBOX_MAX_ATTEMPTS = envint("OUTBOX_MAX_ATTEMPTS", "8")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Clarification channel shown in messages about six-digit authorizations and payments.
CLARIFICATIONS_EMAIL = os.getenv(
    "CLARIFICATIONS_EMAIL", "Finanzas.ProcesoFacturasMtmtos@ayvens.com"
)
CLARIFICATIONS_PHONE = os.getenv("CLARIFICATIONS_PHONE", "55 5229 8367")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
}

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Behind a reverse proxy that sets X-Forwarded-For, take the client IP from it.
USE_X_FORWARDED_FOR = envbool("USE_X_FORWARDED_FOR", "False")

# Service orders (seed steps 01–07).
# R1: an authorization can be invoiced through the end of this many calendar days after it
# (America/Mexico_City), never later.
AUTH_WINDOW_DAYS = envint("AUTH_WINDOW_DAYS", "30")
# Remind the workshop this many days before the authorization window closes.
AUTH_REMINDER_DAYS = envint("AUTH_REMINDER_DAYS", "5")
# R2: the invoice is due this many hours after delivery.
INVOICE_DUE_HOURS = envint("INVOICE_DUE_HOURS", "24")
# The highest total (MXN, IVA included) one quote may have; more is refused as absurd.
QUOTE_MAX_TOTAL = envint("QUOTE_MAX_TOTAL", "1500000")
# The same repair on the same vehicle within this many days is flagged as a possible repeat.
REPEAT_REPAIR_DAYS = envint("REPEAT_REPAIR_DAYS", "90")
# The median price paid is taken over authorized lines of this many days.
PRICE_HISTORY_DAYS = envint("PRICE_HISTORY_DAYS", "365")
# Photos and PDFs attached to a service (MB each).
ATTACHMENT_MAX_MB = envint("ATTACHMENT_MAX_MB", "10")
# A drawn signature (PNG) may not be larger than this (KB).
SIGNATURE_MAX_KB = envint("SIGNATURE_MAX_KB", "300")
# Rows per vehicle import file.
VEHICLE_IMPORT_MAX_ROWS = envint("VEHICLE_IMPORT_MAX_ROWS", "5000")

# Invoice reception (seed step 08, issue 5).
# The invoice total may differ from the authorized amount by at most this (MXN).
INVOICE_AMOUNT_TOLERANCE = os.getenv("INVOICE_AMOUNT_TOLERANCE", "1.00")
# MetodoPago PPD is expected (one payment later, one complement); PUE only when allowed.
INVOICE_ALLOW_PUE = envbool("INVOICE_ALLOW_PUE", "False")
# Accept a sent invoice at once when every check passed (otherwise Finanzas decides).
INVOICE_AUTO_ACCEPT = envbool("INVOICE_AUTO_ACCEPT", "False")
# SAT stamping certificates (<number>.cer); a missing one is a warning, not a rejection.
SAT_CERTS_DIR = Path(os.getenv("SAT_CERTS_DIR", VAR_DIR / "sat" / "certs"))
# Fetch missing SAT certificates from this base URL (empty: never go online).
SAT_CERTS_REMOTE_URL = os.getenv("SAT_CERTS_REMOTE_URL", "")
# Largest XML or PDF accepted (bytes); refused before it is read into memory.
UPLOAD_MAX_BYTES = envint("UPLOAD_MAX_BYTES", str(5 * 1024 * 1024))
# ZIP uploads: size of the ZIP itself, members, total uncompressed size and ratio.
INVOICE_ZIP_MAX_BYTES = envint("INVOICE_ZIP_MAX_BYTES", str(100 * 1024 * 1024))
INVOICE_ZIP_MAX_MEMBERS = envint("INVOICE_ZIP_MAX_MEMBERS", "2500")
INVOICE_ZIP_MAX_TOTAL_BYTES = envint("INVOICE_ZIP_MAX_TOTAL_BYTES", str(300 * 1024 * 1024))
INVOICE_ZIP_MAX_RATIO = envint("INVOICE_ZIP_MAX_RATIO", "100")
# Uploads larger than this go to a temporary file instead of memory; a form may carry
# this many files when JavaScript is off (with JavaScript each file is its own request).
FILE_UPLOAD_MAX_MEMORY_SIZE = envint("FILE_UPLOAD_MAX_MEMORY_SIZE", str(2_621_440))
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", str(2_621_440))
DATA_UPLOAD_MAX_NUMBER_FILES = envint("DATA_UPLOAD_MAX_NUMBER_FILES", "200")
# Rows per page of the submission history and the Finanzas queue.
INVOICE_PAGE_SIZE = envint("INVOICE_PAGE_SIZE", "50")
