"""Settings come from the environment and fail with one clear line."""

import pytest

from bot.core.settings import SettingsError, load_settings


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


GOOD_SECRET = "Zq7-webhook_secret-Kp2"


def test_webhook_mode_without_a_secret_is_refused_in_one_line() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None, webhook_url="https://bot.example.edu.vn/hook")
    message = str(caught.value)
    assert message.startswith("SCHOOLBOT_WEBHOOK_SECRET:")
    assert "secrets.token_urlsafe(32)" in message and "\n" not in message
    # An empty value, as .env.example ships it, is no secret either.
    with pytest.raises(SettingsError, match=r"^SCHOOLBOT_WEBHOOK_SECRET:"):
        load_settings(
            _env_file=None, webhook_url="https://bot.example.edu.vn/hook", webhook_secret=""
        )


@pytest.mark.parametrize(
    "secret",
    [
        "short-secret",
        "has spaces in it, longer",
        "dấu-tiếng-việt-1234567",
        "x" * 257,
        "a+b/c=d" * 4,
    ],
)
def test_a_webhook_secret_telegram_would_refuse_or_a_weak_one_is_refused(secret: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(
            _env_file=None, webhook_url="https://bot.example.edu.vn/hook", webhook_secret=secret
        )
    message = str(caught.value)
    assert message.startswith("SCHOOLBOT_WEBHOOK_SECRET:") and "16 to 256" in message
    assert secret not in message


def test_webhook_listens_on_the_urls_own_path_and_empty_values_mean_polling() -> None:
    settings = load_settings(
        _env_file=None,
        webhook_url="https://bot.example.edu.vn/tg/hook",
        webhook_secret=GOOD_SECRET,
    )
    assert settings.webhook_path == "/tg/hook"
    assert settings.webhook_secret is not None
    assert settings.webhook_secret.get_secret_value() == GOOD_SECRET
    bare = load_settings(
        _env_file=None, webhook_url="https://bot.example.edu.vn", webhook_secret=GOOD_SECRET
    )
    assert bare.webhook_path == "/"
    polling = load_settings(_env_file=None, webhook_url="", webhook_secret="")
    assert polling.webhook_url is None and polling.webhook_secret is None
    with pytest.raises(SettingsError, match=r"^SCHOOLBOT_WEBHOOK_URL:"):
        load_settings(
            _env_file=None, webhook_url="bot.example.edu.vn/hook", webhook_secret=GOOD_SECRET
        )
