"""Settings, read from the environment with safe defaults for the embedded mode.

Embedded default (``make run``): SQLite in ``data/``, background tasks in the database (django-tasks-db)
run by a worker process that ``tuishou serve`` starts. Production: set ``DATABASE_URL`` to PostgreSQL,
``SECRET_KEY``, ``DEBUG=0`` and ``ALLOWED_HOSTS``.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    return default if raw is None or raw == "" else raw.strip().lower() in {"1", "true", "yes", "on"}


BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("TUISHOU_DATA_DIR") or BASE_DIR / "data")
TESTING = "pytest" in sys.modules or os.environ.get("TUISHOU_TESTING") == "1"

# Off unless asked for (DEBUG=1): a person trying `make run` must never meet Django's debug pages, which list
# every internal URL. Developers who want them set DEBUG=1.
DEBUG = env_bool("DEBUG", False)
EMBEDDED = (os.environ.get("DATABASE_URL") or "sqlite").startswith("sqlite")


def _persisted_secret_key(path: Path) -> str:
    """The embedded mode's key: generated once into ``data/secret_key`` (owner-only), then read back, so
    sessions and signed cookies survive a restart without anybody having to invent a key."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    import secrets

    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process wrote it first: theirs stands
        return path.read_text().strip()
    with os.fdopen(fd, "w") as out:
        out.write(key)
    return key


SECRET_KEY = os.environ.get("SECRET_KEY") or ""
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "dev-only-insecure-key-set-SECRET_KEY-in-production"
    elif EMBEDDED:
        SECRET_KEY = _persisted_secret_key(DATA_DIR / "secret_key")
    else:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off and the database is not the embedded SQLite")
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# ---- HTTPS (issue 12, item 6) ----------------------------------------------------------------------------------
# A server that other machines reach by name (DEBUG off, ALLOWED_HOSTS naming any host beyond this machine's
# loopback names) is production: HTTPS only, with HSTS and cookies that never travel over plain HTTP. The
# embedded default (`make run`, 127.0.0.1 and localhost) is not, so plain HTTP on 127.0.0.1:8000 signs in.
# Each is switchable by its own variable, e.g. behind a TLS-terminating proxy that redirects to HTTPS itself
# (TUISHOU_SSL_REDIRECT=0) and says so in X-Forwarded-Proto (TUISHOU_PROXY_SSL_HEADER=1).
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "testserver", "::1", "[::1]"}
PRODUCTION = not DEBUG and not TESTING and not set(ALLOWED_HOSTS) <= LOOPBACK_HOSTS
SECURE_SSL_REDIRECT = env_bool("TUISHOU_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = int(os.environ.get("TUISHOU_HSTS_SECONDS") or (365 * 24 * 3600 if PRODUCTION else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("TUISHOU_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("TUISHOU_HSTS_PRELOAD", PRODUCTION)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("TUISHOU_SECURE_COOKIES", PRODUCTION)
SESSION_COOKIE_HTTPONLY = True
if env_bool("TUISHOU_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Health checks from the load balancer come over plain HTTP on the inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

INSTALLED_APPS = [
    "tuishou.risk.admin_apps.AuditedAdminConfig",  # django.contrib.admin, every write audited
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "ninja",  # its templates and static files: the API docs' Swagger UI is served from here, not a CDN
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "tuishou.core",
    "tuishou.accounts",
    "tuishou.risk",
    "tuishou.network",
    "tuishou.merchants",
    "tuishou.catalog",
    "tuishou.incentives",
    "tuishou.sandboxes",
    "tuishou.payments",
    "tuishou.orders",
    "tuishou.stores",
    "tuishou.ledger",
    "tuishou.settlement",
    "tuishou.wallets",
    "tuishou.notifications",
    "tuishou.community",
    "tuishou.campaigns",
    "tuishou.scheduling",
    "tuishou.reports",
    "tuishou.coupons",
    "tuishou.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "tuishou.api.ApiErrorShape",  # /api/'s own 404 and 405 answers in the API's error shape
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: answers a sign-in refused for a lockout with 429
]

# Content-Security-Policy (django-csp): scripts only from our own static files, no inline script or event
# handler, no eval (htmx's hx-on and js: values are off too); nothing from another origin. Inline styles stay
# allowed (server-computed widths of progress bars and charts). Form submissions are not restricted: checkout
# redirects to the gateway's own pay page.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

ROOT_URLCONF = "tuishou.urls"
WSGI_APPLICATION = "tuishou.wsgi.application"

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
                "django.template.context_processors.i18n",
                "tuishou.accounts.context.shell",
                "tuishou.notifications.context.unread",
            ],
        },
    },
]


def _database() -> dict:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'tuishou.sqlite3'}"
    config = dj_database_url.parse(url, conn_max_age=0 if TESTING else 60, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers run beside one writer; IMMEDIATE takes the write lock at BEGIN so two
        # writers queue on the busy timeout instead of failing with "database is locked" mid-transaction.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
        config.pop("CONN_HEALTH_CHECKS", None)
        config["CONN_MAX_AGE"] = 0
        if not TESTING:
            DATA_DIR.mkdir(parents=True, exist_ok=True)
    elif config["ENGINE"] == "django.db.backends.postgresql" and DB_POOL_SIZE and not TESTING:
        # Django's psycopg pool (docs/deployment.md, "A launch minute"): each process keeps DB_POOL_SIZE open
        # connections and lends one per request (or per thread of a gthread worker); Django then closes nothing
        # (a pooled connection cannot also be persistent) and checks nothing per request.
        config.setdefault("OPTIONS", {})["pool"] = {"min_size": DB_POOL_SIZE, "max_size": DB_POOL_SIZE,
                                                    "timeout": 10}
        config["CONN_MAX_AGE"] = 0
        config["CONN_HEALTH_CHECKS"] = False
    if config["ENGINE"] == "django.db.backends.postgresql" and DB_PREPARE_AFTER is not None:
        # Prepared statements (docs/deployment.md, "Prepared statements"): parameters bound on the server, and a
        # statement run DB_PREPARE_AFTER times on one connection is parsed and planned once for that connection.
        # Planning the order path's joins costs several times running them.
        config.setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=DB_PREPARE_AFTER)
    return config


# TUISHOU_DB_POOL=<n>: on PostgreSQL, a psycopg pool of n connections per process instead of one persistent
# connection per thread (0 or unset: none). Needs psycopg[pool] (a dependency).
DB_POOL_SIZE = int(os.environ.get("TUISHOU_DB_POOL") or 0)

# TUISHOU_DB_PREPARE_AFTER=<n>: on PostgreSQL, prepare a statement after n runs on one connection (default 5);
# off: never (client-side binding, Django's default), e.g. behind PgBouncer's transaction mode.
_prepare_after = os.environ.get("TUISHOU_DB_PREPARE_AFTER", "5").strip().lower()
if _prepare_after in ("", "off", "none"):
    DB_PREPARE_AFTER = None
elif _prepare_after.isdigit():
    DB_PREPARE_AFTER = int(_prepare_after)
else:
    raise ImproperlyConfigured(
        f"TUISHOU_DB_PREPARE_AFTER must be a whole number of runs or 'off', not {_prepare_after!r}")


DATABASES = {"default": _database()}


def _caches(redis_url: str, *, testing: bool) -> dict:
    """Django's cache: the abuse throttles and the sign-up codes live here (issue 12, items 8-10). Redis in
    production (REDIS_URL: one store for every app process and server). Without it, a table of the database
    (``tuishou_cache``, made by the core's migration): ``tuishou serve`` runs several web processes, and a store
    in each process's memory gave each its own throttle counts (20 sign-up codes an hour per address became 20
    per process) and its own sign-up codes (a code sent by one process was unknown to the next). Tests keep a
    store in memory, emptied after each test. Never culled below what an attack writes: a full store drops keys,
    the counters with them."""
    if redis_url:
        return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url,
                            "KEY_PREFIX": "tuishou"}}
    if testing:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tuishou",
                            "OPTIONS": {"MAX_ENTRIES": 100_000}}}
    # Django's database cache with an atomic incr (the throttles' counts: tuishou/core/cache.py).
    return {"default": {"BACKEND": "tuishou.core.cache.DatabaseCache", "LOCATION": CACHE_TABLE,
                        "OPTIONS": {"MAX_ENTRIES": 1_000_000}}}


CACHE_TABLE = "tuishou_cache"
# Never Redis under tests: they empty the cache after each test, which on a shared Redis would empty it for everyone.
CACHES = _caches("" if TESTING else os.environ.get("REDIS_URL", ""), testing=TESTING)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses every sign-in (API token, sign-in page, admin) of an address or an account locked
# out for too many failures, before the password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "tuishou.accounts.backends.PhoneOrUsernameBackend"]

# Sign-in throttling (issue 12, item 7): after TUISHOU_LOGIN_FAILURE_LIMIT failures from one IP address, or for
# one phone/username, sign-in is refused (429) for TUISHOU_LOGIN_LOCKOUT_MINUTES, even with the right password;
# a success clears the account's failures. Attempts are rows in the database (shared by every app process, an
# operator can lift a lockout in the admin); the client address is REMOTE_ADDR, never a forgeable header.
AXES_FAILURE_LIMIT = int(os.environ.get("TUISHOU_LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("TUISHOU_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # failures only: no row per successful sign-in
AXES_LOCKOUT_CALLABLE = "tuishou.accounts.lockout.lockout_response"
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = os.environ.get("TUISHOU_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
# Every app's own catalogs (tuishou/<app>/locale/) are found through INSTALLED_APPS; the language a visitor
# picks is remembered in a cookie by Django's set_language view (/i18n/setlang/).
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LOGIN_URL = "/account/login/"
LOGIN_REDIRECT_URL = "/account/home/"
LOGOUT_REDIRECT_URL = "/"

STATIC_URL = "/static/"
# Where `collectstatic` (run by `tuishou serve` with DEBUG off) writes the hashed, compressed files whitenoise serves.
STATIC_ROOT = Path(os.environ.get("TUISHOU_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request without it
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("TUISHOU_MEDIA_ROOT") or DATA_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Background work: Django's task API through the django-tasks backport. Tests run tasks inline;
# everywhere else they are stored in the database and a worker (`tuishou worker`) runs them.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TUISHOU_TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend" if TESTING else "django_tasks_db.DatabaseBackend",
        ),
        "QUEUES": ["default"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING" if TESTING else "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}

# ---- Platform settings (operators change the live ones in the back office; these are defaults) ----
TUISHOU = {
    # Invite codes: required by default; an operator may configure a default sponsor instead.
    "INVITE_CODE_REQUIRED": env_bool("TUISHOU_INVITE_CODE_REQUIRED", True),
    "API_TOKEN_DAYS": int(os.environ.get("TUISHOU_API_TOKEN_DAYS", "30")),
    # A token's "last used at" is written at most once in this many minutes (not a write on every request).
    "API_TOKEN_TOUCH_MINUTES": int(os.environ.get("TUISHOU_API_TOKEN_TOUCH_MINUTES", "15")),
    "DEFAULT_PLATFORM_FEE_RATE": os.environ.get("TUISHOU_DEFAULT_PLATFORM_FEE_RATE", "0.05"),
    "AFTER_SALES_DAYS": int(os.environ.get("TUISHOU_AFTER_SALES_DAYS", "7")),
    # Orders: minutes to pay before an unpaid checkout is cancelled, days after shipping before receipt is
    # confirmed automatically, hours a merchant has to answer an after-sales case before it escalates.
    "ORDER_PAYMENT_MINUTES": int(os.environ.get("TUISHOU_ORDER_PAYMENT_MINUTES", "30")),
    "AUTO_CONFIRM_DAYS": int(os.environ.get("TUISHOU_AUTO_CONFIRM_DAYS", "10")),
    "AFTER_SALES_SLA_HOURS": int(os.environ.get("TUISHOU_AFTER_SALES_SLA_HOURS", "48")),
    # Stock hoarding (issue 12, item 10): what one buyer may hold in checkouts not yet paid (and not yet run out
    # of payment time): at most this many checkouts, and at most this many units of any one SKU across them.
    "UNPAID_CHECKOUTS_MAX": int(os.environ.get("TUISHOU_UNPAID_CHECKOUTS_MAX", "5")),
    "UNPAID_UNITS_PER_SKU_MAX": int(os.environ.get("TUISHOU_UNPAID_UNITS_PER_SKU_MAX", "10")),
    # Sign-up (issue 12, item 8): the one-time code sent by SMS lives this many minutes and allows this many
    # wrong tries; a new one is sent at most every RESEND_SECONDS and DAILY_MAX times a day per number; one IP
    # address may ask for codes or try to sign up SIGNUP_PER_IP_HOUR times an hour.
    "SIGNUP_CODE_MINUTES": int(os.environ.get("TUISHOU_SIGNUP_CODE_MINUTES", "10")),
    "SIGNUP_CODE_ATTEMPTS": int(os.environ.get("TUISHOU_SIGNUP_CODE_ATTEMPTS", "5")),
    "SIGNUP_CODE_RESEND_SECONDS": int(os.environ.get("TUISHOU_SIGNUP_CODE_RESEND_SECONDS", "60")),
    "SIGNUP_CODE_DAILY_MAX": int(os.environ.get("TUISHOU_SIGNUP_CODE_DAILY_MAX", "10")),
    "SIGNUP_PER_IP_HOUR": int(os.environ.get("TUISHOU_SIGNUP_PER_IP_HOUR", "20")),
    # Share-link statistics (issue 12, item 9): a visitor's opens of one link count once per this many hours.
    "CLICK_DEDUPE_HOURS": int(os.environ.get("TUISHOU_CLICK_DEDUPE_HOURS", "24")),
    # Withdrawals: least and most per request, fee (a rate with a floor, to the platform), requests per day.
    "WITHDRAWAL_MIN": os.environ.get("TUISHOU_WITHDRAWAL_MIN", "10.00"),
    "WITHDRAWAL_MAX": os.environ.get("TUISHOU_WITHDRAWAL_MAX", "50000.00"),
    "WITHDRAWAL_FEE_RATE": os.environ.get("TUISHOU_WITHDRAWAL_FEE_RATE", "0.006"),
    "WITHDRAWAL_FEE_MIN": os.environ.get("TUISHOU_WITHDRAWAL_FEE_MIN", "1.00"),
    "WITHDRAWAL_DAILY_COUNT": int(os.environ.get("TUISHOU_WITHDRAWAL_DAILY_COUNT", "3")),
    # Merchants withdraw settled sales under their own limits (no fee: the platform fee is taken on each sale).
    "MERCHANT_WITHDRAWAL_MIN": os.environ.get("TUISHOU_MERCHANT_WITHDRAWAL_MIN", "100.00"),
    "MERCHANT_WITHDRAWAL_MAX": os.environ.get("TUISHOU_MERCHANT_WITHDRAWAL_MAX", "500000.00"),
    "MERCHANT_WITHDRAWAL_FEE_RATE": os.environ.get("TUISHOU_MERCHANT_WITHDRAWAL_FEE_RATE", "0"),
    "MERCHANT_WITHDRAWAL_FEE_MIN": os.environ.get("TUISHOU_MERCHANT_WITHDRAWAL_FEE_MIN", "0.00"),
    "MERCHANT_WITHDRAWAL_DAILY_COUNT": int(os.environ.get("TUISHOU_MERCHANT_WITHDRAWAL_DAILY_COUNT", "3")),
    # Issue 13: book paid orders' commissions in batches outside the payment callback (tuishou.settlement.
    # accrual_batch; needs the task worker). Off: booked inline in the callback's transaction (embedded mode).
    "ACCRUAL_BATCHED": env_bool("TUISHOU_ACCRUAL_BATCHED", False),
    # Issue 13: an ordinary payment.succeeded callback in one hand-written transaction (PostgreSQL only;
    # tuishou.payments.callback_fast). Anything unusual, and every callback on SQLite, takes the services.
    "PAID_FAST_PATH": env_bool("TUISHOU_PAID_FAST_PATH", False),
    # Issue 13: an ordinary checkout in one hand-written transaction (PostgreSQL only; tuishou.orders.checkout_fast).
    # Anything unusual, and every checkout on SQLite, takes the services.
    "CHECKOUT_FAST_PATH": env_bool("TUISHOU_CHECKOUT_FAST_PATH", False),
    # Issue 13: a new payment issued at the sandbox gateway in one statement (PostgreSQL only;
    # tuishou.payments.start_fast). Replays, other gateways and every start on SQLite take the services.
    "PAYMENT_START_FAST_PATH": env_bool("TUISHOU_PAYMENT_START_FAST_PATH", False),
}

# Payments: the gateway new payments go through, the sandbox gateway's signing secret (derived from SECRET_KEY
# when not given, so no deployment shares a published one), and the address the sandbox posts its callbacks to
# (this server, as the outside world reaches it).
TUISHOU_PAYMENT_GATEWAY = os.environ.get("TUISHOU_PAYMENT_GATEWAY", "sandbox")
# The coupon platform (淘客/芬香 supply chain) the desk and the API talk to: "sandbox" or "file" (tuishou.coupons).
TUISHOU_COUPON_CONNECTOR = os.environ.get("TUISHOU_COUPON_CONNECTOR", "sandbox")
# With DEBUG off a sandbox (gateway or payout provider) is a system-check error unless allowed on purpose: the
# embedded demo (`make run`) and tests allow it; a production deployment configures real providers.
TUISHOU_ALLOW_SANDBOX = env_bool("TUISHOU_ALLOW_SANDBOX", TESTING)
TUISHOU_SANDBOX_GATEWAY_SECRET = os.environ.get("TUISHOU_SANDBOX_GATEWAY_SECRET") or hashlib.sha256(
    f"tuishou-sandbox-gateway:{SECRET_KEY}".encode()).hexdigest()
# Where `tuishou serve` listens (its --bind's default).
TUISHOU_BIND = os.environ.get("TUISHOU_BIND") or "127.0.0.1:8000"
# By default the address `tuishou serve` listens on, so a second server on another port sends its sandbox callbacks
# and pay pages to itself; a wildcard host is reached on the loopback.
TUISHOU_PUBLIC_URL = os.environ.get("TUISHOU_PUBLIC_URL") or "http://" + re.sub(
    r"^(0\.0\.0\.0|\[::\])(?=:)", "127.0.0.1", TUISHOU_BIND)
# Hosts besides TUISHOU_PUBLIC_URL's that a payment's return_url may name (the payer's way back from the pay page).
TUISHOU_RETURN_URL_HOSTS = [h for h in os.environ.get("TUISHOU_RETURN_URL_HOSTS", ",".join(ALLOWED_HOSTS)).split(",")
                            if h and h != "*"]
# How the sandboxes' callbacks are sent, by outbox channel ("payment", "payout"): a transport
# ``(path, body, headers) -> HTTP status`` or its dotted path. Empty: in process under tests, else over HTTP to
# TUISHOU_PUBLIC_URL. Tests override it to capture deliveries.
TUISHOU_OUTBOX_TRANSPORTS: dict = {}

# Withdrawals: the payout provider new payouts go through, and the payout sandbox's signing secret (derived from
# SECRET_KEY when not given, and distinct from the payment sandbox's).
TUISHOU_PAYOUT_PROVIDER = os.environ.get("TUISHOU_PAYOUT_PROVIDER", "sandbox")
TUISHOU_SANDBOX_PAYOUT_SECRET = os.environ.get("TUISHOU_SANDBOX_PAYOUT_SECRET") or hashlib.sha256(
    f"tuishou-sandbox-payout:{SECRET_KEY}".encode()).hexdigest()

# Text messages (sign-up codes): the SMS provider in use (``tuishou.accounts.sms``); the sandbox records them and
# shows them on /sandbox-sms/ instead of sending.
TUISHOU_SMS_PROVIDER = os.environ.get("TUISHOU_SMS_PROVIDER", "sandbox")

# Periodic jobs: (name, cron expression in TIME_ZONE, dotted path of a django-tasks task). The scheduler
# (`tuishou scheduler`) enqueues each one when its cron fires; the worker runs it.
TUISHOU_SCHEDULE = [
    ("purge-expired-api-tokens", "17 3 * * *", "tuishou.accounts.tasks.purge_expired_tokens"),
    ("evaluate-ranks", "10 0 * * *", "tuishou.incentives.tasks.evaluate_ranks"),
    ("expire-checkouts", "* * * * *", "tuishou.orders.tasks.expire_checkouts"),
    ("auto-confirm-orders", "5 * * * *", "tuishou.orders.tasks.auto_confirm_orders"),
    ("complete-orders", "20 * * * *", "tuishou.orders.tasks.complete_orders"),
    ("escalate-after-sales", "*/10 * * * *", "tuishou.orders.tasks.escalate_after_sales"),
    ("book-accruals", "* * * * *", "tuishou.settlement.accrual_batch.accruals_book_task"),  # safety net
    ("settle-due", "40 * * * *", "tuishou.settlement.tasks.settle_due"),
    ("settle-previous-period", "30 2 1 * *", "tuishou.settlement.tasks.settle_previous_period"),
    ("risk-sweep", "15 1 * * *", "tuishou.risk.tasks.sweep"),
    ("fold-report-rollups", "*/5 * * * *", "tuishou.reports.tasks.fold_report_rollups"),
    ("finish-campaigns", "*/5 * * * *", "tuishou.campaigns.tasks.finish_campaigns"),
    ("materials-scores-refresh", "50 3 * * *", "tuishou.community.materials_tasks.materials_scores_refresh"),
]
