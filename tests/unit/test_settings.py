from __future__ import annotations

from pathlib import Path

import pytest

from bots.settings import Settings, SettingsError, load_settings


def test_defaults():
    settings = load_settings(environ={})
    assert settings.default_locale == "vi"
    assert settings.timezone == "Asia/Ho_Chi_Minh"
    assert settings.database_url.startswith("sqlite:///")
    assert str(settings.public_url) == "http://127.0.0.1:8000/"


@pytest.mark.parametrize(
    ("environ", "url"),
    [
        ({"THIDUA_PORT": "8731"}, "http://127.0.0.1:8731/"),
        ({"THIDUA_HOST": "0.0.0.0", "THIDUA_PORT": "9000"}, "http://127.0.0.1:9000/"),
        ({"THIDUA_HOST": "192.168.1.20"}, "http://192.168.1.20:8000/"),
        (
            {"THIDUA_PORT": "8731", "THIDUA_PUBLIC_URL": "https://thidua.example.vn"},
            "https://thidua.example.vn/",
        ),
    ],
)
def test_links_point_where_the_server_listens_unless_a_public_url_is_set(
    environ: dict[str, str], url: str
):
    assert str(load_settings(environ=environ).public_url) == url


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"THIDUA_DEFAULT_LOCALE": "fr"}, "THIDUA_DEFAULT_LOCALE"),
        ({"THIDUA_TIMEZONE": "Mars/Olympus"}, "THIDUA_TIMEZONE"),
        ({"THIDUA_PUBLIC_URL": "not a url"}, "THIDUA_PUBLIC_URL"),
        ({"THIDUA_DATABASE_URL": "mysql://x"}, "THIDUA_DATABASE_URL"),
        ({"THIDUA_DATABASE_URL": "postgresql+psycopg2://db/x"}, "THIDUA_DATABASE_URL"),
        ({"THIDUA_DATABASE_URL": "postgresql+asyncpg://db/x"}, "THIDUA_DATABASE_URL"),
        ({"THIDUA_DATABASE_URL": "postgresqlx://db/x"}, "THIDUA_DATABASE_URL"),
        ({"THIDUA_PORT": "99999"}, "THIDUA_PORT"),
        ({"THIDUA_DATABSE_URL": "sqlite:///x.db"}, "THIDUA_DATABSE_URL"),
    ],
)
def test_bad_values_stop_start_up_naming_the_variable(environ: dict[str, str], named: str):
    with pytest.raises(SettingsError) as err:
        load_settings(environ=environ)
    assert named in str(err.value)


@pytest.mark.parametrize(
    "url", ["postgresql://db/x", "postgres://db/x", "postgresql+psycopg://db/x", "sqlite:///x.db"]
)
def test_database_urls_the_product_runs_on(url: str):
    assert load_settings(environ={"THIDUA_DATABASE_URL": url}).database_url == url


def test_test_variables_are_not_unknown_settings():
    settings = load_settings(environ={"THIDUA_TEST_POSTGRES_URL": "postgresql://x/test"})
    assert settings.default_locale == "vi"


def test_env_file_is_read_and_checked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for key in [k for k in __import__("os").environ if k.startswith("THIDUA_")]:
        monkeypatch.delenv(key)
    (tmp_path / ".env").write_text("THIDUA_DEFAULT_LOCALE=en\n", encoding="utf-8")
    assert load_settings().default_locale == "en"
    (tmp_path / ".env").write_text("THIDUA_NO_SUCH_THING=1\n", encoding="utf-8")
    with pytest.raises(SettingsError) as err:
        load_settings()
    assert "no_such_thing" in str(err.value).lower()


def test_secrets_are_not_shown_in_repr():
    settings = load_settings(environ={"THIDUA_ADMIN_TOKEN": "s3cret-value"})
    assert "s3cret-value" not in repr(settings)
    assert settings.admin_token is not None
    assert settings.admin_token.get_secret_value() == "s3cret-value"


def test_readme_lists_every_setting() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    names = [f"THIDUA_{name.upper()}" for name in Settings.model_fields]
    assert [env for env in names if env not in readme] == []


def test_the_readme_settings_table_lists_every_setting():
    """README's settings table names every THIDUA_ variable the application reads."""
    from bots.settings import PROJECT_ROOT

    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    table = "\n".join(line for line in readme.splitlines() if line.startswith("|"))
    missing = [f"THIDUA_{n.upper()}" for n in Settings.model_fields]
    missing = [name for name in missing if f"`{name}`" not in table]
    assert not missing, f"README's settings table lacks {missing}"
