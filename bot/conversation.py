"""The contract between messenger adapters and the bot.

An adapter only translates: a platform event becomes a `Message` (or an `Action`), the bot answers
with a `Reply`, and the adapter renders that reply natively (Block Kit, Adaptive Cards, HTML, text).
Nothing in here knows about Slack, Teams or HTTP, so every adapter speaks the same small language.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol

from bot.markdown import Document, parse

# The stores keep user ids in 128-character columns: longer ones are refused before any database work.
MAX_USER_ID_CHARS = 128

ReplyKind = Literal["answer", "incomplete", "info", "error", "refusal"]  # incomplete: a cut-off answer


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file the user sent. `error` is set when the adapter could not fetch it (too large, denied),
    so the bot can say so instead of silently ignoring it."""

    name: str
    content_type: str = "application/octet-stream"
    data: bytes = b""
    error: str | None = None

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True, slots=True)
class Message:
    """One platform-neutral message from an official."""

    platform: str  # "web", "console", "slack", "teams", ...
    user_id: str  # the platform's own user id (Slack U…, Teams AAD id, intranet login)
    text: str
    channel_id: str = ""
    thread_id: str = ""  # the thread / reply chain; "" for a direct chat without threads
    user_name: str = ""
    user_email: str = ""  # e-mail or UPN when the platform knows it
    directory_groups: tuple[str, ...] = ()  # groups from the intranet directory, if any
    attachments: tuple[Attachment, ...] = ()
    is_direct: bool = False
    message_id: str = ""
    locale: str | None = None

    @property
    def conversation_key(self) -> str:
        """Identifies the conversation: a thread, or the whole direct chat."""
        return f"{self.platform}:{self.channel_id or self.user_id}:{self.thread_id}"


@dataclass(frozen=True, slots=True)
class Action:
    """A button press (feedback, confirm, …) coming back from a rendered Reply."""

    platform: str
    user_id: str
    action: str  # e.g. "feedback", "confirm"
    value: str = ""
    channel_id: str = ""
    thread_id: str = ""
    message_id: str = ""
    user_email: str = ""


# ---- structured parts of a reply ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    title: str = ""


@dataclass(frozen=True, slots=True)
class Section:
    """A named section of an answer (an output template's heading and its Markdown body)."""

    heading: str
    body: str
    # The body parsed (set by whoever split the answer, so it is parsed once); parsed on first use otherwise.
    parsed: Document | None = field(default=None, compare=False, repr=False)

    @property
    def document(self) -> Document:
        """The body as a document, parsed at most once."""
        parsed = self.parsed
        if parsed is None:
            parsed = parse(self.body)
            object.__setattr__(self, "parsed", parsed)  # a cache on a frozen value: its meaning does not change
        return parsed


@dataclass(frozen=True, slots=True)
class FilePart:
    name: str
    content_type: str
    data: bytes
    title: str = ""


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    action: str
    value: str = ""
    style: Literal["primary", "danger"] | None = None
    confirm: str | None = None  # a question to confirm before the action runs


@dataclass(frozen=True, slots=True)
class Buttons:
    buttons: tuple[Button, ...]


Part = Table | Section | FilePart | Buttons


@dataclass(slots=True)
class Reply:
    """What the bot says back. `text` is Markdown; `parts` are rendered natively by each adapter.

    `notice` is the AI-generated-content notice: present exactly when a model wrote the text.
    `answer_id` identifies a model answer so feedback buttons can refer to it.
    """

    text: str = ""
    kind: ReplyKind = "info"
    parts: list[Part] = field(default_factory=list)
    notice: str | None = None
    sources: list[str] = field(default_factory=list)
    assistant: str | None = None  # who wrote this reply (a one-off "@이름" answer names that assistant)
    answer_id: str | None = None
    # Set when this reply changed the conversation's assistant (`/use`): menus showing it follow this.
    thread_assistant: str | None = None
    _parsed: tuple[str, Document] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def document(self) -> Document:
        """`text` parsed once, when an adapter first renders it (parsed again only if `text` was changed)."""
        if self._parsed is None or self._parsed[0] != self.text:
            self._parsed = (self.text, parse(self.text))
        return self._parsed[1]


class ClientGone(Exception):
    """Raised by a ReplySink whose reader left mid-answer (page closed, connection reset): the answer
    stops there, what was delivered is billed, and nobody is left to show an error to."""


class ReplySink(Protocol):
    """Where an adapter that can show progress receives text while it is produced."""

    async def delta(self, text: str) -> None:
        """More answer text arrived (append it). Raises ClientGone when nobody reads any more."""

    async def progress(self, note: str) -> None:
        """Long work is under way (e.g. "민원 1,200건 분석 중…")."""


@dataclass(frozen=True, slots=True)
class Caller:
    """Who an event comes from, as the platform says it: what the bot places the user with (the same rules as
    every message), for the questions an adapter asks before or besides a message."""

    platform: str
    user_id: str
    email: str = ""
    groups: tuple[str, ...] = ()  # directory groups (the web chat's proxy passes them)
    channel_id: str = ""
    user_name: str = ""


@dataclass(frozen=True, slots=True)
class Who:
    """Who an adapter's user is to the bot (a read-only view of the dispatcher's identity)."""

    user_id: str  # the official's stable id (intranet login), or "platform:id" for a guest placed by channel/group
    name: str
    department_id: str
    department_name: str
    role: str  # member, editor, admin


@dataclass(frozen=True, slots=True)
class AssistantCard:
    """An assistant as a menu shows it."""

    id: str
    name: str
    description: str
    starters: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Home:
    """What a start page shows a known user (the web chat's session): who they are, the assistants they may
    use and the one a new conversation starts with."""

    who: Who
    assistants: tuple[AssistantCard, ...]
    default_assistant: str  # its name


@dataclass(frozen=True, slots=True)
class DepartmentSummary:
    """What an adapter's home screen shows a user (Slack App Home, Teams welcome)."""

    user_name: str
    department_id: str
    department_name: str
    role: str
    tokens_used_month: int
    tokens_limit_month: int | None
    assistants: tuple[tuple[str, str], ...]  # (name, description)
    starters: tuple[str, ...]


class ChannelPoster(Protocol):
    """Posts into a channel without a user's message first (e.g. forwarding a complaint-triage summary
    to the responsible department's channel). Each messenger adapter that can do so registers one
    in the `PosterRegistry` under its platform name when it mounts."""

    async def can_post(self, channel_id: str) -> bool:
        """Whether this adapter knows how to reach `channel_id` now (so a feature can say "not connected"
        instead of trying and failing)."""

    async def post(self, channel_id: str, reply: Reply) -> str | None:
        """Post `reply` into `channel_id`; the new message's id, or None when it could not be posted."""


class PosterRegistry(Mapping[str, ChannelPoster]):
    """platform -> ChannelPoster. Created empty by the composition root before the bot, handed to the features
    that post (read-only, as a Mapping); adapters fill it through `register` while they mount, since a
    poster needs the adapter's own client. It is the one thing that changes after the bot is built, and only
    by this method."""

    def __init__(self) -> None:
        self._posters: dict[str, ChannelPoster] = {}

    def register(self, platform: str, poster: ChannelPoster) -> None:
        self._posters[platform] = poster

    def __getitem__(self, platform: str) -> ChannelPoster:
        return self._posters[platform]

    def __iter__(self) -> Iterator[str]:
        return iter(self._posters)

    def __len__(self) -> int:
        return len(self._posters)


class Bot(Protocol):
    """The bot as every adapter sees it (implemented by bot.dispatch.Dispatcher): one method per event kind,
    like botbuilder's ActivityHandler, plus the few questions an adapter must ask before it can translate."""

    async def on_message(self, message: Message, sink: ReplySink | None = None) -> Reply:
        """Answer one message; stream text into `sink` when given."""

    async def on_action(self, action: Action) -> Reply | None:
        """React to a button press; `None` when there is nothing to say."""

    async def on_home(self, caller: Caller) -> DepartmentSummary | None:
        """The user's department, quota and assistants (Slack App Home, Teams welcome); `None` for an unknown user."""

    async def identify(self, caller: Caller) -> Who | None:
        """Who the user is, by the same rules every message is placed with; `None` for an unknown user."""

    async def home(self, caller: Caller) -> Home | None:
        """The start page of a known user (assistants and the default one); `None` for an unknown user."""

    async def claim_event(self, key: str) -> bool:
        """True only the first time any govbot process claims this platform event (re-deliveries get False)."""

    async def is_bot_thread(self, conversation_key: str) -> bool:
        """Whether the bot has taken part in this conversation (Slack answers follow-ups in its own threads)."""

    def is_command(self, name: str) -> bool:
        """Whether `/name` is a command the bot knows (Slack lets those through in shared channels)."""

    def handles_action(self, action: str) -> bool:
        """Whether a button verb is one the bot has a handler for (unknown ones are refused by the adapter)."""
