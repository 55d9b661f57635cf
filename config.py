"""Configuration defaults. The environment is read once, by :func:`load_environment`, called from
``create_app`` — never at import time."""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent
INSTANCE_DIR = ROOT / "instance"
#: Shortest SECRET_KEY production accepts, in bytes (UTF-8): it signs sessions, remember-me
#: cookies and CSRF tokens, so a short one can be guessed and an admin login forged.
MIN_SECRET_KEY_BYTES = 32


class Config:
    """Defaults for every environment."""

    ENV_NAME = "production"
    SQLALCHEMY_DATABASE_URL = f"sqlite:///{INSTANCE_DIR / 'xinsheng.sqlite3'}"
    SECRET_KEY: str | None = None
    LANGUAGES = ("zh_CN", "en")
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")
    LANGUAGE_COOKIE = "xs_lang"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # "Keep me signed in" lasts 30 days (Flask-Login's default is 365); logout ends it at once.
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # tie the token to the session, not a wall clock (long surveys)
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    PREFERRED_URL_SCHEME = "https"
    # Job queue for analysis runs: huey on a SQLite file (embedded) or Redis (production).
    JOB_QUEUE_URL = f"sqlite:///{INSTANCE_DIR / 'jobs.sqlite3'}"
    JOB_QUEUE_IMMEDIATE = False
    # Worker processes an analysis run uses for its bootstraps and segment tests (results do not
    # depend on it); ANALYSIS_JOBS in the environment. Default: the machine's cores, at most 4.
    ANALYSIS_JOBS = max(1, min(4, os.cpu_count() or 1))
    # File jobs (survey/services/file_jobs.py): an export of more responses than this is made by
    # the job worker (smaller ones stream at once; the report PDF always is); EXPORT_JOB_THRESHOLD
    # in the environment. Made files are kept FILE_JOB_HOURS, in FILE_JOBS_FOLDER (instance/files).
    EXPORT_JOB_THRESHOLD = 20_000
    FILE_JOB_HOURS = 24
    # Invitation and complaint-case uploads larger than this many bytes (about 5,000 rows) are
    # imported by the job worker (survey/services/import_jobs.py); smaller ones in the request.
    IMPORT_JOB_BYTES = 256 * 1024
    # Throttling (survey/rate_limits.py, Flask-Limiter). A limit is "N per period", several joined
    # by ";"; each RATE_LIMIT_* can be set in the environment. Counters live in Redis when
    # RATELIMIT_STORAGE_URI, REDIS_URL or a redis:// JOB_QUEUE_URL is set, else in each process.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_KEY_PREFIX = "xinsheng"
    RATELIMIT_STRATEGY = "fixed-window"
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True  # Redis down: count per process, not fail open
    RATELIMIT_SWALLOW_ERRORS = True  # a storage failure is logged, never a 500
    RATE_LIMIT_LOGIN_ACCOUNT = "5 per 15 minutes"  # failed sign-ins per e-mail address
    RATE_LIMIT_PASSWORD_USER = "5 per 15 minutes"  # wrong current passwords on the password page
    RATE_LIMIT_LOGIN_ADDRESS = "20 per 15 minutes"  # failed sign-ins per client address
    RATE_LIMIT_START_ADDRESS = "120 per minute; 2000 per hour"  # new responses per address (NAT)
    RATE_LIMIT_START_LINK = "300 per minute; 10000 per hour"  # per public link or invitation
    RATE_LIMIT_SUBMIT_ADDRESS = "600 per minute; 20000 per hour"  # respondent page posts
    RATE_LIMIT_SUBMIT_LINK = "60 per minute; 600 per hour"  # page posts per response
    RATE_LIMIT_API_TOKEN = "600 per minute"  # API requests per bearer token
    RATE_LIMIT_API_ADDRESS = "1200 per minute"  # API requests per client address
    RATE_LIMIT_TRUSTED_PROXIES = ""  # "10.0.0.1, 10.1.0.0/16": their X-Forwarded-For is believed
    # Reverse proxies in front of the app (nginx: 1): their X-Forwarded-For/-Proto/-Host give
    # the client's address, scheme and host (survey/proxies.py); 0 ignores those headers.
    TRUSTED_PROXIES = 0


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    # A laptop serves plain http on 127.0.0.1; secure-only cookies would never come back.
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    PREFERRED_URL_SCHEME = "http"


class TestConfig(DevelopmentConfig):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    RATELIMIT_SWALLOW_ERRORS = False  # a broken key function fails the test
    ANALYSIS_JOBS = 1  # xdist already fills the cores


CONFIGS: Mapping[str, type[Config]] = {
    "production": Config,
    "development": DevelopmentConfig,
    "testing": TestConfig,
}


class ConfigError(RuntimeError):
    """The environment does not describe a runnable configuration."""


def load_environment(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Read ``XINSHENG_ENV``, ``DATABASE_URL`` and ``SECRET_KEY`` once and return the settings.

    Raises :class:`ConfigError` when ``SECRET_KEY`` is missing outside development and testing,
    or shorter than :data:`MIN_SECRET_KEY_BYTES` in production.
    """
    env = os.environ if environ is None else environ
    name = env.get("XINSHENG_ENV", "production")
    if name not in CONFIGS:
        raise ConfigError(
            f"XINSHENG_ENV={name!r} is not one of {', '.join(sorted(CONFIGS))}"
        )
    base = CONFIGS[name]
    settings = {key: getattr(base, key) for key in dir(base) if key.isupper()}
    if env.get("JOB_QUEUE_URL"):
        settings["JOB_QUEUE_URL"] = env["JOB_QUEUE_URL"]
    if env.get("ANALYSIS_JOBS"):
        jobs = env["ANALYSIS_JOBS"].strip()
        if not jobs.isdigit() or not 1 <= int(jobs) <= 64:
            raise ConfigError(f"ANALYSIS_JOBS={jobs!r} must be a whole number of processes from 1 to 64")
        settings["ANALYSIS_JOBS"] = int(jobs)
    settings.update(rate_limit_settings(env, name))
    settings["TRUSTED_PROXIES"] = trusted_proxy_hops(env)
    if env.get("DATABASE_URL"):
        settings["SQLALCHEMY_DATABASE_URL"] = normalise_database_url(env["DATABASE_URL"])
    secret = env.get("SECRET_KEY") or settings.get("SECRET_KEY")
    if not secret:
        if name == "production":
            raise ConfigError(
                "SECRET_KEY must be set when XINSHENG_ENV=production "
                "(set XINSHENG_ENV=development to get a random one for local use)"
            )
        secret = development_secret(Path(env.get("XINSHENG_INSTANCE", INSTANCE_DIR)))
    if name == "production":
        check_secret_key(secret)
    settings["SECRET_KEY"] = secret
    settings["ENV_NAME"] = name
    settings.update(public_address(env))
    settings["TIME_ZONE"] = time_zone(env)
    settings.update(mail_settings(env, settings["PUBLIC_BASE_URL"]))
    settings["RETENTION_DAYS"] = retention_days(env)
    settings.update(observability_settings(env))
    settings.update(file_job_settings(env))
    return settings


def file_job_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """``FILE_JOBS_FOLDER`` (default ``files`` in the instance folder; with several hosts, a folder
    the web hosts and the workers share) and ``EXPORT_JOB_THRESHOLD`` (a whole number of
    responses, 0 to 100,000,000; 0 makes every export a job)."""
    folder = (env.get("FILE_JOBS_FOLDER") or "").strip()
    settings: dict[str, Any] = {
        "FILE_JOBS_FOLDER": folder or str(Path(env.get("XINSHENG_INSTANCE", INSTANCE_DIR)) / "files")}
    text = (env.get("EXPORT_JOB_THRESHOLD") or "").strip().replace("_", "")
    if text:
        if not text.isdigit() or int(text) > 100_000_000:
            raise ConfigError(f"EXPORT_JOB_THRESHOLD={text!r} must be a whole number of responses "
                              "from 0 to 100000000")
        settings["EXPORT_JOB_THRESHOLD"] = int(text)
    text = (env.get("IMPORT_JOB_BYTES") or "").strip().replace("_", "")
    if text:
        if not text.isdigit():
            raise ConfigError(f"IMPORT_JOB_BYTES={text!r} must be a whole number of bytes (0: every "
                              "invitation and complaint-case upload is imported by the job worker)")
        settings["IMPORT_JOB_BYTES"] = int(text)
    return settings


def retention_days(env: Mapping[str, str]) -> int | None:
    """``XINSHENG_RETENTION_DAYS``: identifying data (invitations, case references, task notes)
    older than this many days is purged every minute by the job worker; unset keeps it."""
    text = (env.get("XINSHENG_RETENTION_DAYS") or "").strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= 36500:
        raise ConfigError(f"XINSHENG_RETENTION_DAYS={text!r} must be a whole number of days from 1 to 36500")
    return int(text)


def trusted_proxy_hops(env: Mapping[str, str]) -> int:
    """``TRUSTED_PROXIES``: how many reverse proxies stand in front of the app (0, the default:
    forwarded headers are ignored). Raises :class:`ConfigError` for anything but 0 to 5."""
    text = (env.get("TRUSTED_PROXIES") or "0").strip()
    if not text.isdigit() or int(text) > 5:
        raise ConfigError(f"TRUSTED_PROXIES={text!r} must be the number of proxies in front of the app, "
                          "0 to 5 (1 behind one nginx)")
    return int(text)


def observability_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """``METRICS_TOKEN``, ``LOG_FORMAT`` (text or json) and ``LOG_LEVEL``; see
    survey/observability/settings.py and docs/operations.md."""
    from survey.observability.settings import ObservabilitySettingsError, from_environment

    try:
        return from_environment(env)
    except ObservabilitySettingsError as error:
        raise ConfigError(str(error)) from None


def mail_settings(env: Mapping[str, str], base_url: str) -> dict[str, Any]:
    """``MAIL_URL`` and ``MAIL_FROM`` (see survey/mail/settings.py), checked at start so a typo
    stops the app with the rule it breaks instead of failing every send."""
    from survey.mail.settings import MailSettings, MailSettingsError

    url = (env.get("MAIL_URL") or "").strip()
    sender = (env.get("MAIL_FROM") or "").strip()
    if url:
        host = urlsplit(base_url).hostname or "localhost"
        try:
            MailSettings.from_url(url, default_sender=sender or f"noreply@{host if '.' in host else 'localhost.localdomain'}")
        except MailSettingsError as error:
            raise ConfigError(str(error)) from None
    return {"MAIL_URL": url, "MAIL_FROM": sender}


def time_zone(env: Mapping[str, str]) -> str:
    """``XINSHENG_TIMEZONE`` (an IANA name such as Asia/Shanghai or Europe/Berlin; default
    Asia/Shanghai): the zone times are shown and read in. Raises :class:`ConfigError` for a name
    the time-zone database does not know."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = (env.get("XINSHENG_TIMEZONE") or "Asia/Shanghai").strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"XINSHENG_TIMEZONE={name!r} is not a time zone name of the IANA database "
                          "(for example Asia/Shanghai, Asia/Hong_Kong, Europe/Berlin, UTC)") from None
    return name


def rate_limit_settings(env: Mapping[str, str], name: str) -> dict[str, str]:
    """The ``RATE_LIMIT_*`` values set in ``env``, and where the counters live: ``RATELIMIT_STORAGE_URI``,
    else ``REDIS_URL``, else a ``redis://`` ``JOB_QUEUE_URL``, else (and always when testing, so
    no two test apps share counters) each process's memory."""
    settings = {key: env[key] for key in dir(Config) if key.startswith("RATE_LIMIT_") and env.get(key)}
    if name == "testing":
        return settings
    queue = env.get("JOB_QUEUE_URL", "")
    storage = env.get("RATELIMIT_STORAGE_URI") or env.get("REDIS_URL") or (
        queue if queue.startswith(("redis://", "rediss://")) else "")
    if storage:
        settings["RATELIMIT_STORAGE_URI"] = storage
    return settings


def check_secret_key(secret: str) -> None:
    """Raise :class:`ConfigError` naming the length when ``secret`` is under
    :data:`MIN_SECRET_KEY_BYTES` bytes (UTF-8)."""
    length = len(secret.encode("utf-8"))
    if length < MIN_SECRET_KEY_BYTES:
        raise ConfigError(
            f"SECRET_KEY is {length} bytes long; production needs at least "
            f"{MIN_SECRET_KEY_BYTES} random bytes (for example the output of "
            "python -c 'import secrets; print(secrets.token_hex(32))')"
        )


DEFAULT_BASE_URL = "http://127.0.0.1:5000"


def public_address(env: Mapping[str, str]) -> dict[str, Any]:
    """``PUBLIC_BASE_URL`` (from ``XINSHENG_BASE_URL``, e.g. ``https://survey.example.com``;
    default :data:`DEFAULT_BASE_URL`) — every absolute link we hand out (links.csv, resume
    links) starts with it, never with the request's Host header — and ``TRUSTED_HOSTS``: the
    base URL's host plus ``XINSHENG_TRUSTED_HOSTS`` (comma-separated), set only when the base
    URL is configured, so a request naming another host gets 400.

    Raises :class:`ConfigError` for a base URL that is not ``http(s)://host[:port]``."""
    configured = (env.get("XINSHENG_BASE_URL") or "").strip()
    if not configured:
        return {"PUBLIC_BASE_URL": DEFAULT_BASE_URL}
    parts = urlsplit(configured)
    if (parts.scheme not in ("http", "https") or not parts.hostname or parts.path.strip("/")
            or parts.query or parts.fragment or parts.username or parts.password):
        raise ConfigError(f"XINSHENG_BASE_URL={configured!r} must be http(s)://host[:port] "
                          "with no path, e.g. https://survey.example.com")
    extra = [host.strip() for host in env.get("XINSHENG_TRUSTED_HOSTS", "").split(",") if host.strip()]
    return {"PUBLIC_BASE_URL": f"{parts.scheme}://{parts.netloc}",
            "TRUSTED_HOSTS": [parts.hostname, *extra]}


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for ``postgres://`` / ``postgresql://`` URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def development_secret(instance_dir: Path) -> str:
    """A random key kept in ``instance/secret_key`` so that every gunicorn worker (and the next
    start) signs sessions with the same key; created on first use with mode 0600."""
    instance_dir.mkdir(parents=True, exist_ok=True)
    path = instance_dir / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(32))
    return path.read_text(encoding="ascii").strip()
