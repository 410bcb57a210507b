"""Dispatch: who is asking, what they want (command, skill or assistant), and the thread's memory.

The Dispatcher implements bot.conversation.Bot, so every messenger adapter talks to it the same way: one
method per event kind (`on_message`, `on_action`, `on_home`), like botbuilder's ActivityHandler. Feedback,
attachments, the choice of assistant and the home screens live in their own modules beside this one.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from assistants.registry import AssistantRegistry
from assistants.skills.base import Skill, SkillTurn
from assistants.spec import AssistantSpec
from bot.config import AppConfig, Department
from bot.conversation import (
    MAX_USER_ID_CHARS,
    Action,
    Caller,
    ChannelPoster,
    ClientGone,
    DepartmentSummary,
    Home,
    Message,
    Reply,
    ReplySink,
    Who,
)
from bot.dispatch import choice, home
from bot.dispatch.attachments import unreadable_reply, with_attachments
from bot.dispatch.commands import CommandRegistry, parse_command
from bot.dispatch.feedback import feedback_buttons, record_feedback
from bot.dispatch.identity import Identity, resolve_identity
from bot.dispatch.memory import Memory
from bot.dispatch.prompt import build_messages, split_sections
from bot.documents import DocumentLimits, DocumentWorker
from bot.gateway.errors import GatewayError
from bot.gateway.pipeline import Gateway
from bot.gateway.types import ChatMessage, GatewayRequest
from bot.i18n import t
from bot.quota.service import QuotaService
from bot.roles import effective_role
from bot.store import Store
from bot.store.repositories import ConversationState
from bot.tools.base import Tool, ToolContext
from bot.tools.context import office_today, tool_context
from bot.tools.loop import answer_with_tools, complete_into

log = logging.getLogger(__name__)

__all__ = ["MAX_USER_ID_CHARS", "Dispatcher", "Services", "Turn", "ask_assistant", "feedback_buttons"]

ActionHandler = Callable[[Action, Identity], Awaitable[Reply | None]]
# Gets every message of a known user first (e.g. a guided dialogue waiting for its next answer).
Interceptor = Callable[["Turn", ReplySink | None], Awaitable[Reply | None]]


class ThreadAssistantUnavailable(Exception):
    """The thread's assistant is not one the replying official's department may use."""


@dataclass(frozen=True)
class Services:
    """Everything dispatch needs, passed in (no globals). Built once by the composition root (bot/runtime.py),
    complete: skills' actions and commands, authoring's interceptor and the poster registry are collected first.
    Nothing here is reassigned or added to afterwards (the runtime passes read-only mappings); the poster registry
    alone is filled, through its `register`, by the messenger adapters as they mount, before any request."""

    config: AppConfig
    store: Store
    gateway: Gateway
    assistants: AssistantRegistry
    memory: Memory
    commands: CommandRegistry
    quota: QuotaService
    offline: bool = False
    skills: Mapping[str, Skill] = field(default_factory=dict)
    actions: Mapping[str, ActionHandler] = field(default_factory=dict)  # button verb -> handler ("feedback" built in)
    interceptors: Sequence[Interceptor] = ()
    posters: Mapping[str, ChannelPoster] = field(default_factory=dict)  # platform -> poster (a PosterRegistry)
    max_message_chars: int = 20_000  # longer messages are refused before quota (settings.max_message_chars)
    documents: DocumentWorker = field(default_factory=lambda: DocumentWorker(DocumentLimits()))  # reads attachments
    tools: Mapping[str, Tool] = field(default_factory=dict)  # name -> tool (assistants/tools/registry.py)


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

    # ---- Bot protocol: one method per event kind -----------------------------------------

    async def on_message(self, message: Message, sink: ReplySink | None = None) -> Reply:
        config = self.services.config
        if len(message.user_id) > MAX_USER_ID_CHARS:
            locale = message.locale or config.organisation.locale
            contact = config.organisation.support_contact
            return Reply(t("user_id_too_long", locale, limit=MAX_USER_ID_CHARS, contact=contact), kind="error")
        try:
            identity = await self._with_role(resolve_identity(config, message))
        except Exception:  # the roles table unreachable (database restarting): a clear answer, never a dropped stream
            ref = uuid.uuid4().hex[:8]
            log.exception("identity lookup failed (ref %s, platform %s)", ref, message.platform)
            locale = message.locale or config.organisation.locale
            return Reply(
                t("internal_error", locale, contact=config.organisation.support_contact, ref=ref), kind="error"
            )
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

    async def on_action(self, action: Action) -> Reply | None:
        identity = await self._identity(
            Caller(action.platform, action.user_id, action.user_email, channel_id=action.channel_id)
        )
        if identity is None:
            return None
        if action.action == "feedback":
            return await record_feedback(self.services.store, action, identity)
        handler = self.services.actions.get(action.action)
        return await handler(action, identity) if handler else None

    async def on_home(self, caller: Caller) -> DepartmentSummary | None:
        identity = await self._identity(caller)
        if identity is None:
            return None
        services = self.services
        return await home.department_summary(services.config, services.store, services.assistants, identity)

    # ---- Bot protocol: what an adapter asks before it translates --------------------------

    async def identify(self, caller: Caller) -> Who | None:
        identity = await self._identity(caller)
        return home.who(identity) if identity is not None else None

    async def home(self, caller: Caller) -> Home | None:
        identity = await self._identity(caller)
        if identity is None:
            return None
        return await home.start_page(self.services.config, self.services.assistants, identity, caller.platform)

    async def claim_event(self, key: str) -> bool:
        return await self.services.store.claim_event(key)

    async def is_bot_thread(self, conversation_key: str) -> bool:
        return await self.services.store.conversations.get(conversation_key) is not None

    def is_command(self, name: str) -> bool:
        return self.services.commands.lookup(name) is not None

    def handles_action(self, action: str) -> bool:
        return action == "feedback" or action in self.services.actions

    async def _identity(self, caller: Caller) -> Identity | None:
        probe = Message(
            caller.platform,
            caller.user_id,
            "",
            channel_id=caller.channel_id,
            user_name=caller.user_name,
            user_email=caller.email,
            directory_groups=caller.groups,
        )
        return await self._with_role(resolve_identity(self.services.config, probe))

    async def _with_role(self, identity: Identity | None) -> Identity | None:
        """The identity with its effective role (run-time grants included), so every check agrees."""
        if identity is None:
            return None
        granted = await effective_role(self.services.store.roles, identity.department, identity.user_id, identity.role)
        return identity if granted == identity.role else replace(identity, role=granted)

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
        unreadable = unreadable_reply(message.attachments, turn.locale)
        if unreadable is not None:
            return unreadable
        if not message.text.strip() and not message.attachments:
            return Reply(t("empty_message", turn.locale), kind="info")
        try:
            spec, text, one_off = await self._choose_assistant(turn)
        except ThreadAssistantUnavailable:
            return Reply(t("thread_assistant_unavailable", turn.locale), kind="refusal")
        if spec.disabled:  # an admin disabled it on the console: say so instead of answering with another one
            return Reply(t("assistant_disabled", turn.locale, name=spec.name), kind="refusal")
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
        named, rest = await choice.named_assistant(registry, department_id, text)
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


async def ask_assistant(
    turn: Turn, spec: AssistantSpec, text: str, sink: ReplySink | None = None, *, one_off: bool = False
) -> Reply:
    """Answer `text` with assistant `spec` through the gateway, keeping the thread's memory.

    `one_off`: `spec` was named for this question only, so the thread's assistant (version) stays."""
    services, key = turn.services, turn.message.conversation_key
    tools = {name: services.tools[name] for name in spec.tools if name in services.tools}
    use_tools = bool(tools) and not services.offline
    attachments = turn.message.attachments
    # Files a tool reads itself (workbooks for 식비/위원회 점검) go to the tool, not into the prompt: their rows
    # hold names the masker cannot tell from other words, and the model needs only to know they are there.
    for_tools = [a for a in attachments if any(tool.reads(a) for tool in tools.values())] if use_tools else []
    inline = [a for a in attachments if a not in for_tools]
    user_text, notes = await with_attachments(text, inline, turn.locale, services.documents)
    if for_tools:  # the model knows a file is there, and the command that reads it if it cannot call the tool
        readers = [
            f"`/{tool.way_without_model}`" for tool in tools.values() if tool.reads_files and tool.way_without_model
        ]
        note = t("tools_attached_files", turn.locale, count=len(for_tools), commands=", ".join(readers) or "-")
        user_text += "\n\n" + note
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
    files: list = []
    if use_tools:
        config, locale = services.config, turn.locale
        today = office_today(config)  # the model turns "다음 주 화요일" into a date for the tool
        weekday = t("weekday_names", locale).split(",")[today.weekday()]
        request.messages.insert(
            1, ChatMessage("system", t("tools_today", locale, date=today.isoformat(), weekday=weekday))
        )
        documents = services.documents

        def context_for(tool: Tool) -> ToolContext:
            return tool_context(tool, config, locale, today, attachments=for_tools, documents=documents)

        run = await answer_with_tools(services.gateway, request, tools, context_for, sink)
        completion, answer_text, files = run.last, run.text, run.files
    else:
        completion = await complete_into(services.gateway, request, sink)
        answer_text = completion.text
    await services.memory.append(key, turn.conversation.id, ChatMessage("user", user_text))
    await services.memory.append(key, turn.conversation.id, ChatMessage("assistant", answer_text))
    await services.store.conversations.count_turn(key, turn.conversation.assistant_version if one_off else spec.version)
    model_written = completion.provider != "offline"
    whole = model_written and not completion.interrupted  # a cut-off fragment gets no sections or feedback
    parts: list = []
    if spec.template and whole:
        parts.extend(split_sections(completion.text, [s.heading for s in spec.template]) or [])
    if whole:
        parts.append(feedback_buttons(completion.call_id, turn.locale))
    parts.extend(files)
    if completion.interrupted:
        notes.insert(0, t("answer_incomplete", turn.locale))
    if tools and services.offline:  # no model to call them: the same tools by their commands
        commands = ", ".join(f"`/{tool.way_without_model}`" for tool in tools.values() if tool.way_without_model)
        if commands:
            notes.append(t("tools_offline_commands", turn.locale, commands=commands))
    body = answer_text + ("\n\n" + "\n".join(notes) if notes else "")
    return Reply(
        text=body,
        kind="incomplete" if completion.interrupted else "answer",
        parts=parts,
        notice=services.config.organisation.ai_notice if model_written else None,
        assistant=spec.name,
        answer_id=completion.call_id if whole else None,
    )


async def default_assistant(
    services: Services, department: Department, platform: str = "", channel_id: str = ""
) -> AssistantSpec:
    """The channel's department default, then the user's department default, then the office default."""
    return await choice.default_assistant(services.config, services.assistants, department, platform, channel_id)
