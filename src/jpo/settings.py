"""Settings, read from the environment (every variable is listed in docs/operators.md).

Production unless said otherwise: JPO_ENV must be set to `development` (or `test`) for anything else.
A virtualenv made by `make install` says so in its `jpo-env` file, so the developer's `jpo` command and
`make run` need nothing more; a production install has no such file. Production refuses to start
with a missing, weak or development secret key, with DEBUG, or without its hosts and public address.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(os.environ.get("JPO_PROJECT_DIR", BASE_DIR.parent.parent))
VAR_DIR = Path(os.environ.get("JPO_VAR_DIR", PROJECT_DIR / "var"))


def _environment() -> str:
    if "JPO_ENV" in os.environ:
        return os.environ["JPO_ENV"].strip()
    marker = Path(sys.prefix) / "jpo-env"  # written by `make install` into the developer's virtualenv
    if marker.is_file():
        return marker.read_text(encoding="utf-8").strip()
    return "production"


ENV = _environment()
PRODUCTION = ENV == "production"
if ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured(f"JPO_ENV must be development, production or test, not {ENV!r}")

DEVELOPMENT_SECRET_KEY = "development-only-not-secret"  # noqa: S105 - refused in production (below)
SECRET_KEY = os.environ.get("JPO_SECRET_KEY", "")
if PRODUCTION:
    if not SECRET_KEY:
        raise ImproperlyConfigured("JPO_SECRET_KEY must be set when JPO_ENV=production")
    if (
        len(SECRET_KEY) < 50
        or len(set(SECRET_KEY)) < 10
        or SECRET_KEY == DEVELOPMENT_SECRET_KEY
        or SECRET_KEY.startswith("django-insecure-")
    ):
        raise ImproperlyConfigured(
            "JPO_SECRET_KEY is too weak for production: use at least 50 random characters, e.g. "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
elif not SECRET_KEY:
    SECRET_KEY = DEVELOPMENT_SECRET_KEY

DEBUG = os.environ.get("JPO_DEBUG", "0" if PRODUCTION else "1") == "1"
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured(
        "JPO_DEBUG=1 is refused when JPO_ENV=production: debug pages show settings and data to anyone"
    )
ALLOWED_HOSTS = [h for h in os.environ.get("JPO_ALLOWED_HOSTS", "" if PRODUCTION else "*").split(",") if h]
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("JPO_ALLOWED_HOSTS must be set when JPO_ENV=production")
# Absolute links in e-mails (verification, password reset, results, interview slots) start with this
# address, never with the Host header of the request (jpo.accounts.links.absolute_url).
JPO_BASE_URL = os.environ.get("JPO_BASE_URL", "" if PRODUCTION else "http://127.0.0.1:8000").rstrip("/")
if PRODUCTION and not JPO_BASE_URL:
    raise ImproperlyConfigured("JPO_BASE_URL must be set when JPO_ENV=production (links in e-mails)")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("JPO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
CSRF_FAILURE_VIEW = "jpo.web.views.csrf_failure"  # the styled 403 page, in the visitor's language

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ninja",  # serves the API docs (Swagger UI) from our own static files, not a CDN
    "django_tasks",
    "django_tasks_db",
    "jpo.outbox",
    "jpo.accounts",
    "jpo.programme",
    "jpo.applications",
    "jpo.selection",
    "jpo.placement",
    "jpo.workforce",
    "jpo.representation",
    "jpo.projections",
    "jpo.desk",
    "jpo.web",
    "jpo.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "jpo.accounts.request_limits.RequestLimitsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "jpo.accounts.middleware.LoginRequiredByDefaultMiddleware",
    "jpo.accounts.middleware.StaffTwoFactorMiddleware",
    "axes.middleware.AxesMiddleware",
    "jpo.web.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "jpo.urls"
WSGI_APPLICATION = "jpo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jpo.web.context_processors.navigation",
            ],
            # Filters every template uses without {% load %}: fiscal years (fy) and people's names.
            "builtins": ["jpo.programme.templatetags.programme"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'jpo.sqlite3'}",
        conn_max_age=int(os.environ.get("JPO_DB_CONN_MAX_AGE", "0")),
    )
}
# WAL and a busy timeout let the web server and the task worker share the file. IMMEDIATE takes the
# write lock when a transaction begins, so a transaction that reads and then writes waits its turn
# (busy timeout) instead of failing with "database is locked" when another writer got there first.
JPO_SQLITE_OPTIONS = {
    "timeout": 20,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(JPO_SQLITE_OPTIONS)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Argon2id (jpo.accounts.hashers explains the parameters); the others only verify older hashes.
PASSWORD_HASHERS = [
    "jpo.accounts.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Addresses (or networks, e.g. 10.0.0.0/8) of the reverse proxies in front of the app: only requests
# from them have their X-Forwarded-For believed (jpo.accounts.network.client_ip).
JPO_TRUSTED_PROXIES = [p.strip() for p in os.environ.get("JPO_TRUSTED_PROXIES", "").split(",") if p.strip()]
# Two-factor log-in (TOTP, django-otp) for every staff role and superusers: required in production,
# optional in development (the demo logins work with a password alone). A staff user who has enrolled
# an authenticator is always asked for its code.
JPO_REQUIRE_2FA = os.environ.get("JPO_REQUIRE_2FA", "1" if PRODUCTION else "0") == "1"
OTP_TOTP_ISSUER = "JPO"
AXES_FAILURE_LIMIT = int(os.environ.get("JPO_AXES_FAILURE_LIMIT", "10"))
# Failures count per user name and address together (a list inside the list means "and").
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "jpo.accounts.network.client_ip"
# Applicants wait JPO_LOCKOUT_MINUTES; staff only a short back-off (jpo.accounts.lockout).
JPO_LOCKOUT_MINUTES = int(os.environ.get("JPO_LOCKOUT_MINUTES", "60"))
JPO_STAFF_LOCKOUT_MINUTES = int(os.environ.get("JPO_STAFF_LOCKOUT_MINUTES", "5"))
AXES_COOLOFF_TIME = "jpo.accounts.lockout.cool_off"
AXES_USE_ATTEMPT_EXPIRATION = True  # each failure expires after its own (staff or applicant) cool-off
AXES_LOCKOUT_CALLABLE = "jpo.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Retrying while locked does not restart the wait, so "try again in N minutes" stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLED = os.environ.get("JPO_AXES_ENABLED", "1") == "1"


def _throttle(name: str, default: str) -> tuple[int, int]:
    value = os.environ.get(f"JPO_THROTTLE_{name.upper()}", default)
    try:
        limit, seconds = (int(part) for part in value.split("/"))
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"JPO_THROTTLE_{name.upper()} must be REQUESTS/SECONDS, e.g. 10/3600"
        ) from exc
    return limit, seconds


# Requests per client address and window (jpo.accounts.throttle); each JPO_THROTTLE_<NAME>=N/SECONDS.
JPO_THROTTLES = {
    "signup": _throttle("signup", "20/3600"),
    "login": _throttle("login", "30/600"),
    "password_reset": _throttle("password_reset", "10/3600"),
    "password_reset_address": _throttle("password_reset_address", "3/3600"),  # per e-mail address
    "eligibility": _throttle("eligibility", "60/600"),
    "self_check": _throttle("self_check", "30/600"),
}
# Nothing of the system needs the cache to be shared between processes: the throttles count in the
# database (jpo.accounts.throttle), sessions and log-in failures are in the database too.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "jpo"}}

LANGUAGE_CODE = os.environ.get("JPO_LANGUAGE", "ja")  # the site's default; each user may switch
if LANGUAGE_CODE not in {"ja", "en"}:
    raise ImproperlyConfigured(f"JPO_LANGUAGE must be ja or en, not {LANGUAGE_CODE!r}")
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "jpo_language"
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = Path(os.environ.get("JPO_MEDIA_ROOT", VAR_DIR / "media"))
# Applicants' documents live under MEDIA_ROOT, never served by URL: downloads go through a permission-checked view.
JPO_MAX_UPLOAD_MB = int(os.environ.get("JPO_MAX_UPLOAD_MB", "10"))
# Days after a cycle closes during which its applicants' personal data is kept; then `jpo purge` may
# anonymise them. No public source sets the period, so it has no default: the operator decides.
_retention = os.environ.get("JPO_PERSONAL_DATA_RETENTION_DAYS", "").strip()
if _retention and not (_retention.isdigit() and 0 < int(_retention) <= 36_500):
    raise ImproperlyConfigured("JPO_PERSONAL_DATA_RETENTION_DAYS must be a whole number of days (1 to 36500)")
JPO_PERSONAL_DATA_RETENTION_DAYS = int(_retention) if _retention else None
# Request size limits (docs/operators.md), enforced from Content-Length before a body is read:
# officers upload census files, other users documents (JPO_MAX_UPLOAD_MB), visitors only forms.
JPO_MAX_IMPORT_MB = int(os.environ.get("JPO_MAX_IMPORT_MB", "200"))
JPO_MAX_ANONYMOUS_REQUEST_KB = int(os.environ.get("JPO_MAX_ANONYMOUS_REQUEST_KB", "512"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # form fields and JSON bodies, files excluded
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger files are streamed to a temporary file
DATA_UPLOAD_MAX_NUMBER_FILES = 10
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

EMAIL_BACKEND = os.environ.get(
    "JPO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("JPO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("JPO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("JPO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("JPO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("JPO_EMAIL_USE_TLS", "0") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("JPO_DEFAULT_FROM_EMAIL", "jpo@example.jp")

TASKS = {
    "default": {
        "BACKEND": os.environ.get("JPO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
# Applicants keep their session for days (they fill in long forms over time); staff, who see many
# people's data, for hours (set at log-in by jpo.accounts.signals).
SESSION_COOKIE_AGE = int(os.environ.get("JPO_SESSION_DAYS", "14")) * 24 * 3600
JPO_STAFF_SESSION_HOURS = int(os.environ.get("JPO_STAFF_SESSION_HOURS", "8"))
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts and styles only from our own static files, never inline
# (<script> blocks, onclick=, style= and <style> are refused by the browser): see docs/operators.md.
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
if PRODUCTION:
    SECURE_HSTS_SECONDS = int(os.environ.get("JPO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("JPO_HSTS_INCLUDE_SUBDOMAINS", "1") == "1"
    # Joining the browsers' preload list binds the whole domain for months: the operator decides.
    SECURE_HSTS_PRELOAD = os.environ.get("JPO_HSTS_PRELOAD", "0") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = os.environ.get("JPO_SSL_REDIRECT", "1") == "1"
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's health check speaks plain HTTP
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]  # preload is opt-in (JPO_HSTS_PRELOAD), see above

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("JPO_LOG_LEVEL", "WARNING")},
}
