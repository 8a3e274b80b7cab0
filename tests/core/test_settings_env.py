import pytest
from django.core.exceptions import ImproperlyConfigured

from cppcc_portal import env


@pytest.mark.parametrize("value", ["maybe", "2", "tru"])
def test_bool_setting_refuses_a_word_it_does_not_know(monkeypatch, value):
    monkeypatch.setenv("DEBUG", value)
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        env.env_bool("DEBUG", default=False)


def test_bool_setting_reads_the_usual_words(monkeypatch):
    monkeypatch.setenv("DEBUG", "off")
    assert env.env_bool("DEBUG", default=True) is False
    monkeypatch.setenv("DEBUG", "YES")
    assert env.env_bool("DEBUG", default=False) is True


def test_whole_number_setting_refuses_text_and_too_small_values(monkeypatch):
    monkeypatch.setenv("EMAIL_PORT", "twenty-five")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT"):
        env.env_int("EMAIL_PORT", 25)
    monkeypatch.setenv("EMAIL_PORT", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env.env_int("EMAIL_PORT", 25, minimum=1)


def test_database_url_for_postgres_is_read_into_its_parts():
    db = env.database_from_url("postgres://app:s%40cret@db.local:6543/cppcc?sslmode=require")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "app",
        "s@cret",
        "db.local",
        "6543",
        "cppcc",
    )
    assert db["OPTIONS"] == {"sslmode": "require"}


@pytest.mark.parametrize(
    "url",
    ["mysql://root@localhost/x", "postgres://localhost:5432/", "postgres://h:port/x", "sqlite://host/x"],
)
def test_database_url_that_cannot_be_used_is_refused(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        env.database_from_url(url)


@pytest.mark.parametrize("url", ["http://localhost:6379", "redis://", "redis://h:notaport/0"])
def test_redis_url_that_cannot_be_used_is_refused(url):
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        env.redis_url_checked(url)


def test_short_secret_key_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        env.secret_key(tmp_path)


def test_generated_secret_key_is_kept_between_starts(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = env.secret_key(tmp_path)
    assert len(first) >= 50
    assert env.secret_key(tmp_path) == first
