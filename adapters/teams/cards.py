"""Reply → Adaptive Card (pure; no botbuilder here).

Teams refuses messages over about 28 KB, so a card is rebuilt with tighter text and row limits until
its JSON fits `max_bytes`; what was cut is said on the card. Buttons become Action.Execute (Universal
Actions, so the invoke can answer in place) with an Action.Submit fallback for older clients.
A TextBlock shows Markdown tables as raw pipes, so tables the model writes become Table elements.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from adapters.teams.activities import ACTION_KEY
from adapters.teams.markdown import card_pieces
from adapters.teams.markdown import markdown_for_card as markdown_for_card  # re-exported: callers know it here
from adapters.teams.markdown import split_markdown_tables as split_markdown_tables
from bot.conversation import Button, Buttons, DepartmentSummary, FilePart, Reply, Section, Table
from bot.i18n import t

CARD_VERSION = "1.5"  # Table needs 1.5, Action.Execute 1.4; Teams desktop, web and mobile render 1.5
MAX_CARD_BYTES = 24_000  # Teams' limit is ~28 KB for the whole message; leave room for the envelope
_LIMITS: tuple[tuple[int | None, int | None], ...] = (
    (None, None),
    (8000, 60),
    (4000, 30),
    (2000, 12),
    (900, 6),
    (300, 3),
)
FileLink = Callable[[FilePart], str]


# Above this many characters of Markdown a reply is parsed in a worker thread before its card is built.
OFF_LOOP_CHARS = 4_000


async def parse_off_loop(reply: Reply) -> None:
    """Parse a long reply's Markdown in a worker thread, so building its card on the event loop stays cheap."""
    sections = [p for p in reply.parts if isinstance(p, Section)]
    if len(reply.text) + sum(len(p.body) for p in sections) >= OFF_LOOP_CHARS:
        await asyncio.to_thread(lambda: [reply.document, *(p.document for p in sections)])


def card_size(card: dict[str, Any]) -> int:
    return len(json.dumps(card, ensure_ascii=False).encode("utf-8"))


def reply_card(
    reply: Reply, *, locale: str = "ko", file_link: FileLink | None = None, max_bytes: int = MAX_CARD_BYTES
) -> dict[str, Any]:
    """The reply as one Adaptive Card within `max_bytes` (tables as Table elements, notice and sources as footer)."""
    card: dict[str, Any] = {}
    # The reply's parsed Markdown as TextBlock runs and tables, once, whatever the limits tried.
    sections = [(p.heading, card_pieces(p.document)) for p in reply.parts if isinstance(p, Section)]
    pieces = card_pieces(reply.document) if reply.text and not sections else []
    for text_limit, row_limit in _LIMITS:
        card = _build(reply, locale, file_link, text_limit, row_limit, sections, pieces)
        if card_size(card) <= max_bytes:
            return card
    return card  # the tightest rendering; only pathological inputs (hundreds of buttons) get here


def plain_text(reply: Reply, limit: int | None = None) -> str:
    """A text rendering for notifications and clients that cannot show cards."""
    pieces = [_clip(reply.text, limit)]
    if reply.notice:
        pieces.append(reply.notice)
    return "\n\n".join(p for p in pieces if p)


def _clip(text: str, limit: int | None) -> str:
    if limit is None or len(text) <= limit:
        return text
    return text[:limit].rstrip() + "…"


def _text_block(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **extra}


def _build(
    reply: Reply,
    locale: str,
    file_link: FileLink | None,
    text_limit: int | None,
    row_limit: int | None,
    sections: list[tuple[str, list[str | Table]]],
    pieces: list[str | Table],
) -> dict[str, Any]:
    body: list[dict[str, Any]] = []
    actions: list[dict[str, Any]] = []
    truncated = False
    if reply.assistant and reply.kind == "answer":
        body.append(_text_block(f"🤖 {reply.assistant}", size="Small", isSubtle=True, spacing="None"))
    if sections:
        # The sections are the answer split by the assistant's output template: show them instead of the raw text.
        budget = None if text_limit is None else max(text_limit // len(sections), 200)
        for heading, section_pieces in sections:
            body.append(_text_block(heading, weight="Bolder", size="Medium", spacing="Medium"))
            elements, cut = _markdown_elements(section_pieces, row_limit, budget)
            truncated |= cut
            if elements:
                elements[0]["spacing"] = "Small"
            body.extend(elements)
    elif reply.text:
        elements, cut = _markdown_elements(pieces, row_limit, text_limit)
        truncated |= cut
        if reply.kind in ("error", "refusal"):
            body.append(
                {"type": "Container", "style": "attention" if reply.kind == "error" else "warning", "items": elements}
            )
        else:
            body.extend(elements)
    for part in reply.parts:
        if isinstance(part, Table):
            table, cut = _table(part, row_limit, text_limit)
            truncated |= cut
            body.extend(table)
        elif isinstance(part, FilePart):
            body.append(_file(part, locale))
            if file_link is not None:
                actions.append(
                    {
                        "type": "Action.OpenUrl",
                        "title": t("teams_file_open", locale, name=part.name),
                        "url": file_link(part),
                    }
                )
        elif isinstance(part, Buttons):
            actions.extend(_action(b, locale) for b in part.buttons)
    if truncated:
        body.append(_text_block(t("teams_truncated", locale), size="Small", isSubtle=True, color="Warning"))
    footer = _footer(reply, locale)
    if footer:
        body.append({"type": "Container", "separator": True, "spacing": "Medium", "items": footer})
    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "body": body or [_text_block(" ")],
        "msteams": {"width": "Full"},
        "fallbackText": plain_text(reply, text_limit if text_limit is not None else 4000),
    }
    if actions:
        card["actions"] = actions
    return card


_TABLE_CELL_COST = 20  # characters of text budget a table cell is charged besides its own text (its JSON weight)


def _markdown_elements(
    pieces: list[str | Table], row_limit: int | None, text_limit: int | None
) -> tuple[list[dict[str, Any]], bool]:
    """Markdown runs as TextBlocks and tables as Table elements, within `text_limit` characters in all
    (a table is charged for the cells it shows); returns the elements and whether anything was cut."""
    elements: list[dict[str, Any]] = []
    budget = text_limit
    for piece in pieces:
        if budget is not None and budget <= 0:
            return elements, True  # what is left does not fit at this size
        if isinstance(piece, Table):
            table, cut = _table(piece, row_limit, text_limit)
            elements.extend(table)
            if budget is not None:
                shown = (piece.columns, *piece.rows[: row_limit if row_limit is not None else len(piece.rows)])
                budget -= sum(len(cell) + _TABLE_CELL_COST for row in shown for cell in row)
            if cut:
                return elements, True
        else:
            clipped = _clip(piece, budget)
            elements.append(_text_block(clipped))
            if clipped != piece:
                return elements, True
            if budget is not None:
                budget -= len(piece)
    return elements, False


def _table(part: Table, row_limit: int | None, text_limit: int | None) -> tuple[list[dict[str, Any]], bool]:
    rows = part.rows if row_limit is None else part.rows[:row_limit]
    cell_limit = None if text_limit is None else max(text_limit // 40, 40)
    elements: list[dict[str, Any]] = []
    if part.title:
        elements.append(_text_block(part.title, weight="Bolder", spacing="Medium"))

    def row(cells: tuple[str, ...], header: bool = False) -> dict[str, Any]:
        padded = tuple(cells) + ("",) * (len(part.columns) - len(cells))
        return {
            "type": "TableRow",
            "cells": [
                {
                    "type": "TableCell",
                    "items": [
                        _text_block(_clip(str(c), cell_limit) or " ", **({"weight": "Bolder"} if header else {}))
                    ],
                }
                for c in padded[: len(part.columns)]
            ],
        }

    elements.append(
        {
            "type": "Table",
            "gridStyle": "accent",
            "firstRowAsHeader": True,
            "columns": [{"width": 1} for _ in part.columns],
            "rows": [row(part.columns, header=True)] + [row(r) for r in rows],
        }
    )
    cut = len(rows) < len(part.rows)
    if cut:
        elements.append(_text_block(f"… {len(part.rows) - len(rows):,}", size="Small", isSubtle=True))
    return elements, cut


def _file(part: FilePart, locale: str) -> dict[str, Any]:
    size_kb = max(1, round(len(part.data) / 1024))
    return {
        "type": "Container",
        "style": "emphasis",
        "items": [_text_block(f"📎 **{part.title or part.name}**  ({part.name}, {size_kb:,} KB)")],
    }


def _data(button: Button) -> dict[str, Any]:
    return {ACTION_KEY: button.action, "value": button.value}


def _execute(button: Button, title: str | None = None) -> dict[str, Any]:
    action: dict[str, Any] = {
        "type": "Action.Execute",
        "title": title or button.label,
        "verb": button.action,
        "data": _data(button),
        "fallback": {"type": "Action.Submit", "title": title or button.label, "data": _data(button)},
    }
    if button.style == "primary":
        action["style"] = "positive"
    elif button.style == "danger":
        action["style"] = "destructive"
    return action


def _action(button: Button, locale: str) -> dict[str, Any]:
    if not button.confirm:
        return _execute(button)
    # A confirmation first: the button opens a small card asking the question, whose button runs the action.
    return {
        "type": "Action.ShowCard",
        "title": button.label,
        "card": {
            "type": "AdaptiveCard",
            "version": CARD_VERSION,
            "body": [_text_block(button.confirm)],
            "actions": [_execute(button, t("teams_confirm_yes", locale, label=button.label))],
        },
    }


def _footer(reply: Reply, locale: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    if reply.sources:
        lines = "\n".join(f"- {s}" for s in reply.sources[:10])
        heading = t("teams_sources", locale)
        items.append(_text_block(f"**{heading}**\n{lines}", size="Small"))
    if reply.notice:
        items.append(_text_block(reply.notice, size="Small", isSubtle=True))
    return items


# ---- other cards -----------------------------------------------------------------------------


def welcome_card(
    organisation: str,
    summary: DepartmentSummary | None,
    *,
    locale: str = "ko",
    personal: bool = True,
    unknown_text: str = "",
) -> dict[str, Any]:
    """Shown when govbot is added to a chat or team: who the user is to govbot and what to ask first.
    Starter buttons send the question as if typed (Teams' imBack), so the answer lands in the chat."""
    body: list[dict[str, Any]] = [
        _text_block(t("teams_welcome_title", locale, organisation=organisation), size="Large", weight="Bolder")
    ]
    actions: list[dict[str, Any]] = []
    if summary is None:
        body.append(_text_block(unknown_text or t("teams_welcome_general", locale)))
    else:
        body.append(
            _text_block(t("teams_welcome_user", locale, name=summary.user_name, department=summary.department_name))
        )
        limit = f"{summary.tokens_limit_month:,}" if summary.tokens_limit_month else "∞"
        body.append(
            {
                "type": "FactSet",
                "facts": [
                    {"title": t("teams_welcome_department", locale), "value": summary.department_name},
                    {"title": t("teams_welcome_quota", locale), "value": f"{summary.tokens_used_month:,} / {limit}"},
                ],
            }
        )
        if summary.assistants:
            lines = "\n".join(f"- **{name}** — {description}" for name, description in summary.assistants[:8])
            heading = t("teams_welcome_assistants", locale)
            body.append(_text_block(f"**{heading}**\n{lines}", spacing="Medium"))
        for starter in summary.starters[:6]:
            actions.append(
                {"type": "Action.Submit", "title": starter, "data": {"msteams": {"type": "imBack", "value": starter}}}
            )
    hint = t("teams_welcome_hint_personal", locale) if personal else t("teams_welcome_hint_channel", locale)
    body.append(_text_block(hint, size="Small", isSubtle=True, spacing="Medium"))
    card: dict[str, Any] = {"type": "AdaptiveCard", "version": CARD_VERSION, "body": body, "fallbackText": hint}
    if actions:
        card["actions"] = actions
    return card
