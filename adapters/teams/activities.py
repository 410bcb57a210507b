"""Bot Framework activities (as the JSON Teams posts) → platform-neutral Messages and Actions.

Pure functions over the raw activity dict, so they can be tested without botbuilder and survive a
move to another SDK unchanged.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from bot.conversation import Action, Attachment, Message

FILE_DOWNLOAD_INFO = "application/vnd.microsoft.teams.file.download.info"
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
ACTION_KEY = "govbot_action"  # the key of an Action.Submit / Action.Execute data object naming our action

_AT_TAG = re.compile(r"<at\b[^>]*>(.*?)</at>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"[ \t\u00a0]+")


def _text_at(activity: dict[str, Any], key: str, field: str) -> str:
    container = activity.get(key)
    value = container.get(field) if isinstance(container, dict) else None
    return value.strip() if isinstance(value, str) else ""


def missing_fields(activity: dict[str, Any]) -> list[str]:
    """What an activity needs before botbuilder may see it: where to answer, in which conversation, to whom.

    Without these botbuilder fails half-way through the turn (a traceback and a 202 that answers nobody);
    the sender gets a 400 naming them instead.
    """
    missing = []
    service_url = activity.get("serviceUrl")
    if not isinstance(service_url, str) or not service_url.strip():
        missing.append("serviceUrl")
    if not _text_at(activity, "conversation", "id"):
        missing.append("conversation.id")
    if activity.get("type") in ("message", "invoke", "conversationUpdate"):
        missing.extend(f"{key}.id" for key in ("from", "recipient") if not _text_at(activity, key, "id"))
    return missing


def conversation_type(activity: dict[str, Any]) -> str:
    """ "personal", "channel" or "groupChat" (Teams' conversationType; personal when absent)."""
    conversation = activity.get("conversation") or {}
    kind = conversation.get("conversationType")
    if kind:
        return str(kind)
    return "groupChat" if conversation.get("isGroup") else "personal"


def split_conversation_id(conversation_id: str) -> tuple[str, str]:
    """A channel conversation id carries its reply chain: "19:…@thread.tacv2;messageid=123" → (channel, "123")."""
    base, _, rest = conversation_id.partition(";messageid=")
    return base, rest.split(";", 1)[0] if rest else ""


def channel_id_of(activity: dict[str, Any]) -> str:
    """The Teams channel (or group chat) the activity belongs to; "" for a personal chat."""
    kind = conversation_type(activity)
    if kind == "personal":
        return ""
    if kind == "channel":
        channel = ((activity.get("channelData") or {}).get("channel") or {}).get("id")
        if channel:
            return str(channel)
    return split_conversation_id(str((activity.get("conversation") or {}).get("id", "")))[0]


def thread_id_of(activity: dict[str, Any]) -> str:
    """The reply chain an answer belongs in: its root message id in a channel, "" in chats (one thread)."""
    if conversation_type(activity) != "channel":
        return ""
    _, root = split_conversation_id(str((activity.get("conversation") or {}).get("id", "")))
    return root or str(activity.get("replyToId") or activity.get("id") or "")


def bot_mentioned(activity: dict[str, Any]) -> bool:
    bot_id = (activity.get("recipient") or {}).get("id")
    return any(
        str(e.get("type", "")).lower() == "mention" and (e.get("mentioned") or {}).get("id") == bot_id
        for e in activity.get("entities") or []
    )


def is_addressed_to_bot(activity: dict[str, Any]) -> bool:
    """Personal chats always; channels and group chats only when the bot is @mentioned."""
    return conversation_type(activity) == "personal" or bot_mentioned(activity)


def clean_text(text: str, entities: list[dict[str, Any]] | None, bot_id: str) -> str:
    """The user's words: the bot's @mention removed, other mentions kept as names, markup dropped."""
    bot_names = {
        _AT_TAG.sub(r"\1", str(e.get("text") or "")).strip()
        for e in entities or []
        if str(e.get("type", "")).lower() == "mention" and (e.get("mentioned") or {}).get("id") == bot_id
    }
    bot_names.discard("")

    def replace(match: re.Match[str]) -> str:
        name = _TAGS.sub("", match.group(1)).strip()
        return "" if name in bot_names else name

    without = _AT_TAG.sub(replace, text or "")
    without = _TAGS.sub("", without)
    without = html.unescape(without)
    lines = [_SPACES.sub(" ", line).strip() for line in without.splitlines()]
    return "\n".join(lines).strip()


def user_of(activity: dict[str, Any]) -> tuple[str, str]:
    """(user id, display name): the AAD object id when Teams sends it (it is what app.yaml lists)."""
    sender = activity.get("from") or {}
    return str(sender.get("aadObjectId") or sender.get("id") or ""), str(sender.get("name") or "")


def to_message(activity: dict[str, Any], *, attachments: tuple[Attachment, ...] = (), email: str = "") -> Message:
    user_id, user_name = user_of(activity)
    bot_id = str((activity.get("recipient") or {}).get("id", ""))
    return Message(
        platform="teams",
        user_id=user_id,
        text=clean_text(str(activity.get("text") or ""), activity.get("entities"), bot_id),
        channel_id=channel_id_of(activity),
        thread_id=thread_id_of(activity),
        user_name=user_name,
        user_email=email,
        attachments=attachments,
        is_direct=conversation_type(activity) == "personal",
        message_id=str(activity.get("id") or ""),
        locale=_locale(activity.get("locale")),
    )


def _locale(value: Any) -> str | None:
    """Teams sends e.g. "ko-KR" or "en-US"; govbot speaks ko and en."""
    if not value:
        return None
    head = str(value).split("-")[0].lower()
    return head if head in ("ko", "en") else None


@dataclass(frozen=True, slots=True)
class FileRef:
    """A file the user attached, as Teams describes it (the bytes are fetched separately)."""

    name: str
    url: str
    content_type: str


def file_refs(activity: dict[str, Any]) -> list[FileRef]:
    """Files attached to a message. The message's own HTML rendering and cards are not files."""
    refs = []
    for attachment in activity.get("attachments") or []:
        content_type = str(attachment.get("contentType") or "")
        name = str(attachment.get("name") or "첨부파일")
        if content_type == FILE_DOWNLOAD_INFO:
            content = attachment.get("content") or {}
            url = str(content.get("downloadUrl") or "")
            file_type = str(content.get("fileType") or "")
            refs.append(FileRef(name, url, _guess_type(name, file_type)))
        elif content_type in ("text/html", CARD_CONTENT_TYPE) or content_type.startswith("application/vnd.microsoft."):
            continue
        elif attachment.get("contentUrl"):
            refs.append(FileRef(name, str(attachment["contentUrl"]), content_type or "application/octet-stream"))
    return refs


_TYPES = {
    "txt": "text/plain",
    "md": "text/markdown",
    "csv": "text/csv",
    "json": "application/json",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "hwp": "application/x-hwp",
    "png": "image/png",
    "jpg": "image/jpeg",
}


def _guess_type(name: str, file_type: str) -> str:
    extension = (file_type or (name.rsplit(".", 1)[-1] if "." in name else "")).lower()
    return _TYPES.get(extension, "application/octet-stream")


def submitted_action(activity: dict[str, Any]) -> tuple[str, str] | None:
    """An Action.Submit press arrives as a message whose `value` is the action's data."""
    value = activity.get("value")
    if isinstance(value, dict) and value.get(ACTION_KEY):
        return str(value[ACTION_KEY]), str(value.get("value", ""))
    return None


def executed_action(activity: dict[str, Any]) -> tuple[str, str] | None:
    """An Action.Execute press: an `adaptiveCard/action` invoke with the verb and data."""
    if activity.get("type") != "invoke" or activity.get("name") != "adaptiveCard/action":
        return None
    action = (activity.get("value") or {}).get("action") or {}
    if action.get("type") != "Action.Execute":
        return None
    data = action.get("data") or {}
    verb = str(action.get("verb") or data.get(ACTION_KEY) or "")
    return (verb, str(data.get("value", ""))) if verb else None


def to_action(activity: dict[str, Any], action: str, value: str, *, email: str = "") -> Action:
    user_id, _ = user_of(activity)
    return Action(
        platform="teams",
        user_id=user_id,
        action=action,
        value=value,
        channel_id=channel_id_of(activity),
        thread_id=thread_id_of(activity),
        message_id=str(activity.get("replyToId") or ""),
        user_email=email,
    )
