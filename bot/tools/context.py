"""A tool's context from app.yaml: its own section's settings and today in the office's time zone; for a tool
that reads files, the turn's attachments it reads and the document worker it reads them in."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.config import AppConfig, section
from bot.conversation import Attachment
from bot.documents import DocumentWorker
from bot.tools.base import Tool, ToolContext


def office_today(config: AppConfig) -> date:
    return datetime.now(ZoneInfo(config.organisation.timezone)).date()


def tool_context(
    tool: Tool,
    config: AppConfig,
    locale: str,
    today: date | None = None,
    *,
    attachments: Sequence[Attachment] = (),
    documents: DocumentWorker | None = None,
) -> ToolContext:
    settings = section(config, tool.section, tool.settings_model) if tool.section and tool.settings_model else None
    files = tuple(a for a in attachments if tool.reads(a)) if tool.reads_files else ()
    return ToolContext(settings, today or office_today(config), locale, files, documents if tool.reads_files else None)
