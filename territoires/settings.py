"""Django settings, read once from the environment (see docs/environment.md)."""

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from territoires.env import (
    ImproperEnvironment,
    env_bool,
    env_int,
    env_list,
    env_proxy_header,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("TERRITOIRES_DATA_DIR", str(BASE_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("TERRITOIRES_DEBUG", False)


def _secret_key() -> str:
    """The configured key, or one generated once and kept in the data folder.

    The embedded default must start with one command, yet never ship a key
    that is the same on every installation.
    """
    configured = env_str("TERRITOIRES_SECRET_KEY")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("TERRITOIRES_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("TERRITOIRES_CSRF_TRUSTED_ORIGINS", [])
# Empty: links come from the request (territoires/core/addresses.py).
SITE_URL = env_str("TERRITOIRES_SITE_URL", "").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "django_fsm",  # the admin's transition buttons
    "django_fsm_log",
    "django_tasks",
    "django_tasks_db",
    "axes",  # failed logins, counted by account (AXES_* below)
    "csp",  # Content-Security-Policy (CONTENT_SECURITY_POLICY below)
    "auditlog",  # the history of changes (territoires/core/history.py)
    "territoires.core",
    "territoires.accounts",
    "territoires.territories",
    "territoires.initiatives",
    "territoires.actors",
    "territoires.controversies",
    "territoires.www",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "territoires.core.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed (WhiteNoise serves static files compressed already, never reaching
    # it). Before every middleware that reads or changes the body, as Django's docs ask.
    # BREACH: Django ≥ 4.2 pads each gzip response with up to 100 random bytes (Heal The
    # Breach), and CSRF tokens are masked anew for every response; visitors' pages hold none.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the cookie of the switch (/langue/<code>/), else Accept-Language, else
    # French. After the sessions and before CommonMiddleware, as Django's docs ask.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who made each change of the history (territoires/core/history.py).
    "auditlog.middleware.AuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "territoires.core.permissions.LoginRequiredMiddleware",
    # The database out of reach: a French 503 page, recovery without restart.
    "territoires.core.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes requires: turns a locked-out login into its 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "territoires.urls"
WSGI_APPLICATION = "territoires.wsgi.application"
ASGI_APPLICATION = "territoires.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "territoires" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# The embedded default is SQLite in WAL mode: readers never wait for the writer.
# DATABASE_URL=postgres://… switches to PostgreSQL with nothing else to change.
DATABASE_URL = env_str("DATABASE_URL")
DATABASE_POOL_SIZE = env_int("TERRITOIRES_DATABASE_POOL_SIZE", 8)
if DATABASE_URL:
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
    except ValueError as error:
        raise ImproperEnvironment(f"DATABASE_URL is not a database address: {error}") from None
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # A pool per process (psycopg's): under ASGI each request runs in a new thread, and
        # persistent connections (CONN_MAX_AGE) would open one per thread until the server
        # refuses clients. Processes × the pool's size must stay under max_connections.
        DATABASES["default"]["OPTIONS"] = {
            "pool": {"min_size": 2, "max_size": DATABASE_POOL_SIZE, "timeout": 10}
        }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "territoires.sqlite3",
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA busy_timeout=5000; PRAGMA cache_size=-64000; "
                    # Deleted rows are overwritten with zeros, not left in free space: an
                    # erased account is gone from the file (accounts/data.py).
                    "PRAGMA secure_delete=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First, as django-axes requires: refuses a locked-out account before any password check.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "www:home"

# --- Throttling of logins, password resets and sign-ups (territoires/accounts/throttling.py) ---
# Logins (django-axes): failures are counted by account, and by (IP address, account), never
# by IP address alone: a town hall or a workshop room shares one address, and one person's
# mistakes must not lock out their colleagues. LOGIN_FAILURE_LIMIT failures within
# LOGIN_LOCKOUT_MINUTES lock the account's logins until LOGIN_LOCKOUT_MINUTES after the last
# counted failure, whatever the address (attempts during the lock are refused, not counted);
# a successful login, or a new password chosen through a reset link, clears the count.
LOGIN_FAILURE_LIMIT = env_int("TERRITOIRES_LOGIN_FAILURE_LIMIT", 10)
LOGIN_LOCKOUT_MINUTES = env_int("TERRITOIRES_LOGIN_LOCKOUT_MINUTES", 15)
# Password reset links and sign-up messages, counted in the cache (shared by Redis when
# REDIS_URL is set; per process otherwise) over a sliding THROTTLE_PERIOD_MINUTES: so many
# messages per e-mail address (the same page either way, whether the address has an account
# or not, and no message beyond the limit), and, more generously, so many requests per IP
# address (a room signing up together must pass), answered beyond that by a 429.
THROTTLE_PERIOD_MINUTES = env_int("TERRITOIRES_THROTTLE_PERIOD_MINUTES", 60)
PASSWORD_RESET_PER_EMAIL = env_int("TERRITOIRES_PASSWORD_RESET_PER_EMAIL", 3)
PASSWORD_RESET_PER_IP = env_int("TERRITOIRES_PASSWORD_RESET_PER_IP", 30)
SIGNUP_PER_EMAIL = env_int("TERRITOIRES_SIGNUP_PER_EMAIL", 3)
SIGNUP_PER_IP = env_int("TERRITOIRES_SIGNUP_PER_IP", 50)
for _name in (
    "LOGIN_FAILURE_LIMIT",
    "LOGIN_LOCKOUT_MINUTES",
    "THROTTLE_PERIOD_MINUTES",
    "PASSWORD_RESET_PER_EMAIL",
    "PASSWORD_RESET_PER_IP",
    "SIGNUP_PER_EMAIL",
    "SIGNUP_PER_IP",
):
    if globals()[_name] < 1:
        raise ImproperEnvironment(f"TERRITOIRES_{_name} must be 1 or more")
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
# Under one failure limit the (address, account) key never locks before the account key;
# it is listed so that a failure is always tied to its address too (axes.W006).
AXES_LOCKOUT_PARAMETERS = ["username", ["ip_address", "username"]]
AXES_USERNAME_FORM_FIELD = "username"  # the login form's field, holding the e-mail address
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "territoires.accounts.throttling.lockout_response"
# Personal data kept to the minimum: no log of successful logins; a failure is forgotten
# once its cool-off is over.
AXES_DISABLE_ACCESS_LOG = True

# French first: French unless the visitor chose English with the switch of every page
# (a cookie, www/language_views.py) or, without a choice, their browser asks for English
# (Accept-Language); a language we do not have gets French. Each name in its own language.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
# The choice is remembered a year, for the whole site, sent on same-site navigation only,
# never read by scripts; Secure with the session cookie (below).
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LOCALE_PATHS = [BASE_DIR / "territoires" / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "territoires" / "static"]
COLLECTED_STATIC = env_bool("TERRITOIRES_COLLECTED_STATIC", False)
# Without collectstatic, WhiteNoise serves the files straight from the apps' folders.
WHITENOISE_USE_FINDERS = not COLLECTED_STATIC
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DATA_DIR / "media"},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if COLLECTED_STATIC
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_URL = "/media/"
# The embedded default serves uploaded files itself; at scale the reverse proxy does.
SERVE_MEDIA = env_bool("TERRITOIRES_SERVE_MEDIA", True)

# Vector tiles of the atlas, built by import_territories (see docs/architecture.md).
TILES_PATH = Path(env_str("TERRITOIRES_TILES_PATH", str(DATA_DIR / "atlas.pmtiles")))

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work (territoires/core/tasks.py): the database by default, with a worker
# started beside the web server (`manage.py db_worker`); RQ on Redis at scale; at once,
# in the request, for tests.
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASK_BACKEND = env_str("TERRITOIRES_TASKS", "database")
if TASK_BACKEND not in TASK_BACKENDS:
    raise ImproperEnvironment(
        f"TERRITOIRES_TASKS={TASK_BACKEND!r}: use one of {', '.join(TASK_BACKENDS)}"
    )
if TASK_BACKEND == "rq":
    if not REDIS_URL:
        raise ImproperEnvironment("TERRITOIRES_TASKS=rq needs REDIS_URL")
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    # django-tasks-rq's own job class: RQ's would not know how to run a Django task.
    RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASK_BACKEND]}}

# The history of changes keeps who (the account), never their IP address.
AUDITLOG_DISABLE_REMOTE_ADDR = True
AUDITLOG_STORE_JSON_CHANGES = True

EMAIL_BACKEND = env_str(
    "TERRITOIRES_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env_str("TERRITOIRES_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("TERRITOIRES_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("TERRITOIRES_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("TERRITOIRES_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("TERRITOIRES_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("TERRITOIRES_DEFAULT_FROM_EMAIL", "Territoires <noreply@localhost>")

# HTTPS and security headers: docs/deployment.md lists the production values, which pass
# `manage.py check --deploy` (tests/test_deploy_check.py). Behind a reverse proxy ending TLS,
# TERRITOIRES_PROXY_SSL_HEADER names the header it sets on HTTPS requests, without which
# Django takes every request for plain HTTP (and the HTTPS redirect would loop).
SESSION_COOKIE_SECURE = env_bool("TERRITOIRES_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("TERRITOIRES_HTTPS_REDIRECT", False)
SECURE_PROXY_SSL_HEADER = env_proxy_header("TERRITOIRES_PROXY_SSL_HEADER")
SECURE_HSTS_SECONDS = env_int("TERRITOIRES_HSTS_SECONDS", 0)
if SECURE_HSTS_SECONDS < 0:
    raise ImproperEnvironment("TERRITOIRES_HSTS_SECONDS must be 0 (no HSTS) or more")
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("TERRITOIRES_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("TERRITOIRES_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Permissions-Policy: territoires/core/security.py (every feature the site does not use, denied).

# Content-Security-Policy (django-csp): no inline script, style or event handler anywhere.
# Scripts are files of static/js hooked by data-* attributes; data for them is in
# <script type="application/json"> blocks, which are not executed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],  # MapLibre's controls are data: SVG in its CSS
        "font-src": [SELF],
        "connect-src": [SELF],  # HTMX, the atlas's tiles and GeoJSON layers
        "worker-src": ["blob:"],  # MapLibre starts its workers from a blob
        "child-src": ["blob:"],  # the same, for engines that predate worker-src
        # Videos load after a click (static/js/video-consent.js) from YouTube (nocookie),
        # Vimeo or any PeerTube instance: PeerTube is federated, its hosts cannot be listed,
        # so any https: frame (never http:, data:, blob: or javascript:).
        "frame-src": ["https:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if SECURE_SSL_REDIRECT:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["upgrade-insecure-requests"] = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line_refusals": {"()": "territoires.core.security.OneLineRefusals"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "territoires": {"level": env_str("TERRITOIRES_LOG_LEVEL", "INFO")},
        # A 403 is one line (method, path, user id), not a traceback.
        "django.request": {"filters": ["one_line_refusals"]},
    },
}

# Serves /bench/bonjour/, the hello-world floor of `make bench`; off in production.
BENCH_FLOOR = env_bool("TERRITOIRES_BENCH_FLOOR", False)

# Content not checked for this many months says « à vérifier » and joins the curators'
# queue (territoires/core/models.py, Checked).
CHECK_MONTHS = env_int("TERRITOIRES_CHECK_MONTHS", 24)
if CHECK_MONTHS < 1:
    raise ImproperEnvironment(f"TERRITOIRES_CHECK_MONTHS={CHECK_MONTHS}: at least 1")

# Licence of the content published in the commons and its exports.
CONTENT_LICENCE = env_str("TERRITOIRES_CONTENT_LICENCE", "Licence Ouverte / Open Licence 2.0")
CONTENT_LICENCE_URL = env_str(
    "TERRITOIRES_CONTENT_LICENCE_URL", "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
)

# --- Personal data (territoires/core/personal_data.py, the privacy page) -------------------
# Who answers for the personal data this instance keeps (its operator: a local authority, an
# association…) and where people write to exercise their rights; shown on /confidentialite/,
# which asks the operator to set them while they are empty.
PRIVACY_CONTROLLER = env_str("TERRITOIRES_PRIVACY_CONTROLLER")
PRIVACY_CONTACT = env_str("TERRITOIRES_PRIVACY_CONTACT")
# Retention (`manage.py apply_retention`, daily): an account without a login for
# INACTIVE_WARNING_DAYS is warned by e-mail, and erased INACTIVE_ERASURE_DAYS after the
# warning unless the person logs in meanwhile. 700 + 30 days: erased after two years without
# use, the period the CNIL holds proportionate for inactive accounts, warned a month before.
INACTIVE_WARNING_DAYS = env_int("TERRITOIRES_INACTIVE_WARNING_DAYS", 700)
INACTIVE_ERASURE_DAYS = env_int("TERRITOIRES_INACTIVE_ERASURE_DAYS", 30)
for _name in ("INACTIVE_WARNING_DAYS", "INACTIVE_ERASURE_DAYS"):
    if globals()[_name] < 1:
        raise ImproperEnvironment(f"TERRITOIRES_{_name} must be 1 or more")
