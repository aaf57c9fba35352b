"""Settings: the only place that reads the environment (prefix THIDUA_, `.env` supported)."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AnyHttpUrl,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from adapters.facebook.outbound import CALL_TIMEOUT as FACEBOOK_CALL_TIMEOUT
from adapters.facebook.traits import TRAITS as FACEBOOK
from adapters.telegram.traits import TRAITS as TELEGRAM
from adapters.zalo.outbound import CALL_TIMEOUT as ZALO_CALL_TIMEOUT
from adapters.zalo.traits import REQUESTS_PER_MINUTE as ZALO_PER_MINUTE
from adapters.zalobot.traits import MAX_SEND_RATE as ZALOBOT_MAX_RATE
from core.delivery_policy import parse_quiet_hours

PREFIX = "THIDUA_"
RESERVED_PREFIXES = ("THIDUA_TEST_",)  # read by the test suite, not by the application
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(SystemExit):
    """Start-up stops with a message that names the variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="forbid",
        case_sensitive=False,
    )

    database_url: str = "sqlite:///./var/thidua.db"
    default_locale: Literal["vi", "en"] = "vi"
    timezone: str = "Asia/Ho_Chi_Minh"
    public_url: AnyHttpUrl = AnyHttpUrl("http://127.0.0.1:8000")
    admin_token: SecretStr | None = None
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    locales_dir: Path = PROJECT_ROOT / "locales"
    webhook_body_limit: int = Field(default=1_000_000, ge=1024)
    # seconds an idle pooled connection to a platform's API is kept for the next call: below
    # the shortest idle timeout of the servers in between, so that we close it first and
    # never write a send on a connection the server is closing (a send then fails on the
    # wire, its retry may repeat it): uvicorn's 5 s default (the fakes, a local Bot API
    # behind one), nginx's 75 s, cloud load balancers' 60 s. httpx's own default is 5 s.
    http_keepalive_expiry: float = Field(default=4.0, gt=0, le=300)

    # Telegram (issue 3)
    telegram_token: SecretStr | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_api_base: str = "https://api.telegram.org"
    telegram_bot_username: str | None = None
    # msg/s, all chats; None: the documented rate (adapters/telegram/traits.py)
    telegram_overall_rate: float | None = Field(default=None, gt=0, le=TELEGRAM.send_rate)
    telegram_paid_broadcast: bool = False  # announcements at up to 1000/s, 0.1 Star each
    telegram_timeout: float = Field(default=5.0, gt=0, le=120)  # seconds per Bot API call

    # Facebook Messenger (issue 4)
    facebook_page_token: SecretStr | None = None
    facebook_app_secret: SecretStr | None = None
    facebook_verify_token: SecretStr | None = None
    facebook_graph_base: str = "https://graph.facebook.com/v23.0"
    facebook_page_username: str | None = None
    # Send API calls/s per Page; None: the documented rate (adapters/facebook/traits.py)
    facebook_send_rate: float | None = Field(default=None, gt=0, le=FACEBOOK.send_rate)
    # seconds before a Send API call with no answer is given up (and retried)
    facebook_timeout: float = Field(default=FACEBOOK_CALL_TIMEOUT, gt=0, le=120)

    # Zalo Official Account (issue 5)
    zalo_app_id: str | None = None
    zalo_app_secret: SecretStr | None = None
    zalo_webhook_secret: SecretStr | None = None
    zalo_access_token: SecretStr | None = None
    zalo_refresh_token: SecretStr | None = None
    zalo_api_base: str = "https://openapi.zalo.me"
    zalo_oauth_base: str = "https://oauth.zaloapp.com"
    zalo_announcement_template_id: str | None = None
    zalo_announcement_template_param: str = "content"  # the template's one text parameter
    zalo_webhook_window_seconds: int = Field(default=300, ge=10)  # older signed events: refused
    zalo_billable_proactive: bool = False  # may announcements use the billed 48 h-7 day window
    # this process's share; None: the app's whole documented rate (adapters/zalo/traits.py)
    zalo_rate_limit_per_minute: int | None = Field(default=None, ge=1, le=ZALO_PER_MINUTE)
    # seconds before an OA API call with no answer is given up (and retried)
    zalo_timeout: float = Field(default=ZALO_CALL_TIMEOUT, gt=0, le=120)

    # Zalo Bot Platform (issue 18): a bot any officer creates from their own Zalo account
    zalobot_token: SecretStr | None = None  # `<bot id>:<secret>`, sent by Zalo Bot Manager
    zalobot_webhook_secret: SecretStr | None = None  # 8-256 characters, given to setWebhook
    zalobot_api_base: str = "https://bot-api.zaloplatforms.com"
    # the bot's link from Zalo Bot Creator (its QR code goes on the invite poster)
    zalobot_share_link: AnyHttpUrl | None = None
    # messages a second for the bot; Zalo publishes no number (adapters/zalobot/traits.py)
    zalobot_send_rate: float | None = Field(default=None, gt=0, le=ZALOBOT_MAX_RATE)

    # Campaigns and broadcasts (issue 6)
    quiet_hours: str = "21:00-07:00"  # local time; announcements and reminders wait for its end
    campaign_reminder_days: int = Field(default=3, ge=0, le=60)  # reminder before a campaign ends
    delivery_lease_seconds: int = Field(default=3, ge=2)  # renewed while alive; returns after it
    broadcast_batch: int = Field(default=1000, ge=10, le=10_000)  # recipients per transaction
    scheduler_interval_seconds: float = Field(default=5.0, gt=0)  # how often due work is checked
    worker_restart_seconds: float = Field(default=1.0, gt=0, le=60)  # serve's child: first back-off
    worker_niceness: int = Field(default=10, ge=0, le=19)  # workers yield the CPU to webhooks
    # Linux: a worker's processing thread in the idle scheduling class (SCHED_IDLE)
    worker_idle_scheduling: bool = True
    # Raw webhook updates wait in this local file until processing moves them into the database.
    # Unset: beside a SQLite database file, none on PostgreSQL (docs/operations.md).
    inbound_spool: Path | None = None

    # Initiatives and commendations (issue 8)
    initiative_review_reminder_days: int = Field(default=3, ge=1, le=60)  # review waiting: remind
    attachments_dir: Path = Path("./var/attachments")  # files of initiatives, never in the DB
    attachment_max_mb: int = Field(default=20, ge=1, le=100)  # per file (Bot API downloads: 20)
    attachment_types: str = (  # file extensions accepted; executables are refused whatever
        "jpg,jpeg,png,webp,heic,gif,pdf,doc,docx,xls,xlsx,ppt,pptx,txt,mp4"
    )

    # Officer web UI (issue 9)
    web_ui: bool = False  # serve the officer pages under /web
    web_secret: SecretStr | None = None  # signs the session cookies; 32+ characters
    web_session_hours: int = Field(default=12, ge=1, le=168)  # a sign-in lasts this long
    web_secure_cookies: bool = False  # set on HTTPS deployments: cookies only over TLS
    # Addresses or networks (comma-separated, e.g. "127.0.0.1, 10.0.0.0/8") of the reverse
    # proxies whose X-Forwarded-For is believed; empty: the socket's peer is the client
    trusted_proxies: str = ""

    # Privacy (issue 15): the key of the keyed hashes kept after /forget (one quiz attempt per
    # person); unset: a key generated once and kept in the database (docs/privacy.md)
    privacy_key: SecretStr | None = Field(default=None, min_length=32)
    # Retention (days; 0: kept): docs/privacy.md says what each covers and why these defaults
    retention_sent_message_days: int = Field(default=30, ge=0)  # texts of messages sent
    retention_webchat_days: int = Field(default=30, ge=0)  # the web chat's history
    retention_code_days: int = Field(default=1, ge=0)  # expired or used sign-in and link codes
    retention_draft_days: int = Field(default=90, ge=0)  # initiatives never sent

    @model_validator(mode="after")
    def _web_secret_when_on(self) -> Settings:
        if self.web_ui:
            secret = self.web_secret.get_secret_value() if self.web_secret else ""
            if len(secret) < 32:
                raise ValueError("THIDUA_WEB_UI needs THIDUA_WEB_SECRET (32+ characters)")
        return self

    @model_validator(mode="after")
    def _public_url_follows_the_port(self) -> Settings:
        """Without THIDUA_PUBLIC_URL, links (the demo's addresses, /signin's, /mydata's) point
        where `thidua serve` listens: THIDUA_PORT=8731 makes them http://127.0.0.1:8731."""
        if "public_url" in self.model_fields_set or not {"host", "port"} & self.model_fields_set:
            return self
        host = "127.0.0.1" if self.host in {"", "0.0.0.0", "::"} else self.host
        host = f"[{host}]" if ":" in host else host
        self.public_url = AnyHttpUrl(f"http://{host}:{self.port}")
        return self

    @field_validator("zalobot_webhook_secret")
    @classmethod
    def _zalobot_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not 8 <= len(value.get_secret_value()) <= 256:
            raise ValueError("the Zalo Bot webhook secret must have 8-256 characters")
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_networks(cls, value: str) -> str:
        for part in value.split(","):
            if part.strip():
                try:
                    ipaddress.ip_network(part.strip(), strict=False)
                except ValueError as err:
                    raise ValueError(f"not an address or network: {part.strip()!r}") from err
        return value

    @property
    def trusted_proxy_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        parts = (p.strip() for p in self.trusted_proxies.split(","))
        return tuple(ipaddress.ip_network(p, strict=False) for p in parts if p)

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours(cls, value: str) -> str:
        parse_quiet_hours(value)
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        if value.startswith(("postgresql+", "postgres+")):
            if not value.startswith("postgresql+psycopg:"):
                raise ValueError("PostgreSQL is reached through psycopg 3: write postgresql://")
        elif not value.startswith(("sqlite:", "postgresql:", "postgres:")):
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        return value

    def sqlite_path(self) -> Path | None:
        if self.database_url.startswith("sqlite:///") and ":memory:" not in self.database_url:
            return Path(self.database_url.removeprefix("sqlite:///"))
        return None


def _unknown_variables(environ: dict[str, str]) -> list[str]:
    known = {PREFIX + name.upper() for name in Settings.model_fields}
    return sorted(
        key
        for key in environ
        if key.upper().startswith(PREFIX)
        and key.upper() not in known
        and not key.upper().startswith(RESERVED_PREFIXES)
    )


def load_settings(environ: dict[str, str] | None = None, **overrides: object) -> Settings:
    """Read and validate the settings; stop with a message naming each bad variable."""
    env = dict(os.environ if environ is None else environ)
    unknown = _unknown_variables(env)
    if unknown:
        raise SettingsError(
            "Unknown setting(s): " + ", ".join(unknown) + ". Check the spelling; the settings "
            "are listed in README.md."
        )
    try:
        if environ is None:
            return Settings(**overrides)  # type: ignore[arg-type]
        values = {
            key[len(PREFIX) :].lower(): value
            for key, value in env.items()
            if key.upper().startswith(PREFIX) and not key.upper().startswith(RESERVED_PREFIXES)
        }
        return Settings(_env_file=None, **{**values, **overrides})  # type: ignore[call-arg]
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = PREFIX + "_".join(str(p) for p in error["loc"]).upper()
            problems.append(f"{name}: {error['msg']}")
        raise SettingsError("Invalid setting(s):\n  " + "\n  ".join(problems)) from None
