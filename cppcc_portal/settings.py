"""Settings, read from the environment (see README: Configuration).

Nothing set means the embedded default: SQLite and a filesystem Celery broker under var/, served
on 127.0.0.1 over plain HTTP. DEBUG is off unless DEBUG=1. Production sets DATABASE_URL and REDIS_URL
(and SECRET_KEY, ALLOWED_HOSTS). Every value is read and checked here, at start: a bad one stops
the process with the variable's name (cppcc_portal/env.py).
"""

from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from cppcc_portal.env import (
    database_from_url,
    env_backup_key,
    env_backup_keys,
    env_bool,
    env_choice,
    env_email,
    env_int,
    env_list,
    env_month_day,
    env_path,
    env_pooler,
    env_rate,
    env_str,
    env_url,
    redis_url_checked,
    secret_key,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR") or BASE_DIR / "var")

DATABASE_URL = env_str("DATABASE_URL")
REDIS_URL = redis_url_checked(env_str("REDIS_URL")) if env_str("REDIS_URL") else None
EMBEDDED = DATABASE_URL is None

# Django's debug pages list every URL and setting: only for a developer who asks for them.
DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = secret_key(VAR_DIR)
# The key of the audit trail's hash chain (core.audit_chain). Set it in production and keep it apart
# from SECRET_KEY, so that rotating one does not make every sealed audit row fail verification.
AUDIT_CHAIN_KEY = env_str("AUDIT_CHAIN_KEY") or SECRET_KEY
# Audit rows are kept at least this long (等保 2.0: six months); only `prune_audit` deletes older ones.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 180, minimum=180)
# The embedded mode (`make run`) serves this machine only, over plain HTTP.
LOCAL_ONLY = EMBEDDED or DEBUG
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if LOCAL_ONLY else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "cppcc_portal.core.admin_site.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "import_export",
    "django_celery_beat",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "cppcc_portal.core",
    "workplan",
    "members",
    "meetings",
    "proposals",
    "supervision",
    "consultations",
    "cppcc_portal.dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "cppcc_portal.core.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cppcc_portal.core.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "cppcc_portal.core.middleware.UserLanguageMiddleware",
    "cppcc_portal.core.middleware.RequestContextMiddleware",
    # The committee in hand for the request (core.committees).
    "cppcc_portal.core.committees.CommitteeMiddleware",
    "cppcc_portal.core.middleware.ApiRepeatedQueryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle timeout and one live session per account (core.sessions).
    "cppcc_portal.core.sessions.SessionControlMiddleware",
    # Two-factor login first (core.two_factor), then a password change if one is due, then 三员分立
    # (the separated administrators reach the admin and their account pages only).
    "cppcc_portal.core.middleware.AccessGatesMiddleware",
    # A double submit or a client's retry runs once (Idempotency-Key, one-time form tokens).
    "cppcc_portal.core.idempotency.IdempotencyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Every spreadsheet or CSV download is an audit row (core.permission_audit).
    "cppcc_portal.core.permission_audit.ExportAuditMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cppcc_portal.urls"
# A refused CSRF check gets the portal's page (JSON under /api/), in the user's language.
CSRF_FAILURE_VIEW = "cppcc_portal.core.api.csrf_failure"
WSGI_APPLICATION = "cppcc_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cppcc_portal.core.context_processors.portal",
                "cppcc_portal.core.context_processors.unread_notifications",
            ],
        },
    },
]

# DATABASE_POOLER=transaction when DATABASE_URL points at PgBouncer in transaction mode
# (docs/deployment.md): no server-side cursors then; the portal keeps no other session state.
DATABASE_POOLER = env_pooler("DATABASE_POOLER")
if DATABASE_URL:
    DATABASES = {
        "default": database_from_url(
            DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), pooler=DATABASE_POOLER
        )
    }
elif DATABASE_POOLER != "none":
    raise ImproperlyConfigured(
        "DATABASE_POOLER needs DATABASE_URL: the embedded SQLite database has no pooler"
    )
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            "OPTIONS": {"timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "cppcc"),
            # The cache holds only what can be worked out again, so while Redis is down a read is a
            # miss and a write does nothing: pages are built from the database instead of failing.
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 2,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    # Sessions are read from Redis and written through to the database: a logged-in request needs
    # no session query, and a Redis that is down or flushed loses no session (reads fall back).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    DJANGO_REDIS_LOGGER = "cppcc_portal.cache"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": VAR_DIR / "cache",
        }
    }

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, its permissions kept in the cache (core.access_cache).
    "cppcc_portal.core.auth_backends.CachedPermissionsBackend",
]
# The password rules (等保 2.0 身份鉴别; core.passwords). PASSWORD_MAX_AGE_DAYS=0 means no expiry.
PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 8, minimum=8)
PASSWORD_MIN_CLASSES = env_int("PASSWORD_MIN_CLASSES", 3, minimum=1)
if PASSWORD_MIN_CLASSES > 4:
    raise ImproperlyConfigured(f"PASSWORD_MIN_CLASSES must be at most 4, not {PASSWORD_MIN_CLASSES}")
PASSWORD_HISTORY = env_int("PASSWORD_HISTORY", 5, minimum=0)
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 90, minimum=0)
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {
        "NAME": "cppcc_portal.core.passwords.CharacterClassesValidator",
        "OPTIONS": {"min_classes": PASSWORD_MIN_CLASSES},
    },
    {"NAME": "cppcc_portal.core.passwords.NoUsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "cppcc_portal.core.passwords.NotRecentlyUsedValidator",
        "OPTIONS": {"history": PASSWORD_HISTORY},
    },
]
# Two-factor login (core.two_factor): required for staff, leaders and the administrators, optional
# for members and units. Not an environment variable: no installation turns it off (only the test
# settings do, and the tests of two-factor login turn it back on).
TWO_FACTOR_REQUIRED = True
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER") or "CPPCC"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lock an account+address pair out after repeated failures, for a while rather than forever.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0)
# A lockout answers the API in JSON (code locked_out) and people with the portal's page.
AXES_LOCKOUT_CALLABLE = "cppcc_portal.core.api.lockout_response"

# The committee the portal serves: these create committee number one (core.Committee) on the first
# migrate; after that its name is data, edited in the admin (docs/architecture.md, Committees).
COMMITTEE_NAME = env_str("COMMITTEE_NAME") or "中国人民政治协商会议北京市东城区委员会"
COMMITTEE_SHORT_NAME = env_str("COMMITTEE_SHORT_NAME") or "东城区政协"
COMMITTEE_SLUG = env_str("COMMITTEE_SLUG") or "dongcheng"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
# Dates are written one way on every page, input and export: 2017-03-20 (cppcc_portal/formats).
FORMAT_MODULE_PATH = ["cppcc_portal.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
# WhiteNoise serves static files from the portal process itself (no CDN, no separate server).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# Uploaded files are private records: they are served only through views that check permissions.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media")
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024, minimum=1)
# The dashboard's stored figures (dashboard.figures): trusted for at most MAX_AGE seconds, and after
# a write recomputed at most once every MIN_AGE seconds, so that a burst of writes (a plenary's
# check-ins) does not make every reader recompute the whole year.
DASHBOARD_FIGURES_MAX_AGE = env_int("DASHBOARD_FIGURES_MAX_AGE", 15 * 60, minimum=1)
DASHBOARD_FIGURES_MIN_AGE = env_int("DASHBOARD_FIGURES_MIN_AGE", 10, minimum=0)

# E-mail: SMTP when EMAIL_HOST is set, else files under var/mail that an operator can read.
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
else:
    EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env_email("DEFAULT_FROM_EMAIL", "cppcc-portal@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
PORTAL_BASE_URL = env_url("PORTAL_BASE_URL", "http://127.0.0.1:8000")

# Backups (docs/backup.md): beat runs `core.backup` daily when BACKUP_ENABLED; each backup is
# encrypted with BACKUP_KEY, written to BACKUP_DIR and copied to BACKUP_COPY_DIR (another disk or
# a mounted off-site share); backups older than BACKUP_RETENTION_DAYS are deleted in both places.
BACKUP_ENABLED = env_bool("BACKUP_ENABLED", False)
BACKUP_KEY = env_backup_key("BACKUP_KEY", required=BACKUP_ENABLED)
# Earlier keys, still accepted for reading the backups they encrypted (key rotation).
BACKUP_OLD_KEYS = env_backup_keys("BACKUP_OLD_KEYS")
BACKUP_DIR = env_path("BACKUP_DIR", VAR_DIR / "backups")
BACKUP_COPY_DIR = env_path("BACKUP_COPY_DIR", None)
BACKUP_RETENTION_DAYS = env_int("BACKUP_RETENTION_DAYS", 30, minimum=1)
if BACKUP_ENABLED and BACKUP_COPY_DIR is None:
    raise ImproperlyConfigured(
        "BACKUP_COPY_DIR is not set: backups are switched on (BACKUP_ENABLED) and each is copied "
        "to this second place, e.g. a mounted off-site share"
    )
if BACKUP_COPY_DIR is not None and BACKUP_COPY_DIR.resolve() == BACKUP_DIR.resolve():
    raise ImproperlyConfigured("BACKUP_COPY_DIR must be another place than BACKUP_DIR")

# Celery: Redis in production; a filesystem broker in var/ so the embedded mode needs nothing.
CELERY_BROKER_DIR = VAR_DIR / "broker"
# A message not acknowledged within this window (its worker died) is handed to another worker.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=1)
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
    for folder in ("queue", "processed", "control"):
        (CELERY_BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# Notification delivery. A row claimed longer ago than the claim timeout belongs to a dead
# worker (no delivering task may run that long: its hard time limit is shorter), so the sweep
# takes it over. Retries back off exponentially: base, 2×base, 4×base … up to the last attempt.
NOTIFICATION_CLAIM_TIMEOUT = env_int("NOTIFICATION_CLAIM_TIMEOUT_SECONDS", 600, minimum=1)
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 5, minimum=1)
NOTIFICATION_RETRY_BASE = env_int("NOTIFICATION_RETRY_BASE_SECONDS", 60, minimum=1)
NOTIFICATION_SWEEP_BATCH = env_int("NOTIFICATION_SWEEP_BATCH", 500, minimum=1)
# The periodic sweep leaves rows due in the last seconds to the task enqueued for them.
NOTIFICATION_SWEEP_GRACE = env_int("NOTIFICATION_SWEEP_GRACE_SECONDS", 30, minimum=0)
# Rows due later than this are left to the sweep instead of a long Celery ETA (Redis would
# redeliver ETA messages older than the visibility timeout).
NOTIFICATION_ENQUEUE_HORIZON = env_int("NOTIFICATION_ENQUEUE_HORIZON_SECONDS", 600, minimum=0)
# Publishing from a request is bounded: one try with this connect timeout (milliseconds), and
# after a failure none for the backoff (seconds); the sweep delivers what was not published.
NOTIFICATION_PUBLISH_TIMEOUT_MS = env_int("NOTIFICATION_PUBLISH_TIMEOUT_MS", 50, minimum=1)
NOTIFICATION_PUBLISH_BACKOFF = env_int("NOTIFICATION_PUBLISH_BACKOFF_SECONDS", 30, minimum=0)
# The yearly duty report (述职) is due on this month-day; members are reminded before it.
DUTY_REPORT_DEADLINE = env_month_day("DUTY_REPORT_DEADLINE", "12-15")
# Dates and years before the committee's first term are refused; with no term recorded yet, before this year.
PORTAL_EARLIEST_YEAR = env_int("PORTAL_EARLIEST_YEAR", 2000, minimum=1949)
# API tokens expire this many days after they were issued (and on a password change).
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 30, minimum=1)

REST_FRAMEWORK = {
    # Token first: its challenge makes an anonymous API call a 401 (not_authenticated), not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "cppcc_portal.core.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "cppcc_portal.core.pagination.PortalPagination",
    "PAGE_SIZE": 50,
    # Query parameters are parsed by django-filter FilterSets (filterset_class); see core/query.py.
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "cppcc_portal.core.api.PortalAutoSchema",
    # Only the token endpoint is throttled (it takes passwords); axes also locks it per user+IP.
    "DEFAULT_THROTTLE_RATES": {"token": env_rate("API_TOKEN_RATE", "20/min")},
    "EXCEPTION_HANDLER": "cppcc_portal.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CPPCC portal API",
    "DESCRIPTION": "Work plan, members, proposals and supervision of a district CPPCC committee.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No call to the public Swagger validator: the docs page talks only to the portal.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
    # The API is JSON; the views that take files document their multipart body themselves.
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cppcc_portal.core.api.portal_schema_hook",
    ],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # The apps' workflows each have a `state`/`status`; name every choice set once, by its class.
    "ENUM_NAME_OVERRIDES": {
        "ProposalStateEnum": "proposals.choices.ProposalState",
        "ReportStateEnum": "proposals.choices.ReportState",
        "BulletinStateEnum": "proposals.choices.BulletinState",
        "CosignStateEnum": "proposals.choices.CosignState",
        "ExcellentStateEnum": "proposals.choices.ExcellentState",
        "ReplyCategoryEnum": "proposals.choices.ReplyCategory",
        "ConversionKindEnum": "proposals.choices.ConversionKind",
        "AdoptionLevelEnum": "proposals.choices.AdoptionLevel",
        "ProgressUpdateKindEnum": "workplan.choices.UpdateKind",
        "LoggableDutyKindEnum": "members.forms.LOGGABLE_KINDS",
        "RecommendationStateEnum": "supervision.choices.RecommendationState",
        "RectificationItemStatusEnum": "supervision.choices.ItemStatus",
        "AppointmentStatusEnum": "supervision.choices.AppointmentStatus",
        "ConsultationTopicStateEnum": "consultations.choices.TopicState",
        "ConsultationTopicSourceEnum": "consultations.choices.TopicSource",
        "ConsultationOutcomeStateEnum": "consultations.choices.OutcomeState",
        "ConsultationOutcomeKindEnum": "consultations.choices.OutcomeKind",
        "ConsultationFeedbackStateEnum": "consultations.choices.FeedbackState",
        "ConsultationAdoptionEnum": "consultations.choices.Adoption",
        "ConsultationInstructionLevelEnum": "consultations.choices.InstructionLevel",
        "MemberStatusEnum": "members.choices.MemberStatus",
        "ActivityStatusEnum": "members.choices.ActivityStatus",
        "DutyRecordStatusEnum": "members.choices.DutyRecordStatus",
        "InvitationStateEnum": "members.choices.InvitationState",
        "EnrolmentStateEnum": "members.choices.EnrolmentState",
        "WorkStatusEnum": "workplan.choices.TaskStatus",
        "ExportStateEnum": "cppcc_portal.dashboard.choices.ExportState",
        "NotificationStateEnum": "cppcc_portal.core.models.NotificationState",
    },
}

# An Idempotency-Key whose request has not finished after this long belonged to a process that was
# killed; a retry may then run (core.idempotency). Keep it above gunicorn's --timeout.
IDEMPOTENCY_IN_PROGRESS_SECONDS = env_int("IDEMPOTENCY_IN_PROGRESS_SECONDS", 120, minimum=1)

IMPORT_EXPORT_USE_TRANSACTIONS = True
# Checked before a spreadsheet is parsed (cppcc_portal.core.import_limits): rows of the first sheet
# and the expanded size of an xlsx (a small zip can hold gigabytes of XML).
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 20000, minimum=1)
# Above this many rows an admin import runs in a Celery worker with a progress page (members.import_jobs).
IMPORT_BACKGROUND_ROWS = env_int("IMPORT_BACKGROUND_ROWS", 1000, minimum=1)
IMPORT_MAX_EXPANDED_BYTES = env_int("IMPORT_MAX_EXPANDED_BYTES", 64 * 1024 * 1024, minimum=1024)
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

SESSION_COOKIE_HTTPONLY = True
# Session control (core.sessions): signed out after this many minutes without a request, warned this
# many seconds before; a new sign-in ends the account's other session (not a setting to turn off:
# only the test settings do, for the many tests that sign one account in twice).
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_IDLE_WARNING_SECONDS = env_int("SESSION_IDLE_WARNING_SECONDS", 120, minimum=10)
SESSION_ONE_PER_ACCOUNT = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): no inline scripts or styles and nothing from outside the portal.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not LOCAL_ONLY:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("TRUST_X_FORWARDED_PROTO", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"once_a_minute": {"()": "cppcc_portal.core.log_filters.OnceAMinute"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice("LOG_LEVEL", "WARNING", ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]),
    },
    # django-redis reports every call it answered as a miss while Redis is down: one line a minute is enough.
    "loggers": {"cppcc_portal.cache": {"filters": ["once_a_minute"], "level": "WARNING"}},
}
