"""Reply → Slack messages (Block Kit + plain-text fallback), split within Slack's limits.

Pure: the caller posts the messages and uploads the reply's files. Limits from Slack's Block Kit
reference: 50 blocks a message, 3000 characters a section text, 10 fields of 2000 characters,
150 characters a header, 10 context elements, 25 buttons an actions block (75-character labels).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from adapters.slack.mrkdwn import escape, plain, split_text, to_mrkdwn, truncate
from bot.conversation import Button, Buttons, FilePart, Reply, Section, Table
from bot.i18n import t

MAX_BLOCKS = 50
SECTION_TEXT = 3000
FIELD_TEXT = 2000
FIELDS_PER_SECTION = 10
HEADER_TEXT = 150
CONTEXT_ELEMENTS = 10
CONTEXT_TEXT = 2000
BUTTONS_PER_BLOCK = 25
BUTTON_LABEL = 75
BUTTON_VALUE = 2000
FALLBACK_TEXT = 3000
# Tables with more rows than this become a monospaced block instead of one section per row.
ROWS_AS_FIELDS = 12
ACTION_PREFIX = "govbot:"

Block = dict[str, Any]


@dataclass
class SlackMessage:
    """One chat.postMessage worth: blocks and the fallback text Slack shows in notifications."""

    text: str
    blocks: list[Block] = field(default_factory=list)


def action_id(button: Button, index: int) -> str:
    """Block Kit action ids must be unique within a message; the action name comes first."""
    return f"{ACTION_PREFIX}{button.action}:{index}"


def action_name(action_id_value: str) -> str:
    """The adapter-neutral action name of a Block Kit action id made by `action_id`."""
    body = action_id_value.removeprefix(ACTION_PREFIX)
    return body.rsplit(":", 1)[0] if ":" in body else body


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _text_blocks(markdown: str) -> list[Block]:
    converted = to_mrkdwn(markdown).strip()
    return [_section(chunk) for chunk in split_text(converted, SECTION_TEXT)] if converted else []


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": truncate(text, limit) or " ", "emoji": True}


def _table_blocks(table: Table) -> list[Block]:
    blocks: list[Block] = []
    if table.title:
        blocks.append(_section(f"*{escape(truncate(table.title, SECTION_TEXT - 2))}*"))
    if not table.rows:
        return blocks
    if len(table.rows) <= ROWS_AS_FIELDS:
        for row in table.rows:
            fields = [
                {"type": "mrkdwn", "text": truncate(f"*{escape(column)}*\n{escape(value) or ' '}", FIELD_TEXT)}
                for column, value in zip(table.columns, row, strict=False)
            ]
            for start in range(0, len(fields), FIELDS_PER_SECTION):
                blocks.append({"type": "section", "fields": fields[start : start + FIELDS_PER_SECTION]})
        blocks.append({"type": "divider"})
        return blocks
    lines = [" | ".join(table.columns), *(" | ".join(row) for row in table.rows)]
    for chunk in split_text("\n".join(escape(line) for line in lines), SECTION_TEXT - 8):
        blocks.append(_section(f"```\n{chunk.strip('`').strip()}\n```"))
    return blocks


def _button(button: Button, index: int, locale: str) -> Block:
    element: Block = {
        "type": "button",
        "action_id": action_id(button, index),
        "text": _plain(button.label, BUTTON_LABEL),
        "value": button.value[:BUTTON_VALUE],
    }
    if button.style:
        element["style"] = button.style
    if button.confirm:
        yes, no = t("slack_confirm_yes", locale), t("slack_confirm_no", locale)
        title = t("slack_confirm_title", locale)
        element["confirm"] = {
            "title": _plain(title, 100),
            "text": _plain(button.confirm, 300),
            "confirm": _plain(yes, 30),
            "deny": _plain(no, 30),
        }
    return element


def _buttons_blocks(buttons: Buttons, start_index: int, locale: str) -> list[Block]:
    elements = [_button(b, start_index + i, locale) for i, b in enumerate(buttons.buttons)]
    return [
        {"type": "actions", "elements": elements[i : i + BUTTONS_PER_BLOCK]}
        for i in range(0, len(elements), BUTTONS_PER_BLOCK)
    ]


def _context_block(reply: Reply, locale: str) -> Block | None:
    elements = []
    if reply.notice:
        elements.append({"type": "mrkdwn", "text": truncate(escape(reply.notice), CONTEXT_TEXT)})
    if reply.sources:
        label = t("slack_sources", locale)
        elements.append(
            {"type": "mrkdwn", "text": truncate(f"{label}: " + escape(", ".join(reply.sources)), CONTEXT_TEXT)}
        )
    if reply.assistant:
        elements.append({"type": "mrkdwn", "text": truncate(escape(reply.assistant), CONTEXT_TEXT)})
    return {"type": "context", "elements": elements[:CONTEXT_ELEMENTS]} if elements else None


def reply_blocks(reply: Reply, locale: str = "ko") -> list[Block]:
    """Every block of `reply` in order: text (or its sections), tables, buttons, then the notice line."""
    blocks: list[Block] = []
    sections = [p for p in reply.parts if isinstance(p, Section)]
    text = reply.text
    if reply.kind in ("error", "refusal") and text:
        text = "⚠️ " + text
    if not sections:
        blocks += _text_blocks(text)
    button_index = 0
    for part in reply.parts:
        if isinstance(part, Section):
            if part.heading:
                blocks.append({"type": "header", "text": _plain(part.heading, HEADER_TEXT)})
            blocks += _text_blocks(part.body)
        elif isinstance(part, Table):
            blocks += _table_blocks(part)
        elif isinstance(part, Buttons):
            blocks += _buttons_blocks(part, button_index, locale)
            button_index += len(part.buttons)
        elif isinstance(part, FilePart):
            continue  # uploaded as a file next to the message
    context = _context_block(reply, locale)
    if context:
        blocks.append(context)
    return blocks


def _fallback(blocks: list[Block]) -> str:
    pieces: list[str] = []
    for block in blocks:
        if block["type"] in ("section", "header") and "text" in block:
            pieces.append(block["text"]["text"])
        elif block["type"] == "section":
            pieces.extend(f["text"].replace("\n", ": ", 1) for f in block.get("fields", []))
        elif block["type"] == "context":
            pieces.extend(e["text"] for e in block["elements"])
    return truncate(plain("\n".join(pieces)).strip(), FALLBACK_TEXT) or " "


def render(reply: Reply, locale: str = "ko") -> list[SlackMessage]:
    """`reply` as one or more Slack messages, each within the block limit, each with a fallback text."""
    blocks = reply_blocks(reply, locale)
    if not blocks:
        return []
    messages = []
    for start in range(0, len(blocks), MAX_BLOCKS):
        chunk = blocks[start : start + MAX_BLOCKS]
        messages.append(SlackMessage(_fallback(chunk), chunk))
    return messages


def files_of(reply: Reply) -> list[FilePart]:
    return [p for p in reply.parts if isinstance(p, FilePart)]


def progress_message(note: str) -> SlackMessage:
    """The placeholder shown while an answer is produced (updated with the answer later)."""
    return SlackMessage(note, [{"type": "context", "elements": [{"type": "mrkdwn", "text": escape(note)}]}])


def streaming_message(text: str, note: str) -> SlackMessage:
    """A partial answer while it streams: the text so far (its end) and the progress note."""
    if not text.strip():
        return progress_message(note)
    # Cut the Markdown before converting, so the preview never shows half an escape or link.
    tail = to_mrkdwn(text[-(SECTION_TEXT // 2) :] if len(text) > SECTION_TEXT // 2 else text).strip()
    blocks: list[Block] = [
        _section(tail or " "),
        {"type": "context", "elements": [{"type": "mrkdwn", "text": escape(note)}]},
    ]
    return SlackMessage(truncate(plain(tail), FALLBACK_TEXT) or note, blocks)
