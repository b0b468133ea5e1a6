"""Django settings, read once from the environment (see docs/environment.md)."""

import secrets
from pathlib import Path

import dj_database_url

from territoires.env import ImproperEnvironment, env_bool, env_int, env_list, env_str

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
SITE_URL = env_str("TERRITOIRES_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

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
    "ninja",  # so /api/v1/docs serves Swagger UI from ninja's static files, not from a CDN
    "rules.apps.AutodiscoverRulesConfig",
    "django_fsm",  # the admin's transition buttons
    "django_fsm_log",
    "django_tasks",
    "django_tasks_db",
    "territoires.core",
    "territoires.accounts",
    "territoires.territories",
    "territoires.initiatives",
    "territoires.www",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "territoires.core.permissions.LoginRequiredMiddleware",
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
if DATABASE_URL:
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    except ValueError as error:
        raise ImproperEnvironment(f"DATABASE_URL is not a database address: {error}") from None
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "territoires.sqlite3",
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA busy_timeout=5000; PRAGMA cache_size=-64000;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
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

# French first: every visitor gets French, whatever the browser asks; the English
# catalogue is kept for a language switch (no LocaleMiddleware until then).
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
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
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASK_BACKEND]}}

EMAIL_BACKEND = env_str(
    "TERRITOIRES_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env_str("TERRITOIRES_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("TERRITOIRES_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("TERRITOIRES_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("TERRITOIRES_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("TERRITOIRES_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("TERRITOIRES_DEFAULT_FROM_EMAIL", "Territoires <noreply@localhost>")

SESSION_COOKIE_SECURE = env_bool("TERRITOIRES_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"territoires": {"level": env_str("TERRITOIRES_LOG_LEVEL", "INFO")}},
}

# Serves /bench/bonjour/, the hello-world floor of `make bench`; off in production.
BENCH_FLOOR = env_bool("TERRITOIRES_BENCH_FLOOR", False)

# Licence of the content published in the commons and its exports.
CONTENT_LICENCE = env_str("TERRITOIRES_CONTENT_LICENCE", "Licence Ouverte / Open Licence 2.0")
CONTENT_LICENCE_URL = env_str(
    "TERRITOIRES_CONTENT_LICENCE_URL", "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
)
