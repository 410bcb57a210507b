"""Markdown, parsed once: the document model (`model`), markdown-it-py → model (`parse`), and a templated
answer's sections (`sections`). Adapters render the model natively (Slack mrkdwn, Adaptive Cards, HTML)."""

from bot.markdown.model import Document, plain
from bot.markdown.parse import parse

__all__ = ["Document", "parse", "plain"]
