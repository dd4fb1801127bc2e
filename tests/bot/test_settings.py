"""Settings come from the environment and fail with one clear line."""

import pytest

from bot.settings import SettingsError, load_settings


def test_defaults_are_the_embedded_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SCHOOLBOT_DATABASE_URL", "SCHOOLBOT_TOKEN", "SCHOOLBOT_API_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings(_env_file=None)
    assert settings.database_url == "sqlite+aiosqlite:///schoolbot.db"
    assert settings.timezone == "Asia/Ho_Chi_Minh"
    assert settings.token is None
    assert settings.bot_api_url == "https://api.telegram.org/bot"


def test_token_is_secret_and_base_url_accepts_the_bot_suffix(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SCHOOLBOT_TOKEN", "123:ABC")
    monkeypatch.setenv("SCHOOLBOT_API_BASE_URL", "http://127.0.0.1:8081/bot/")
    settings = load_settings(_env_file=None)
    assert "123:ABC" not in repr(settings)
    assert settings.bot_api_url == "http://127.0.0.1:8081/bot"
    assert settings.file_api_url == "http://127.0.0.1:8081/file/bot"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SCHOOLBOT_TIMEZONE", "Asia/Hanoi_City"),
        ("SCHOOLBOT_DATABASE_URL", "not a url"),
        ("SCHOOLBOT_API_BASE_URL", "api.telegram.org"),
        ("SCHOOLBOT_SCHOOL", "Trường A"),
    ],
)
def test_bad_values_give_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None)
    message = str(caught.value)
    assert message.startswith(name + ":")
    assert "\n" not in message
