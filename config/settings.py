"""Settings for Budgetopfølgning.

One module; everything that differs between machines comes from environment variables, read by the small
helpers below, which fail loudly on values they do not understand. See the README for the table.
"""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Environment variable {name} must be set")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"Environment variable {name} must be a boolean, got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"Environment variable {name} must be a whole number, got {raw!r}") from exc


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_networks(name: str) -> list[str]:
    """Comma-separated IP addresses or networks (CIDR); empty by default."""
    values = env_list(name, "")
    for value in values:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError as exc:
            message = f"Environment variable {name}: {value!r} is not an IP address or network"
            raise ImproperlyConfigured(message) from exc
    return values


DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in ("development", "production"):
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'")
PRODUCTION = DJANGO_ENV == "production"

if PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY")
else:
    SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
DEBUG_404_SIDE = env_bool("DEBUG_404_SIDE", default=False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
KOMMUNE_NAVN = env_str("KOMMUNE_NAVN", "Ballerup Kommune")
# Who answers accessibility feedback (the accessibility statement must name a written and a telephone contact).
TILGAENGELIGHED_ANSVARLIG = env_str("TILGAENGELIGHED_ANSVARLIG", "Center for Økonomi")
TILGAENGELIGHED_EMAIL = env_str("TILGAENGELIGHED_EMAIL", "økonomi@balk.dk")
TILGAENGELIGHED_TELEFON = env_str("TILGAENGELIGHED_TELEFON", "4477 2000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_htmx",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "kerne",
    "rammer",
    "forbrug",
    "budgetopfolgning",
    "omstilling",
    "rammeindsigt",
]

MIDDLEWARE = [
    # Outermost: the request id and the one log line per request cover everything below, redirects included.
    "kerne.logning.RequestLogMiddleware",
    # With DEBUG on, a 404 still shows the Danish page, unless DEBUG_404_SIDE asks for Django's technical one.
    "kerne.fejlsider.DanskFejlsideMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Inside SessionMiddleware, so the session it marks for renewal is saved on the way out.
    "kerne.middleware.SessionFornyelseMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kerne.middleware.KommuneMiddleware",
    # Every page needs login unless its view is explicitly marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # django-axes first, so a locked-out username + IP is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    # Django's ModelBackend, its session user read with the roles in one query (kerne/backends.py).
    "kerne.backends.Brugerbackend",
]

# Single sign-on (OpenID Connect, kerne/oidc.py) when OIDC_RP_CLIENT_ID is set; local login stays for accounts with
# a password. The endpoints come from the provider's discovery document (read once, at start) unless set one by one.
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET", "")
OIDC_ENDEPUNKTER = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_LOGOUT_ENDPOINT": "end_session_endpoint",
}


def oidc_discovery(url: str) -> dict[str, str]:
    """The endpoints from a provider's `.well-known/openid-configuration`, as the OIDC_OP_* settings."""
    import json
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=10) as svar:  # noqa: S310 - an https URL the operator configured
            dokument = json.load(svar)
    except (OSError, ValueError) as exc:
        raise ImproperlyConfigured(f"OIDC_OP_DISCOVERY_URL {url!r} could not be read: {exc}") from exc
    return {setting: dokument.get(felt, "") for setting, felt in OIDC_ENDEPUNKTER.items()}


_oidc_fundne = (
    oidc_discovery(os.environ["OIDC_OP_DISCOVERY_URL"])
    if OIDC_RP_CLIENT_ID and os.environ.get("OIDC_OP_DISCOVERY_URL")
    else {}
)
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str(
    "OIDC_OP_AUTHORIZATION_ENDPOINT", _oidc_fundne.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
)
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT", _oidc_fundne.get("OIDC_OP_TOKEN_ENDPOINT", ""))
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT", _oidc_fundne.get("OIDC_OP_USER_ENDPOINT", ""))
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT", _oidc_fundne.get("OIDC_OP_JWKS_ENDPOINT", ""))
OIDC_OP_LOGOUT_ENDPOINT = env_str("OIDC_OP_LOGOUT_ENDPOINT", _oidc_fundne.get("OIDC_OP_LOGOUT_ENDPOINT", ""))
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid email profile")
OIDC_USE_PKCE = True
OIDC_STORE_ID_TOKEN = True  # for the provider's logout (id_token_hint)
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_tilbage"
OIDC_BRUGERNAVN_CLAIM = env_str("OIDC_BRUGERNAVN_CLAIM", "preferred_username")
OIDC_GRUPPE_CLAIM = env_str("OIDC_GRUPPE_CLAIM", "groups")
# Group ids (Entra ID: the group's object id) per role, comma-separated.
OIDC_ROLLE_OKONOMI = env_list("OIDC_ROLLE_OKONOMI", "")
OIDC_ROLLE_KONSULENT = env_list("OIDC_ROLLE_KONSULENT", "")
OIDC_ROLLE_UDVALG = env_list("OIDC_ROLLE_UDVALG", "")
if OIDC_RP_CLIENT_ID:
    missing = [name for name in OIDC_ENDEPUNKTER if name != "OIDC_OP_LOGOUT_ENDPOINT" and not globals()[name]]
    if missing:
        raise ImproperlyConfigured(f"OIDC_RP_CLIENT_ID is set, but not {', '.join(missing)} (or OIDC_OP_DISCOVERY_URL)")
    AUTHENTICATION_BACKENDS.append("kerne.oidc.Backend")

# Five failures lock a username + client address for 15 minutes, never for good: the 15 minutes run from the fifth
# failure, and tries during the lockout (even with the right password) do not start them again, or one try every
# quarter of an hour would keep a user out for good.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Behind the kommune's reverse proxy every request comes from the proxy; the client's address is taken from
# X-Forwarded-For only when the request comes from one of these addresses or networks.
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")
AXES_CLIENT_IP_CALLABLE = "kerne.security.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/laast_ude.html"

# Content Security Policy (django-csp 4): only our own origin, no inline scripts or styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
    }
}


def csp_form_action(oidc_logout_endpoint: str) -> list[str]:
    """Our own origin, and the provider's when logout is sent on to it (form-action also governs the redirect that
    follows a form's POST)."""
    from urllib.parse import urlsplit

    if not oidc_logout_endpoint:
        return ["'self'"]
    url = urlsplit(oidc_logout_endpoint)
    return ["'self'", f"{url.scheme}://{url.netloc}"]


CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] = csp_form_action(OIDC_OP_LOGOUT_ENDPOINT)

ROOT_URLCONF = "config.urls"

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
                "kerne.context_processors.kommune",
                "kerne.context_processors.hovedmenu",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# SQLite in WAL mode is the embedded default so that a checkout just runs; IMMEDIATE transactions plus a
# generous timeout let several writer processes queue for the lock instead of failing with
# "database is locked".
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0 if DEBUG else 60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's cache holds the rounds' computed figures and rendered tables (budgetopfolgning/mellemlager.py) and the
# draft Bilag. Each entry is keyed on what it was made from, so a cache of any kind can never show a stale figure:
# by default each process keeps its own in memory (no service needed); with CACHE_URL=redis://… the processes share
# one, so a page computed by one worker is served by all of them.
CACHE_URL = env_str("CACHE_URL", "")
CACHES: dict[str, dict[str, object]]
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "budgetopfolgning"),
        }
    }
elif CACHE_URL:
    raise ImproperlyConfigured("CACHE_URL must be a redis:// URL (or be left out for each process's own memory)")
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "budgetopfolgning",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "forside"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "da"
LANGUAGES = [("da", "Dansk")]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Outside production WhiteNoise serves straight from the source folders, so no collectstatic is needed.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))

DJANGO_TABLES2_TEMPLATE = "_tabel.html"

# Background jobs (Celery). Without a broker the embedded default runs each job at once, in the process that asks
# for it (after the asking transaction has committed); with one, `make worker` runs them. A job is acknowledged only
# when done, so a worker that dies mid-job leaves it to the next one.
CELERY_TASK_ALWAYS_EAGER = env_str("CELERY_BROKER_URL", "") == ""
# Eager jobs never reach a broker; the in-memory transport only keeps Celery from looking for one on localhost.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "") or "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "budgetopfolgning")
# An import job not done this long after its upload has lost its worker: the next upload to the same round marks it
# failed instead of being refused (kerne/jobs.py). A 20.000-line budget takes seconds.
IMPORTJOB_MAKS_MINUTTER = env_int("IMPORTJOB_MAKS_MINUTTER", 30)
# `make beat` (one process per installation) sends the deadline reminders every morning; cron with
# `manage.py send_paamindelser` does the same without it.
CELERY_BEAT_SCHEDULE = {
    "paamindelser": {"task": "budgetopfolgning.jobs.send_paamindelser", "schedule": crontab(hour=7, minute=0)},
}

# A session ends after a working day without activity (8 hours by default), not after Django's two weeks: activity
# renews it, so the limit counts idle time.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 480) * 60
# Activity renews the idle timeout, at most once a minute (kerne.middleware.SessionFornyelseMiddleware).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_COOKIE_HTTPONLY = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Behind the kommune's reverse proxy (docs/drift.md) the proxy ends TLS and says so in X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # A load balancer's health check may ask over plain HTTP on the inside network; a redirect is not an answer.
    SECURE_REDIRECT_EXEMPT = [r"^sundhed/$"]
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedManifestStaticFilesStorage"

# E-mail: the reminders of `send_paamindelser`. Printed to the console unless an SMTP server is named (README).
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if env_str("EMAIL_HOST", "") else
    "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "budgetopfoelgning@localhost")
# The address the app is reached at, for absolute links in e-mails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")


# Logs go to stdout (systemd's journal, or the container's log): plain text by default, JSON lines with
# LOG_FORMAT=json. Every line carries the request id and the user; one line per request gives its duration.
LOG_FORMAT = env_str("LOG_FORMAT", "tekst")
if LOG_FORMAT not in ("tekst", "json"):
    raise ImproperlyConfigured("LOG_FORMAT must be 'tekst' or 'json'")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        # A refused request is expected (a reader opening an edit link); one line naming the path is enough.
        "forbidden_one_line": {"()": "kerne.security.ForbiddenWithoutTraceback"},
        "kontekst": {"()": "kerne.logning.KontekstFilter"},
    },
    "formatters": {
        "tekst": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(bruger)s] %(message)s"},
        "json": {"()": "kerne.logning.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["kontekst"], "formatter": LOG_FORMAT}},
    "loggers": {
        "django.request": {"filters": ["forbidden_one_line"]},
        # The request lines and the security events are INFO/WARNING in production too.
        "budgetopfolgning": {"level": env_str("LOG_LEVEL_APP", "INFO")},
        "kerne": {"level": "INFO"},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
}
