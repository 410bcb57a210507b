"""Slack event payloads → the adapter contract (Message, Action) and the routing decisions.

Pure functions over Slack's JSON, so the rules (which messages are ours, where to reply, how
Slack's markup reads as plain text) are tested without a Slack client.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from bot.conversation import Action, Attachment, Message

PLATFORM = "slack"
Route = Literal["dm", "thread", "ignore"]
# Message subtypes that still carry a user's words (others are joins, edits, deletions, …).
_USER_SUBTYPES = (None, "file_share", "thread_broadcast")

_USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
_CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<!(here|channel|everyone)(?:\|[^>]*)?>")
_SUBTEAM = re.compile(r"<!subteam\^[A-Z0-9]+(?:\|([^>]*))?>")
_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>")


@dataclass(frozen=True, slots=True)
class Where:
    """Where a reply goes: the channel and the thread (None: top level of a direct chat)."""

    channel: str
    thread_ts: str | None


def slack_to_plain(text: str, bot_user_id: str = "") -> str:
    """Slack's markup as the plain text an official typed: the bot's own mention removed, links and
    mentions readable, entities decoded."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>\s*", "", text)
    text = _USER_MENTION.sub(lambda m: "@" + (m.group(2) or m.group(1)), text)
    text = _CHANNEL.sub(lambda m: "#" + (m.group(2) or m.group(1)), text)
    text = _SPECIAL.sub(lambda m: "@" + m.group(1), text)
    text = _SUBTEAM.sub(lambda m: m.group(1) or "@group", text)

    def link(match: re.Match[str]) -> str:
        url, label = match.group(1), match.group(2)
        url = url.removeprefix("mailto:") if label and url.startswith("mailto:") else url
        return f"{label} ({url})" if label and label != url else url

    text = _LINK.sub(link, text)
    return html.unescape(text).strip()


def mentions(text: str, user_id: str) -> bool:
    return bool(user_id) and f"<@{user_id}" in text


def is_from_bot(event: Mapping[str, Any]) -> bool:
    return bool(event.get("bot_id")) or event.get("subtype") == "bot_message" or bool(event.get("bot_profile"))


def route_message(event: Mapping[str, Any], *, bot_user_id: str, bot_id: str = "", answer_bots: bool = False) -> Route:
    """What to do with a `message` event: answer a direct message, consider a thread reply (answered
    only in threads the bot is part of), or ignore (edits, joins, our own and other bots' messages,
    channel messages that mention the bot, which arrive again as `app_mention`)."""
    if event.get("subtype") not in _USER_SUBTYPES or event.get("hidden"):
        return "ignore"
    if event.get("user") == bot_user_id or (bot_id and event.get("bot_id") == bot_id):
        return "ignore"
    if is_from_bot(event) and not answer_bots:
        return "ignore"
    if not event.get("user") and not answer_bots:
        return "ignore"
    if event.get("channel_type") == "im":
        return "dm"
    thread_ts = event.get("thread_ts")
    if thread_ts and thread_ts != event.get("ts") and not mentions(event.get("text", ""), bot_user_id):
        return "thread"
    return "ignore"


def mention_allowed(event: Mapping[str, Any], *, bot_user_id: str, bot_id: str = "", answer_bots: bool = False) -> bool:
    """An `app_mention` is answered unless a bot (ours never) wrote it and bots are not answered."""
    if event.get("user") == bot_user_id or (bot_id and event.get("bot_id") == bot_id):
        return False
    return answer_bots or not is_from_bot(event)


def reply_place(event: Mapping[str, Any], route: Literal["mention", "dm", "thread"]) -> Where:
    """Mentions are answered in their thread (a new one under the mention); direct messages at the
    top level unless the official wrote in a thread; thread replies in the thread."""
    channel = str(event.get("channel", ""))
    thread_ts = event.get("thread_ts")
    if route == "mention":
        return Where(channel, str(thread_ts or event.get("ts", "")))
    return Where(channel, str(thread_ts) if thread_ts else None)


def to_message(
    event: Mapping[str, Any],
    where: Where,
    *,
    bot_user_id: str,
    user_name: str = "",
    user_email: str = "",
    attachments: tuple[Attachment, ...] = (),
    locale: str | None = None,
) -> Message:
    return Message(
        platform=PLATFORM,
        user_id=str(event.get("user") or event.get("bot_id") or ""),
        text=slack_to_plain(str(event.get("text") or ""), bot_user_id),
        channel_id=where.channel,
        thread_id=where.thread_ts or "",
        user_name=user_name,
        user_email=user_email,
        attachments=attachments,
        is_direct=event.get("channel_type") == "im",
        message_id=str(event.get("ts", "")),
        locale=locale,
    )


def command_text(text: str, is_command: Callable[[str], bool]) -> str:
    """`/govbot use 보도자료` arrives as "use 보도자료": a known dispatch command becomes "/use 보도자료",
    anything else is a question for the current assistant; an empty command asks for help."""
    stripped = slack_to_plain(text)
    if not stripped:
        return "/help"
    if stripped.startswith("/"):
        return stripped
    head = stripped.split(maxsplit=1)[0]
    return "/" + stripped if is_command(head) else stripped


def command_message(
    command: Mapping[str, Any], text: str, *, user_name: str = "", user_email: str = "", locale: str | None = None
) -> Message:
    """A `/govbot` command as a Message. In a direct chat it belongs to that chat's conversation; in a
    channel its answers are private, so each official gets a conversation of their own there (never
    sharing memory with colleagues who use the command in the same channel)."""
    channel = str(command.get("channel_id", ""))
    user_id = str(command.get("user_id", ""))
    is_direct = channel.startswith("D") or command.get("channel_name") == "directmessage"
    return Message(
        platform=PLATFORM,
        user_id=user_id,
        text=text,
        channel_id=channel,
        thread_id="" if is_direct else f"command:{user_id}",
        user_name=user_name or str(command.get("user_name", "")),
        user_email=user_email,
        is_direct=is_direct,
        locale=locale,
    )


def to_action(body: Mapping[str, Any], action: Mapping[str, Any], name: str, user_email: str = "") -> Action:
    """A block_actions payload → Action; the thread is that of the message holding the button."""
    message = body.get("message") or {}
    container = body.get("container") or {}
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id") or ""
    message_ts = str(message.get("ts") or container.get("message_ts") or "")
    return Action(
        platform=PLATFORM,
        user_id=str((body.get("user") or {}).get("id", "")),
        action=name,
        value=str(action.get("value", "")),
        channel_id=str(channel),
        thread_id=str(message.get("thread_ts") or container.get("thread_ts") or message_ts),
        message_id=message_ts,
        user_email=user_email,
    )
