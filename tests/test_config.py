from __future__ import annotations

from pathlib import Path

import pytest

from config import ConfigError, load_environment, normalise_database_url

LONG_SECRET = "k" * 32


def test_production_requires_a_secret_key() -> None:
    with pytest.raises(ConfigError, match="SECRET_KEY must be set"):
        load_environment({"XINSHENG_ENV": "production"})


def test_production_takes_the_secret_and_database_from_the_environment() -> None:
    settings = load_environment(
        {"XINSHENG_ENV": "production", "SECRET_KEY": LONG_SECRET, "DATABASE_URL": "postgres://u@h/db"}
    )
    assert settings["SECRET_KEY"] == LONG_SECRET
    assert settings["SQLALCHEMY_DATABASE_URL"] == "postgresql+psycopg://u@h/db"
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] is True
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax"


@pytest.mark.parametrize("secret", ["x", "s3cret", "k" * 31, "密" * 10])
def test_production_refuses_a_secret_key_under_32_bytes(secret: str) -> None:
    length = len(secret.encode("utf-8"))
    with pytest.raises(ConfigError, match=f"SECRET_KEY is {length} bytes long; production needs at least 32"):
        load_environment({"XINSHENG_ENV": "production", "SECRET_KEY": secret})


def test_production_accepts_32_bytes_and_other_environments_any_key(tmp_path: Path) -> None:
    assert load_environment({"XINSHENG_ENV": "production", "SECRET_KEY": "密" * 11})["SECRET_KEY"] == "密" * 11
    for name in ("development", "testing"):
        settings = load_environment({"XINSHENG_ENV": name, "SECRET_KEY": "x", "XINSHENG_INSTANCE": str(tmp_path)})
        assert settings["SECRET_KEY"] == "x"


def test_development_key_is_random_once_then_shared_by_every_worker(tmp_path: Path) -> None:
    first = load_environment({"XINSHENG_ENV": "development", "XINSHENG_INSTANCE": str(tmp_path)})
    second = load_environment({"XINSHENG_ENV": "development", "XINSHENG_INSTANCE": str(tmp_path)})
    other = load_environment({"XINSHENG_ENV": "development", "XINSHENG_INSTANCE": str(tmp_path / "x")})
    assert len(first["SECRET_KEY"]) == 64
    assert first["SECRET_KEY"] == second["SECRET_KEY"] != other["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_unknown_environment_name_is_named() -> None:
    with pytest.raises(ConfigError, match="'staging'"):
        load_environment({"XINSHENG_ENV": "staging"})


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://a@b/c", "postgresql+psycopg://a@b/c"),
        ("postgresql+psycopg://a@b/c", "postgresql+psycopg://a@b/c"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_url_uses_psycopg3(given: str, expected: str) -> None:
    assert normalise_database_url(given) == expected


def test_analysis_jobs_come_from_the_environment_and_are_checked() -> None:
    import tempfile

    from config import ConfigError, load_environment

    env = {"XINSHENG_ENV": "development", "XINSHENG_INSTANCE": tempfile.mkdtemp()}
    assert 1 <= load_environment(env)["ANALYSIS_JOBS"] <= 4
    assert load_environment({**env, "ANALYSIS_JOBS": "3"})["ANALYSIS_JOBS"] == 3
    assert load_environment({**env, "XINSHENG_ENV": "testing"})["ANALYSIS_JOBS"] == 1
    with pytest.raises(ConfigError, match="ANALYSIS_JOBS='two' must be a whole number of processes from 1 to 64"):
        load_environment({**env, "ANALYSIS_JOBS": "two"})


def test_file_job_settings() -> None:
    base = {"XINSHENG_ENV": "testing", "XINSHENG_INSTANCE": "/srv/xs"}
    defaults = load_environment(base)
    assert (defaults["EXPORT_JOB_THRESHOLD"], defaults["FILE_JOBS_FOLDER"]) == (20_000, "/srv/xs/files")
    chosen = load_environment({**base, "EXPORT_JOB_THRESHOLD": "5_000", "FILE_JOBS_FOLDER": "/shared/files"})
    assert (chosen["EXPORT_JOB_THRESHOLD"], chosen["FILE_JOBS_FOLDER"]) == (5_000, "/shared/files")
    assert load_environment({**base, "EXPORT_JOB_THRESHOLD": "0"})["EXPORT_JOB_THRESHOLD"] == 0
    for bad in ("-1", "ten", "100000001"):
        with pytest.raises(ConfigError, match=f"EXPORT_JOB_THRESHOLD='{bad}' must be a whole number of responses"):
            load_environment({**base, "EXPORT_JOB_THRESHOLD": bad})
