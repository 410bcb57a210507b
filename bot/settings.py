"""Process settings from the environment (prefix GOVBOT_, `.env` supported).

Only what differs between installations of the same office lives here; everything the office
decides (departments, assistants, policies) lives in app.yaml. Secrets never go in app.yaml.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.documents.limits import DocumentLimits

# Comma-separated in the environment: GOVBOT_TEAMS_ONPREM_FILE_HOSTS=files.intra.go.kr,127.0.0.1:9000
HostPatterns = Annotated[tuple[str, ...], NoDecode]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GOVBOT_", env_file=".env", extra="ignore")

    config: Path = Field(Path("app.yaml"), description="Path of app.yaml")
    database_url: str = Field("sqlite+aiosqlite:///govbot.db", description="SQLAlchemy async URL")
    database_schema: str | None = Field(None, description="PostgreSQL schema (search_path) for this installation")
    redis_url: str | None = Field(None, description="Optional Redis for shared short-lived state")
    # Every Redis key of this installation starts with it (several installations, or test runs, on one Redis).
    redis_prefix: str = Field("govbot:", description="Prefix of this installation's Redis keys")
    host: str = "127.0.0.1"
    port: int = 8080
    log_level: str = "INFO"
    # The intranet's reverse proxy puts the signed-in user's login id in this header.
    web_user_header: str = "X-Forwarded-User"
    # Optional header with the user's directory groups (comma separated), mapped to departments.
    web_groups_header: str = "X-Forwarded-Groups"
    # Development only: the web chat offers a name picker when no user header is present.
    web_dev_login: bool = True
    # Extra origins (scheme://host[:port]) allowed to post to the web chat, e.g. a portal that embeds it.
    # The chat's own origin is always allowed; anything else is refused as cross-site (CSRF).
    web_allowed_origins: list[str] = Field(default_factory=list)
    max_upload_mb: int = 20
    # The audit chain's HMAC key: never in app.yaml or the database (see bot/audit/keys.py).
    audit_key: SecretStr | None = Field(None, description="HMAC key of the audit chain (GOVBOT_AUDIT_KEY)")
    audit_key_file: Path = Field(
        Path(".govbot-audit-key"), description="Development only: key file used when GOVBOT_AUDIT_KEY is unset"
    )
    # Quota reservations of a process that died are given back this long after its last renewal;
    # every serve process renews its own and sweeps expired ones every quota_sweep_seconds.
    quota_lease_seconds: float = Field(60.0, gt=0)
    quota_sweep_seconds: float = Field(15.0, gt=0)
    # How often every serve process removes metadata older than app.yaml's retention.metadata_days (first at start).
    purge_interval_hours: float = Field(24.0, gt=0)
    # Longest message text accepted (characters), checked before quota so a huge paste gets a clear answer.
    max_message_chars: int = Field(20_000, ge=100)
    # Reading attachments and complaint lists (bot/documents/limits.py): what one file may cost.
    document_unpacked_mb: int = Field(
        100, ge=1, description="Max uncompressed size of all members of one XLSX/DOCX/HWPX"
    )
    document_ratio: int = Field(100, ge=2, description="Max compression ratio of one archive member (zip bombs)")
    document_members: int = Field(2000, ge=1, description="Max files inside one XLSX/DOCX/HWPX")
    document_pdf_pages: int = Field(500, ge=1, description="Max pages of one PDF")
    document_memory_mb: int = Field(1024, ge=256, description="Address-space cap of one reading worker process")
    document_seconds: float = Field(30.0, gt=0, description="Time one file may take in a worker before it is killed")
    document_workers: int = Field(2, ge=1, le=16, description="Worker processes that read files")
    # /metrics (Prometheus): answered to peers in metrics_allow, or to anyone sending the bearer token.
    metrics_token: SecretStr | None = Field(None, description="Bearer token that may scrape /metrics from anywhere")
    metrics_allow: tuple[str, ...] = Field(
        ("127.0.0.1/32", "::1/128"), description="Networks that may scrape /metrics without the token, comma separated"
    )
    # Microsoft Teams (adapters/teams). Bot Framework credentials use Microsoft's own names (MicrosoftAppId, …).
    teams_public_url: str | None = Field(
        None, description="Base URL Teams users can open for result files (default: public_url)"
    )
    teams_service_url: str | None = Field(
        None, description="Bot Connector URL for posting to channels not heard from since start"
    )
    teams_update_seconds: float = Field(1.5, description="Minimum interval between updates of the '작성 중…' message")
    # Attachments are downloaded only from Teams' own hosts (SSRF guard, bot/net/safe_fetch.py). On-premises servers
    # and test fakes must be named here; they may use plain HTTP and private/loopback addresses.
    teams_onprem_file_hosts: HostPatterns = Field(
        (), description="Extra attachment hosts for on-premises/tests: host, *.domain or host:port, comma separated"
    )
    # Development only: without MicrosoftAppId, /api/messages is mounted unauthenticated for the Bot Framework
    # Emulator (or a fake connector), answering only TCP peers on this machine. Off: no Teams endpoint at all.
    teams_dev_emulator: bool = Field(False, description="Unauthenticated Teams endpoint for local development only")
    # Slack (adapters/slack). Credentials use Slack's own variable names, without the GOVBOT_ prefix.
    slack_bot_token: SecretStr | None = Field(None, validation_alias=AliasChoices("SLACK_BOT_TOKEN", "slack_bot_token"))
    slack_signing_secret: SecretStr | None = Field(
        None, validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "slack_signing_secret")
    )
    slack_app_token: SecretStr | None = Field(None, validation_alias=AliasChoices("SLACK_APP_TOKEN", "slack_app_token"))
    slack_api_url: str | None = Field(None, description="Slack Web API base URL, e.g. an on-premises proxy")
    # As for Teams: extra download hosts for on-premises/tests (the bot token still goes only to files.slack.com and
    # the slack_api_url host and port).
    slack_onprem_file_hosts: HostPatterns = Field(
        (), description="Extra file hosts for on-premises/tests: host, *.domain or host:port, comma separated"
    )
    slack_socket_mode: bool = False  # connect out over a WebSocket instead of receiving HTTP
    slack_answer_bots: bool = False  # answer messages written by other bots (never our own)
    slack_update_seconds: float = 1.5  # how often a streaming answer edits its "작성 중…" message

    @field_validator("teams_onprem_file_hosts", "slack_onprem_file_hosts", "metrics_allow", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    def document_limits(self) -> DocumentLimits:
        return DocumentLimits(
            unpacked_mb=self.document_unpacked_mb,
            ratio=self.document_ratio,
            members=self.document_members,
            pdf_pages=self.document_pdf_pages,
            memory_mb=self.document_memory_mb,
            seconds=self.document_seconds,
            workers=self.document_workers,
        )

    @property
    def public_url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host
        return f"http://{host}:{self.port}/"
