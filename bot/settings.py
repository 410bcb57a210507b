"""Process settings from the environment (prefix GOVBOT_, `.env` supported).

Only what differs between installations of the same office lives here; everything the office
decides (departments, assistants, policies) lives in app.yaml. Secrets never go in app.yaml.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.documents.limits import DocumentLimits


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GOVBOT_", env_file=".env", extra="ignore")

    config: Path = Field(Path("app.yaml"), description="Path of app.yaml")
    database_url: str = Field("sqlite+aiosqlite:///govbot.db", description="SQLAlchemy async URL")
    database_schema: str | None = Field(None, description="PostgreSQL schema (search_path) for this installation")
    redis_url: str | None = Field(None, description="Optional Redis for shared short-lived state")
    host: str = "127.0.0.1"
    port: int = 8080
    log_level: str = "INFO"
    # The intranet's reverse proxy puts the signed-in user's login id in this header.
    web_user_header: str = "X-Forwarded-User"
    # Optional header with the user's directory groups (comma separated), mapped to departments.
    web_groups_header: str = "X-Forwarded-Groups"
    # Development only: the web chat offers a name picker when no user header is present.
    web_dev_login: bool = True
    max_upload_mb: int = 20
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
    # Microsoft Teams (adapters/teams). Bot Framework credentials use Microsoft's own names (MicrosoftAppId, …).
    teams_public_url: str | None = Field(
        None, description="Base URL Teams users can open for result files (default: public_url)"
    )
    teams_service_url: str | None = Field(
        None, description="Bot Connector URL for posting to channels not heard from since start"
    )
    teams_update_seconds: float = Field(1.5, description="Minimum interval between updates of the '작성 중…' message")
    # Slack (adapters/slack). Credentials use Slack's own variable names, without the GOVBOT_ prefix.
    slack_bot_token: SecretStr | None = Field(None, validation_alias=AliasChoices("SLACK_BOT_TOKEN", "slack_bot_token"))
    slack_signing_secret: SecretStr | None = Field(
        None, validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "slack_signing_secret")
    )
    slack_app_token: SecretStr | None = Field(None, validation_alias=AliasChoices("SLACK_APP_TOKEN", "slack_app_token"))
    slack_api_url: str | None = Field(None, description="Slack Web API base URL, e.g. an on-premises proxy")
    slack_socket_mode: bool = False  # connect out over a WebSocket instead of receiving HTTP
    slack_answer_bots: bool = False  # answer messages written by other bots (never our own)
    slack_update_seconds: float = 1.5  # how often a streaming answer edits its "작성 중…" message

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
