"""Peikao settings: one complete file, every value read from the environment.

Each variable has a default that is safe on one developer machine (SQLite, a folder, no Redis).
`.env.example` lists them all. With DJANGO_ENV=production the defaults turn strict and
`manage.py check --deploy` reports nothing.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PEIKAO_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DJANGO_ENV = os.environ.get("DJANGO_ENV", "development")
PRODUCTION = DJANGO_ENV == "production"

SECRET_KEY = os.environ.get(
    "DJANGO_SECRET_KEY", "" if PRODUCTION else "dev-only-insecure-key-change-me-in-production"
)
if PRODUCTION and len(SECRET_KEY) < 50:
    raise RuntimeError("生产环境必须设置 DJANGO_SECRET_KEY（至少 50 个字符）")

DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")
# How many reverse proxies in front append to X-Forwarded-For (0: use the peer address).
TRUSTED_PROXY_COUNT = int(os.environ.get("PEIKAO_TRUSTED_PROXY_COUNT", "0"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "axes",
    "huey.contrib.djhuey",
    "peikao.core",
    "peikao.audit",
    "peikao.orgs",
    "peikao.catalog",
    "peikao.people",
    "peikao.accounts",
    "peikao.exams",
    "peikao.monitoring",
    "peikao.training",
    "peikao.certificates",
    "peikao.notifications",
    "peikao.seeding",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Gzip for pages and JSON (BREACH: see peikao/core/compression.py). Static files come
    # precompressed from WhiteNoise, above, and stop there. Above every middleware that reads or
    # writes the body, so that compression comes last on the way out.
    "peikao.core.compression.TextGZipMiddleware",
    "peikao.core.middleware.RequestContextMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before anything reads the input: PostgreSQL cannot hold a NUL character.
    "peikao.core.middleware.NulCharacterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "peikao.accounts.middleware.IdleSessionMiddleware",
    "peikao.core.middleware.PrivateResponsesNotStoredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "peikao.core.middleware.DomainErrorPagesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "peikao" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "peikao.accounts.context_processors.navigation",
                "peikao.notifications.context_processors.inbox",
            ],
        },
    }
]

# SQLite in WAL mode by default; DATABASE_URL switches to PostgreSQL.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'peikao.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "peikao.accounts.backends.UsernameOrMobileBackend",
]
# Each refuses in Chinese (peikao/accounts/validators.py).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "peikao.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "peikao.accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "peikao.accounts.validators.UserAttributeSimilarityValidator"},
    {"NAME": "peikao.accounts.validators.MobileNumberValidator"},
    {"NAME": "peikao.accounts.validators.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login security: five failures lock the account for fifteen minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("PEIKAO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("PEIKAO_LOGIN_LOCK_MINUTES", "15")))
# Per account, as the issue asks; a per-IP limit alone would let one office lock out another.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "peikao.accounts.backends.account_key"
AXES_LOCKOUT_CALLABLE = "peikao.accounts.views.locked_out"
AXES_VERBOSE = False

# Staff sessions end after 30 idle minutes; trainees keep theirs for a working day.
STAFF_IDLE_SECONDS = int(os.environ.get("PEIKAO_STAFF_IDLE_MINUTES", "30")) * 60
TRAINEE_IDLE_SECONDS = 8 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Uploaded documents live outside the web root and are served only through views.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": os.environ.get("PEIKAO_MEDIA_ROOT", str(VAR_DIR / "private"))},
    },
    # With DEBUG off (production, and `make run`), the files `collectstatic` wrote: hashed names
    # that WhiteNoise serves with a ten-year cache, and their gzip copies. With DEBUG on when
    # the settings load (runserver, pytest), the source files as they are, where they lie.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# The largest document or photo a trainee's file may take (bytes).
PEIKAO_DOCUMENT_MAX_BYTES = int(os.environ.get("PEIKAO_DOCUMENT_MAX_BYTES", str(10 * 1024 * 1024)))
# An uploaded xlsx is a zip: what its parts may inflate to in all, and how much more than its
# compressed size one large part may (core.spreadsheets.check_archive). A 5000-row import is
# under 10 MB; real parts compress 5 to 20 times. openpyxl holds every shared string: at worst
# (tiny strings filling the bound) a worker holds about 7 times the bound while it reads.
PEIKAO_SPREADSHEET_MAX_UNCOMPRESSED_BYTES = int(
    os.environ.get("PEIKAO_SPREADSHEET_MAX_UNCOMPRESSED_BYTES", str(20 * 1024 * 1024))
)
PEIKAO_SPREADSHEET_MAX_COMPRESSION_RATIO = int(
    os.environ.get("PEIKAO_SPREADSHEET_MAX_COMPRESSION_RATIO", "100")
)

# Background tasks: Huey on SQLite by default, Redis when REDIS_URL is set.
HUEY_IMMEDIATE = env_bool("HUEY_IMMEDIATE", False)
# A terminal's report waits at most this long before the background job records it: the job
# runs once for all the reports of those seconds, not once for each. 0 runs it at once, as
# immediate Huey must (it never runs a delayed task).
PEIKAO_DEVICE_REPORT_DELAY_SECONDS = float(
    os.environ.get("PEIKAO_DEVICE_REPORT_DELAY_SECONDS") or ("0" if HUEY_IMMEDIATE else "3")
)
# A terminal's report is taken until this many minutes after its session's attendance window
# closes (30 minutes after the session ends); a later one is refused, and only a clerk may
# record that event, by hand with a reason.
PEIKAO_DEVICE_EVENT_LATE_MINUTES = int(os.environ.get("PEIKAO_DEVICE_EVENT_LATE_MINUTES", "30"))
# Certificates: the signature suite of their QR and lists, "EdDSA" (Ed25519) or "SM2-SM3"
# (国密, as ZWFW C0210-2021 expects), and the issuer named in the trust and status lists.
PEIKAO_SIGNATURE_SUITE = os.environ.get("PEIKAO_SIGNATURE_SUITE", "EdDSA")
PEIKAO_CERTIFICATE_ISSUER = os.environ.get("PEIKAO_CERTIFICATE_ISSUER", "培考 安全生产考试证书签发")
# Public lookups (/verify) a client may make per minute, by number or in bulk.
PEIKAO_VERIFY_LOOKUPS_PER_MINUTE = int(os.environ.get("PEIKAO_VERIFY_LOOKUPS_PER_MINUTE", "20"))
# The rows of bulk checks (page and API) a client may check per clock hour: one full list.
PEIKAO_VERIFY_BULK_ROWS_PER_HOUR = int(os.environ.get("PEIKAO_VERIFY_BULK_ROWS_PER_HOUR", "2000"))
# How many days before a certificate's review or expiry its holder, employer and institution
# are reminded, each threshold once.
PEIKAO_CERTIFICATE_REMINDER_DAYS = tuple(
    int(days) for days in os.environ.get("PEIKAO_CERTIFICATE_REMINDER_DAYS", "90,60,30").split(",")
)
REDIS_URL = os.environ.get("REDIS_URL", "")
HUEY = {
    "name": "peikao",
    "immediate": HUEY_IMMEDIATE,
    "utc": False,
    "consumer": {"workers": 2, "worker_type": "thread"},
}
if REDIS_URL:
    HUEY.update({"huey_class": "huey.PriorityRedisHuey", "url": REDIS_URL})
    # One cache for every web process: the public lookups' rate limit counts a client once,
    # whichever worker answers (in-process memory otherwise, a limit per worker).
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "huey.sqlite3")})

# Notifications (peikao/notifications/channels.py). SMS: "log" (the default) writes each message
# to the log with the phone masked; "http" POSTs JSON {"phone", "text", "sign"} to the gateway.
PEIKAO_SMS_BACKEND = os.environ.get("PEIKAO_SMS_BACKEND", "log").strip().lower()
PEIKAO_SMS_URL = os.environ.get("PEIKAO_SMS_URL", "")
PEIKAO_SMS_TOKEN = os.environ.get("PEIKAO_SMS_TOKEN", "")
PEIKAO_SMS_TOKEN_HEADER = os.environ.get("PEIKAO_SMS_TOKEN_HEADER", "X-Sms-Token")
PEIKAO_SMS_SIGN = os.environ.get("PEIKAO_SMS_SIGN", "培考平台")
PEIKAO_SMS_TIMEOUT_SECONDS = float(os.environ.get("PEIKAO_SMS_TIMEOUT_SECONDS", "10"))
if PEIKAO_SMS_BACKEND not in {"log", "http"}:
    raise RuntimeError("PEIKAO_SMS_BACKEND 只能是 log 或 http")
if PEIKAO_SMS_BACKEND == "http" and not re.match(r"https?://", PEIKAO_SMS_URL):
    raise RuntimeError("PEIKAO_SMS_BACKEND=http 时必须设置 PEIKAO_SMS_URL（http:// 或 https://）")
# An SMS or email is tried this many times in all, waiting 1, 2, 4 … times the delay between.
PEIKAO_NOTIFY_MAX_ATTEMPTS = int(os.environ.get("PEIKAO_NOTIFY_MAX_ATTEMPTS", "5"))
PEIKAO_NOTIFY_RETRY_DELAY_SECONDS = float(os.environ.get("PEIKAO_NOTIFY_RETRY_DELAY_SECONDS", "60"))
# The site's address, for the links in emails (blank: the email says to log in).
PEIKAO_SITE_URL = os.environ.get("PEIKAO_SITE_URL", "")
# Email: the console (the log) unless a real backend is named, so that a fresh machine sends
# nothing; "django.core.mail.backends.smtp.EmailBackend" with the EMAIL_* below for a server.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "培考平台 <noreply@peikao.local>")

# /api/docs and /api/openapi.json without a login: by default outside production only.
PEIKAO_API_DOCS_PUBLIC = env_bool("PEIKAO_API_DOCS_PUBLIC", not PRODUCTION)
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500
NINJA_PAGINATION_CLASS = "peikao.core.pagination.BoundedLimitOffsetPagination"

# The audit chain's HMAC key, its own secret (never SECRET_KEY): changing it makes every earlier
# record fail verification (docs/decisions/0016-audit-seal.md).
AUDIT_CHAIN_KEY = os.environ.get("PEIKAO_AUDIT_CHAIN_KEY") or (
    "" if PRODUCTION else "dev-only-audit-chain-key-change-me-in-production"
)
if PRODUCTION and len(AUDIT_CHAIN_KEY) < 32:
    raise RuntimeError("生产环境必须设置 PEIKAO_AUDIT_CHAIN_KEY（至少 32 个字符）")
# The audit seal: signed checkpoints of every chain's head, appended to a file the database
# cannot rewrite. The Ed25519 signing key is 64 hex digits; in development it is generated
# into the var dir on first use.
AUDIT_SEAL_FILE = Path(os.environ.get("PEIKAO_AUDIT_SEAL_FILE", VAR_DIR / "audit-seals.jsonl"))
AUDIT_SEAL_SIGNING_KEY = os.environ.get("PEIKAO_AUDIT_SEAL_SIGNING_KEY", "")
AUDIT_SEAL_SIGNING_KEY_FILE = VAR_DIR / "audit-seal-signing-key"
if PRODUCTION and not re.fullmatch(r"[0-9a-fA-F]{64}", AUDIT_SEAL_SIGNING_KEY):
    raise RuntimeError("生产环境必须设置 PEIKAO_AUDIT_SEAL_SIGNING_KEY（64 位十六进制数）")

# Every page loads only this site's files and runs no inline script or style (htmx is told
# not to add its indicator style, nor to eval: base.html's htmx-config).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Security headers: strict in production, where TLS ends at the reverse proxy.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": {"()": "peikao.core.masking.PersonalDataLogFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_personal_data"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("PEIKAO_LOG_LEVEL", "INFO")},
    # Django's own loggers go through the same masking handler, not Django's default one.
    "loggers": {"django": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
