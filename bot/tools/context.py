"""A tool's context from app.yaml: its own section's settings and today in the office's time zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.config import AppConfig, section
from bot.tools.base import Tool, ToolContext


def office_today(config: AppConfig) -> date:
    return datetime.now(ZoneInfo(config.organisation.timezone)).date()


def tool_context(tool: Tool, config: AppConfig, locale: str, today: date | None = None) -> ToolContext:
    settings = section(config, tool.section, tool.settings_model) if tool.section and tool.settings_model else None
    return ToolContext(settings, today or office_today(config), locale)
