"""Dispatch: who is asking, what they want (command, skill or assistant), and the thread's memory.

The Dispatcher implements bot.conversation.Bot, so every messenger adapter talks to it the same way.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from assistants.naming import split_named
from assistants.registry import AssistantRegistry
from assistants.skills.base import Skill, SkillTurn
from assistants.spec import AssistantSpec
from bot.config import AppConfig, Department
from bot.conversation import (
    Action,
    Button,
    Buttons,
    ChannelPoster,
    ClientGone,
    DepartmentSummary,
    Message,
    Reply,
    ReplySink,
)
from bot.dispatch.commands import CommandRegistry, parse_command
from bot.dispatch.identity import Identity, resolve_identity
from bot.dispatch.memory import Memory
from bot.dispatch.prompt import build_messages, split_sections
from bot.documents import DocumentLimits, DocumentWorker, readable
from bot.gateway.errors import GatewayError
from bot.gateway.pipeline import Gateway
from bot.gateway.types import ChatMessage, Completion, GatewayRequest
from bot.i18n import t
from bot.quota.service import QuotaService
from bot.store import Store
from bot.store.repositories import ConversationState
from bot.time import month_start

log = logging.getLogger(__name__)

# The stores keep user ids in 128-character columns: longer ones are refused before any database work.
MAX_USER_ID_CHARS = 128

ActionHandler = Callable[[Action, Identity], Awaitable[Reply | None]]
# Gets every message of a known user first (e.g. a guided dialogue waiting for its next answer).
Interceptor = Callable[["Turn", ReplySink | None], Awaitable[Reply | None]]


class ThreadAssistantUnavailable(Exception):
    """The thread's assistant is not one the replying official's department may use."""


@dataclass
class Services:
    """Everything dispatch needs, passed in (no globals)."""

    config: AppConfig
    store: Store
    gateway: Gateway
    assistants: AssistantRegistry
    memory: Memory
    commands: CommandRegistry
    quota: QuotaService
    offline: bool = False
    skills: Mapping[str, Skill] = field(default_factory=dict)
    actions: dict[str, ActionHandler] = field(default_factory=dict)
    interceptors: list[Interceptor] = field(default_factory=list)
    posters: dict[str, ChannelPoster] = field(default_factory=dict)  # platform -> poster, filled by adapters at mount
    max_message_chars: int = 20_000  # longer messages are refused before quota (settings.max_message_chars)
    documents: DocumentWorker = field(default_factory=lambda: DocumentWorker(DocumentLimits()))  # reads attachments


@dataclass(frozen=True, slots=True)
class Turn:
    """One incoming message, with who sent it and the state of its thread."""

    message: Message
    identity: Identity
    conversation: ConversationState
    services: Services

    @property
    def locale(self) -> str:
        return self.identity.locale


class Dispatcher:
    def __init__(self, services: Services):
        self.services = services

    # ---- Bot protocol -------------------------------------------------------------------

    async def handle(self, message: Message, sink: ReplySink | None = None) -> Reply:
        config = self.services.config
        if len(message.user_id) > MAX_USER_ID_CHARS:
            locale = message.locale or config.organisation.locale
            contact = config.organisation.support_contact
            return Reply(t("user_id_too_long", locale, limit=MAX_USER_ID_CHARS, contact=contact), kind="error")
        identity = resolve_identity(config, message)
        if identity is not None and len(identity.user_id) > MAX_USER_ID_CHARS:  # a guest id adds "platform:"
            contact = config.organisation.support_contact
            return Reply(t("user_id_too_long", identity.locale, limit=MAX_USER_ID_CHARS, contact=contact), kind="error")
        if identity is None:
            log.info("unknown user on %s", message.platform)
            contact = config.organisation.support_contact
            locale = message.locale or config.organisation.locale
            return Reply(
                t("unknown_user", locale, user=message.user_name or message.user_id, contact=contact), kind="error"
            )
        try:
            reply = await self._handle_known(message, identity, sink)
            if identity.is_admin:
                alerts = await self.services.quota.alerts_for_admin(identity.department.id)
                if alerts:
                    reply.text = "\n".join(alerts) + "\n\n" + reply.text
            return reply
        except GatewayError as error:
            return Reply(error.message(identity.locale), kind="refusal" if error.status in (400, 403, 429) else "error")
        except ClientGone:
            raise  # nobody to answer; the adapter notes it
        except Exception:
            ref = uuid.uuid4().hex[:8]
            log.exception("dispatch failed (ref %s, platform %s)", ref, message.platform)
            return Reply(
                t("internal_error", identity.locale, contact=config.organisation.support_contact, ref=ref), kind="error"
            )

    async def handle_action(self, action: Action) -> Reply | None:
        message = Message(
            action.platform, action.user_id, "", channel_id=action.channel_id, user_email=action.user_email
        )
        identity = resolve_identity(self.services.config, message)
        if identity is None:
            return None
        if action.action == "feedback":
            return await self._feedback(action, identity)
        handler = self.services.actions.get(action.action)
        return await handler(action, identity) if handler else None

    async def summary(self, platform: str, user_id: str, user_email: str = "") -> DepartmentSummary | None:
        identity = resolve_identity(self.services.config, Message(platform, user_id, "", user_email=user_email))
        if identity is None:
            return None
        department = identity.department
        since = month_start(datetime.now(self.services.config.zone))
        used = await self.services.store.usage.totals(department.id, since)
        visible = await self.services.assistants.visible(department.id)
        starters = tuple(s for spec in visible for s in spec.starters)[:6]
        return DepartmentSummary(
            user_name=identity.name,
            department_id=department.id,
            department_name=department.name,
            role=identity.role,
            tokens_used_month=used.tokens,
            tokens_limit_month=department.quota.tokens_per_month,
            assistants=tuple((s.name, s.description) for s in visible),
            starters=starters,
        )

    # ---- the turn -----------------------------------------------------------------------

    async def _handle_known(self, message: Message, identity: Identity, sink: ReplySink | None) -> Reply:
        services = self.services
        if len(message.text) > services.max_message_chars:  # before quota: "too long", not "limit reached"
            length, limit = len(message.text), services.max_message_chars
            return Reply(t("message_too_long", identity.locale, length=length, limit=limit), kind="error")
        conversation = await services.store.conversations.ensure(
            message.conversation_key,
            platform=message.platform,
            user_id=identity.user_id,
            department_id=identity.department.id,
        )
        turn = Turn(message, identity, conversation, services)
        for intercept in services.interceptors:
            intercepted = await intercept(turn, sink)
            if intercepted is not None:
                return intercepted
        parsed = parse_command(message.text)
        if parsed is not None:
            name, args = parsed
            command = services.commands.lookup(name)
            if command is None:
                return Reply(t("unknown_command", turn.locale, command=f"/{name}"), kind="error")
            return await command.handler(turn, args)
        broken = [a for a in message.attachments if a.error]
        if broken:
            lines = [t("attachment_unreadable", turn.locale, name=a.name, reason=a.error) for a in broken]
            return Reply("\n".join(lines), kind="error")
        if not message.text.strip() and not message.attachments:
            return Reply(t("empty_message", turn.locale), kind="info")
        try:
            spec, text, one_off = await self._choose_assistant(turn)
        except ThreadAssistantUnavailable:
            return Reply(t("thread_assistant_unavailable", turn.locale), kind="refusal")
        for skill_name in spec.skills:
            skill = services.skills.get(skill_name)
            if skill is None:
                continue
            skill_turn = SkillTurn(
                message, text, identity, spec, services.config, services.gateway, services.offline, sink
            )
            reply = await skill.run(skill_turn)
            if reply is not None:
                reply.assistant = reply.assistant or spec.name
                return reply
        reply = await ask_assistant(turn, spec, text, sink, one_off=bool(one_off))
        if one_off is None:  # None: the new conversation took the named assistant (menus follow)
            reply.thread_assistant = spec.name
        return reply

    async def _choose_assistant(self, turn: Turn) -> tuple[AssistantSpec, str, bool | None]:
        """The thread's assistant, unless the message names another ("@보도자료 …" or "보도자료: …"): that
        one answers this one question (True) and the thread keeps its assistant, as the README says. A
        conversation that starts by naming one takes it as its assistant (nothing to keep yet)."""
        registry, department_id = self.services.assistants, turn.identity.department.id
        text = turn.message.text.strip()
        named, rest = await _named_assistant(registry, department_id, text)
        if named is not None:
            conversation = turn.conversation
            if conversation.turns == 0 and conversation.assistant_id is None:
                # A new conversation (e.g. a Slack thread) opened by naming an assistant is that assistant's.
                await self.services.store.conversations.set_assistant(
                    turn.message.conversation_key, named.id, named.version
                )
                return named, rest, None
            return named, rest, True
        if turn.conversation.assistant_id:
            current = await registry.get(turn.conversation.assistant_id, department_id)
            if current is not None:
                return current, text, False
            # The thread keeps its assistant: one this official's department may not use is not swapped.
            raise ThreadAssistantUnavailable()
        chosen = await default_assistant(
            self.services, turn.identity.department, turn.message.platform, turn.message.channel_id
        )
        if turn.message.thread_id and not turn.message.is_direct:
            # A shared thread keeps the assistant of its first answer, whoever replies later (an official of
            # another department would otherwise get their own department's default).
            await self.services.store.conversations.set_assistant(
                turn.message.conversation_key, chosen.id, chosen.version
            )
        return chosen, text, False

    async def _feedback(self, action: Action, identity: Identity) -> Reply:
        answer_id, _, value = action.value.partition(":")
        if value not in ("up", "down") or not await self.services.store.usage.exists(answer_id):
            return Reply(t("feedback_unknown", identity.locale), kind="error")
        await self.services.store.feedback.record(answer_id, identity.user_id, action.platform, value)
        return Reply(t("feedback_thanks", identity.locale))


async def ask_assistant(
    turn: Turn, spec: AssistantSpec, text: str, sink: ReplySink | None = None, *, one_off: bool = False
) -> Reply:
    """Answer `text` with assistant `spec` through the gateway, keeping the thread's memory.

    `one_off`: `spec` was named for this question only, so the thread's assistant (version) stays."""
    services, key = turn.services, turn.message.conversation_key
    user_text, notes = await _with_attachments(text, turn)
    history = await services.memory.load(key, turn.conversation.id)
    request = GatewayRequest(
        department_id=turn.identity.department.id,
        user_id=turn.identity.user_id,
        messages=build_messages(spec, history, user_text, turn.locale),
        model=spec.model,
        assistant_id=spec.id,
        assistant_version=spec.version,
        conversation_key=key,
        max_output_tokens=spec.max_output_tokens,
        temperature=spec.temperature,
        platform=turn.message.platform,
    )
    completion = await _run(services.gateway, request, sink)
    await services.memory.append(key, turn.conversation.id, ChatMessage("user", user_text))
    await services.memory.append(key, turn.conversation.id, ChatMessage("assistant", completion.text))
    await services.store.conversations.count_turn(key, turn.conversation.assistant_version if one_off else spec.version)
    model_written = completion.provider != "offline"
    whole = model_written and not completion.interrupted  # a cut-off fragment gets no sections or feedback
    parts: list = []
    if spec.template and whole:
        parts.extend(split_sections(completion.text, [s.heading for s in spec.template]) or [])
    if whole:
        parts.append(feedback_buttons(completion.call_id, turn.locale))
    if completion.interrupted:
        notes.insert(0, t("answer_incomplete", turn.locale))
    body = completion.text + ("\n\n" + "\n".join(notes) if notes else "")
    return Reply(
        text=body,
        kind="incomplete" if completion.interrupted else "answer",
        parts=parts,
        notice=services.config.organisation.ai_notice if model_written else None,
        assistant=spec.name,
        answer_id=completion.call_id if whole else None,
    )


async def _run(gateway: Gateway, request: GatewayRequest, sink: ReplySink | None) -> Completion:
    if sink is None:
        return await gateway.complete(request)
    async with gateway.stream(request) as reply:
        async for delta in reply:
            await sink.delta(delta)
    assert reply.completion is not None
    return reply.completion


async def default_assistant(
    services: Services, department: Department, platform: str = "", channel_id: str = ""
) -> AssistantSpec:
    """The channel's department default, then the user's department default, then the office default."""
    registry = services.assistants
    candidates = []
    for other in services.config.departments:
        if channel_id and channel_id in getattr(other.channels, platform, []):
            candidates.append(other.default_assistant)
    candidates += [department.default_assistant, services.config.default_assistant]
    for assistant_id in filter(None, candidates):
        spec = await registry.get(assistant_id, department.id)
        if spec is not None:
            return spec
    visible = await registry.visible(department.id)
    if not visible:
        raise RuntimeError("no assistant is visible to department " + department.id)
    return visible[0]


async def _named_assistant(
    registry: AssistantRegistry, department_id: str, text: str
) -> tuple[AssistantSpec | None, str]:
    if text.startswith("@"):
        named = split_named(text[1:], [(spec, spec) for spec in await registry.visible(department_id)])
        if named is not None:
            return named[1], named[2]
    head, colon, rest = text.partition(":")
    if colon and 0 < len(head) <= 20 and "\n" not in head:
        spec = await registry.find(head, department_id)
        if spec is not None:
            return spec, rest.strip()
    return None, text


async def _with_attachments(text: str, turn: Turn) -> tuple[str, list[str]]:
    """Readable attachments join the question as text (the gateway masks it like the rest); others
    get a note instead of silently vanishing. Reading happens in a worker process, off the event loop."""
    pieces, notes = [text], []
    for attachment in turn.message.attachments:
        extracted = await turn.services.documents.extract(attachment.name, attachment.content_type, attachment.data)
        if extracted.error is not None:
            key = (
                "attachment_ignored"
                if not readable(attachment.name, attachment.content_type)
                else "attachment_unreadable"
            )
            notes.append(t(key, turn.locale, name=attachment.name, reason=extracted.error))
            continue
        if extracted.truncated:
            notes.append(t("attachment_truncated", turn.locale, name=attachment.name, chars=f"{len(extracted.text):,}"))
        pieces.append(f"[첨부: {attachment.name}]\n{extracted.text}")
    return "\n\n".join(p for p in pieces if p), notes


def feedback_buttons(answer_id: str, locale: str) -> Buttons:
    up, down = ("👍 Helpful", "👎 Not helpful") if locale == "en" else ("👍 도움이 됐어요", "👎 아쉬워요")
    return Buttons((Button(up, "feedback", f"{answer_id}:up"), Button(down, "feedback", f"{answer_id}:down")))
