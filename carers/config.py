"""Configuration: defaults here, then instance/config.py, then environment variables."""

import os

ENV_KEYS = (
    "SECRET_KEY",
    "DATABASE_URL",
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_USE_TLS",
    "MAIL_DEFAULT_SENDER",
    "RATELIMIT_STORAGE_URI",
    "RATELIMIT_KEY_PREFIX",
    "TEAM_ALERT_EMAIL",
    "PUBLIC_BASE_URL",
    "NOTIFY_API_KEY",
    "NOTIFY_EMAIL_TEMPLATE_ID",
    "PROXY_FIX_X_FOR",
    "PROXY_FIX_X_PROTO",
    "PROXY_FIX_X_HOST",
    "AUDIT_ANCHOR_KEY",
    "UPLOAD_FOLDER",
    "DATABASE_POOL_SIZE",
    "DATABASE_MAX_OVERFLOW",
    "DATABASE_POOL_TIMEOUT",
    "DATABASE_POOL_RECYCLE",
)
INT_KEYS = {"MAIL_PORT", "PROXY_FIX_X_FOR", "PROXY_FIX_X_PROTO", "PROXY_FIX_X_HOST",
            "DATABASE_POOL_SIZE", "DATABASE_MAX_OVERFLOW", "DATABASE_POOL_TIMEOUT",
            "DATABASE_POOL_RECYCLE"}

# Placeholder used only when running locally with debug on; refused anywhere else.
DEV_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 (refused outside debug)
# The address of a local development server; anywhere else PUBLIC_BASE_URL must be set.
DEV_PUBLIC_BASE_URL = "http://127.0.0.1:5000"


class Defaults:
    SECRET_KEY = None
    SQLALCHEMY_DATABASE_URI = None  # filled in from instance_path when unset
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # PostgreSQL's connections, per process: each web process (gunicorn worker) and the
    # scheduler keeps up to DATABASE_POOL_SIZE open and opens up to DATABASE_MAX_OVERFLOW more
    # when busy; a request waits DATABASE_POOL_TIMEOUT seconds for one before failing, and a
    # connection is replaced after DATABASE_POOL_RECYCLE seconds. Size the pool to the threads
    # per worker (WEB_THREADS); workers x (size + overflow) plus the scheduler's must stay
    # below the server's max_connections. SQLite keeps SQLAlchemy's own setup.
    DATABASE_POOL_SIZE = 5
    DATABASE_MAX_OVERFLOW = 5
    DATABASE_POOL_TIMEOUT = 30
    DATABASE_POOL_RECYCLE = 1800
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    MAIL_SERVER = "localhost"
    MAIL_PORT = 1025
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_USE_TLS = False
    MAIL_DEFAULT_SENDER = "fostering@example.gov.uk"
    MAIL_TIMEOUT = 10
    OUTBOX_MAX_ATTEMPTS = 5
    OUTBOX_BACKOFF_SECONDS = 60  # a refused message waits 1, 2, 4, 8... minutes
    OUTBOX_BACKEND_RETRY_SECONDS = 10  # an unreachable backend: 10, 20, 40... seconds
    OUTBOX_BACKEND_RETRY_MAX_SECONDS = 300
    # A claim older than this belongs to a dispatcher that died mid-send: its messages are
    # sent again within two minutes. A live dispatcher renews its claim as it works through
    # a batch (and this is well above MAIL_TIMEOUT), so a slow send is never taken for a
    # dead one.
    OUTBOX_STALE_CLAIM_SECONDS = 120
    OUTBOX_BATCH = 50  # messages claimed at a time by one dispatcher
    # GOV.UK Notify: used instead of SMTP when an API key is set. The template is a generic
    # one whose personalisation holds our text: ((subject)) and ((body)).
    NOTIFY_API_KEY = None
    NOTIFY_EMAIL_TEMPLATE_ID = None
    NOTIFY_BASE_URL = None
    # The scheduler process: job name -> seconds, to change an interval job's period.
    SCHEDULER_INTERVALS: dict = {}
    # Job names to schedule (None: every job). For running a scheduler per kind of work.
    SCHEDULER_ONLY = None
    # One scheduler leads; any other started waits and takes over when the leader dies.
    # SQLite: the lead is a lease that lasts this long unless renewed (PostgreSQL holds an
    # advisory lock instead, freed the moment the leader's connection dies).
    SCHEDULER_LEASE_SECONDS = 30
    # How often the leader renews its lease and writes its heartbeat (at most a third of
    # the lease), and how often a waiting scheduler tries to take the lead.
    SCHEDULER_HEARTBEAT_SECONDS = 10
    SCHEDULER_STANDBY_SECONDS = 5
    # /healthz: the scheduler is taken for dead when its heartbeat is older than this.
    HEALTH_SCHEDULER_MAX_AGE_SECONDS = 120
    # /healthz: the longest its database queries may take (PostgreSQL's statement timeout).
    HEALTH_DATABASE_TIMEOUT_SECONDS = 2
    TEAM_ALERT_EMAIL = None  # falls back to the agency setting
    # Where people reach the service, such as https://fostering.example.gov.uk: every link in
    # an email starts with it. Required outside local development and tests.
    PUBLIC_BASE_URL = None
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Public journey: generous enough for a person going back and forth, tight for a script.
    ENQUIRY_PAGE_RATE_LIMIT = "120 per hour"
    ENQUIRY_SUBMIT_RATE_LIMIT = "10 per hour"
    # Posts of a staff invitation's set-password link, per network address.
    SIGN_IN_RATE_LIMIT = "20 per 15 minutes"
    # Who must use two-step sign in. None: the agency's rule (administrators and decision
    # makers always; every role that reads case records while the agency setting
    # second_factor_for_case_readers is on, as it is by default). A tuple of role keys
    # overrides it; () turns the requirement off (tests, local development only).
    SECOND_FACTOR_REQUIRED_ROLES = None
    # Failed sign-ins per email address before it is locked, and for how long.
    SIGN_IN_MAX_FAILURES = 5
    SIGN_IN_LOCKOUT_MINUTES = 15
    # Failed sign-ins (any account) from one network address before it must wait the same
    # SIGN_IN_LOCKOUT_MINUTES. Successful sign-ins are not counted.
    SIGN_IN_MAX_FAILURES_PER_ADDRESS = 30
    # Applicants' emailed sign-in codes: codes one email address may ask for, and code requests
    # and wrong codes from one network address, within the period; then they wait it out.
    APPLICANT_CODES_PER_ADDRESS = 5
    APPLICANT_SIGN_IN_PER_NETWORK = 30
    APPLICANT_SIGN_IN_PERIOD_MINUTES = 15
    # Signed out after this long without a request; warned 5 minutes before.
    SESSION_IDLE_MINUTES = 30
    SESSION_IDLE_WARNING_MINUTES = 5
    # Secure cookies: None means "when PUBLIC_BASE_URL is https" (so local http still works).
    SESSION_COOKIE_SECURE = None
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Uploaded files are kept in the database (carers/uploads/storage.py). This is read only
    # by the migration that copies files from the folder they were once kept in (None:
    # "uploads" in the instance folder); nothing else uses it.
    UPLOAD_FOLDER = None
    # The largest request body: a 10MB document upload and its form.
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024
    # Behind reverse proxies: how many of them set X-Forwarded-For, -Proto and -Host. The
    # client's address (rate limits, audit), https (HSTS, secure cookies) and the host are
    # then read from those headers. 0 (the default) trusts none: the service faces the web.
    PROXY_FIX_X_FOR = 0
    PROXY_FIX_X_PROTO = 0
    PROXY_FIX_X_HOST = 0
    # The largest body without a file (every other form; the longest answer anywhere is
    # 100,000 characters of panel minutes), and the largest text part of an upload's form.
    MAX_FORM_CONTENT_LENGTH = 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 512 * 1024
    PAGE_SIZE = 25
    # The key that seals the audit chain's head (see docs/access.md). None: derived from
    # SECRET_KEY. Keep it out of the database; changing it needs `flask audit seal`.
    AUDIT_ANCHOR_KEY = None


def _coerce(key, value):
    if key in INT_KEYS:
        return int(value)
    if key == "MAIL_USE_TLS":
        return value.lower() in {"1", "true", "yes", "on"}
    return value


def load(app, test_config=None):
    app.config.from_object(Defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    if os.environ.get("CARERS_CONFIG"):  # a second file, e.g. for a scheduler under test
        app.config.from_envvar("CARERS_CONFIG")
    else:
        app.config.from_mapping(test_config)
    for key in ENV_KEYS:
        if os.environ.get(key):
            app.config[key] = _coerce(key, os.environ[key])
    if app.config.get("DATABASE_URL") and not (test_config or {}).get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        path = os.path.join(app.instance_path, "carers.sqlite")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    # A copy: the factory adds to it, and the dict here is shared by every app (and may be
    # the caller's own).
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"] or {})
    if not app.config["SECRET_KEY"]:
        if app.debug or os.environ.get("CARERS_DEV") == "1":
            app.config["SECRET_KEY"] = DEV_SECRET_KEY
        else:
            raise RuntimeError(
                "SECRET_KEY is not set. Set the SECRET_KEY environment variable or put "
                "SECRET_KEY = '...' in instance/config.py (make run writes one for you)."
            )
    development = app.debug or app.testing or os.environ.get("CARERS_DEV") == "1"
    if not app.config["PUBLIC_BASE_URL"]:
        if not development:
            raise RuntimeError(
                "PUBLIC_BASE_URL is not set. Set it to the address people use to reach this "
                "service, such as https://fostering.example.gov.uk: every link in the emails "
                "it sends starts with it. Set the PUBLIC_BASE_URL environment variable or put "
                "PUBLIC_BASE_URL = '...' in instance/config.py (make run writes one for you)."
            )
        app.config["PUBLIC_BASE_URL"] = DEV_PUBLIC_BASE_URL
    if app.config["SESSION_COOKIE_SECURE"] is None:
        secure = str(app.config["PUBLIC_BASE_URL"]).startswith("https://")
        app.config["SESSION_COOKIE_SECURE"] = secure
        app.config["REMEMBER_COOKIE_SECURE"] = secure
