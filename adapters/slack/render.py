"""Reply → Slack messages (Block Kit + plain-text fallback), split within Slack's limits.

Pure: the caller posts the messages and uploads the reply's files. Limits from Slack's Block Kit
reference: 50 blocks a message, 3000 characters a section text, 10 fields of 2000 characters,
150 characters a header, 10 context elements, 25 buttons an actions block (75-character labels).
Undocumented but observed (slackapi/bolt-js#2509): Slack refuses a message whose blocks hold more than
about 13,200 characters of text (`msg_blocks_too_long`). A reply is therefore ONE message of at most
MESSAGE_CHARS characters of block text; a longer one is cut with a notice, and the whole answer goes
along as a text file.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from adapters.slack.mrkdwn import document_mrkdwn, escape, plain, split_text, to_mrkdwn, truncate
from bot.conversation import Button, Buttons, FilePart, Reply, Section, Table
from bot.i18n import t
from bot.markdown import Document

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
# Text characters in one message's blocks: below Slack's observed ~13,200 (margin for its own overhead).
MESSAGE_CHARS = 12_000
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


def _text_blocks(document: Document, prefix: str = "") -> list[Block]:
    converted = document_mrkdwn(document).strip()
    converted = prefix + converted if converted else ""
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
    if not sections and reply.text:
        blocks += _text_blocks(reply.document, "⚠️ " if reply.kind in ("error", "refusal") else "")
    button_index = 0
    for part in reply.parts:
        if isinstance(part, Section):
            if part.heading:
                blocks.append({"type": "header", "text": _plain(part.heading, HEADER_TEXT)})
            blocks += _text_blocks(part.document)
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


@dataclass
class Rendered:
    """What to post for a reply: its message(s), and the files to upload (the reply's, plus the whole
    answer as text when the message had to be cut)."""

    messages: list[SlackMessage]
    files: list[FilePart]
    cut: bool = False


def block_chars(blocks: list[Block] | Block) -> int:
    """The text characters Slack counts against a message (every `text` string inside the blocks)."""
    if isinstance(blocks, list):
        return sum(block_chars(b) for b in blocks)
    total = len(blocks["text"]) if isinstance(blocks.get("text"), str) else 0
    for value in blocks.values():
        if isinstance(value, dict):
            total += block_chars(value)
        elif isinstance(value, list):
            total += sum(block_chars(v) for v in value if isinstance(v, dict))
    return total


def fits(blocks: list[Block]) -> bool:
    return len(blocks) <= MAX_BLOCKS and block_chars(blocks) <= MESSAGE_CHARS


def _greedy(blocks: list[Block], max_blocks: int, max_chars: int) -> list[Block]:
    """The leading blocks within both budgets; the first section that does not fit is shortened."""
    kept: list[Block] = []
    for block in blocks:
        if len(kept) >= max_blocks:
            break
        size = block_chars(block)
        if size <= max_chars:
            kept.append(block)
            max_chars -= size
            continue
        if block["type"] == "section" and "text" in block and max_chars > 200:
            head = split_text(block["text"]["text"], max_chars - 1)[0]
            kept.append(_section(truncate(head + "…", max_chars)))
        break
    return kept


def full_text(reply: Reply) -> str:
    """The whole answer as plain text (Markdown as the model wrote it), for the file of a cut answer."""
    pieces = [reply.text.strip()] if reply.text.strip() else []
    for part in reply.parts:
        if isinstance(part, Section) and part.body.strip() and part.body.strip() not in reply.text:
            pieces.append(f"## {part.heading}\n{part.body.strip()}" if part.heading else part.body.strip())
        elif isinstance(part, Table):
            rows = [" | ".join(part.columns), *(" | ".join(row) for row in part.rows)]
            pieces.append(((part.title + "\n") if part.title else "") + "\n".join(rows))
    if reply.notice:
        pieces.append(reply.notice)
    if reply.sources:
        pieces.append("출처 / Sources: " + ", ".join(reply.sources))
    return "\n\n".join(pieces) + "\n"


def whole_answer_file(reply: Reply, locale: str = "ko") -> FilePart:
    """The whole answer as a UTF-8 text file, sent along when its message could not hold all of it."""
    return FilePart(t("slack_full_answer_name", locale), "text/plain", full_text(reply).encode("utf-8"))


def render_reply(reply: Reply, locale: str = "ko") -> Rendered:
    """`reply` as one Slack message within every limit; cut with a notice (and the whole answer attached
    as a text file) when it is longer. Buttons and the AI notice line are kept at the end of a cut message."""
    blocks = reply_blocks(reply, locale)
    files = files_of(reply)
    if not blocks:
        return Rendered([], files)
    if fits(blocks):
        return Rendered([SlackMessage(_fallback(blocks), blocks)], files)
    split = len(blocks)
    while split > 0 and blocks[split - 1]["type"] in ("actions", "context"):
        split -= 1
    body, tail = blocks[:split], _greedy(blocks[split:], MAX_BLOCKS // 2, MESSAGE_CHARS // 2)
    whole = whole_answer_file(reply, locale)
    notice = _section(t("slack_answer_cut", locale, name=whole.name))
    room = MESSAGE_CHARS - block_chars(tail) - block_chars(notice)
    kept = [*_greedy(body, MAX_BLOCKS - len(tail) - 1, room), notice, *tail]
    return Rendered([SlackMessage(_fallback(kept), kept)], [whole, *files], cut=True)


# Above this many characters of Markdown a reply is parsed and rendered in a worker thread, off the event loop
# (benchmarks/markdown_render.py: a 20,000-character answer takes tens of milliseconds of CPU).
OFF_LOOP_CHARS = 4_000


def markdown_chars(reply: Reply) -> int:
    return len(reply.text) + sum(len(p.body) for p in reply.parts if isinstance(p, Section))


async def render_reply_async(reply: Reply, locale: str = "ko") -> Rendered:
    """`render_reply`, in a worker thread when the reply is long, so other events are not held up."""
    if markdown_chars(reply) < OFF_LOOP_CHARS:
        return render_reply(reply, locale)
    return await asyncio.to_thread(render_reply, reply, locale)


def render(reply: Reply, locale: str = "ko") -> list[SlackMessage]:
    """`reply` as Slack messages (one, cut to fit when needed; see `render_reply` for the files)."""
    return render_reply(reply, locale).messages


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
