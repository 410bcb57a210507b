"""`/assistant …` and `/role …` in chat, on every messenger: thin wrappers around AssistantStudio."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import yaml

from assistants.naming import first_name
from assistants.spec import AssistantSpec
from bot.authoring.dialogue import GuidedCreation
from bot.authoring.policy import ContentPolicy
from bot.authoring.service import (
    EDITABLE,
    FIELD_ALIASES,
    ROLES,
    AssistantStudio,
    Author,
    AuthoringRefused,
    Owned,
)
from bot.conversation import Reply, Table
from bot.dispatch.commands import Command, CommandRegistry
from bot.i18n import t
from bot.roles import change_role

if TYPE_CHECKING:
    from assistants.registry import AssistantRegistry
    from bot.config import AppConfig
    from bot.dispatch.dispatcher import Interceptor, Turn
    from bot.store import Store

Sub = Callable[["Turn", Author, str], Awaitable[Reply]]


async def author_of(turn: Turn) -> Author:
    """The official as an author; the identity already carries the effective role (bot/roles.py)."""
    identity = turn.identity
    return Author(identity.user_id, identity.department.id, identity.role, identity.locale)


class AssistantCommands:
    def __init__(self, studio: AssistantStudio, dialogue: GuidedCreation):
        self.studio = studio
        self.dialogue = dialogue
        self._subs: dict[str, Sub] = {}
        for names, handler in (
            (("new", "새로", "만들기"), self._new),
            (("create", "생성"), self._create),
            (("try", "시험"), self._try),
            (("publish", "게시"), self._publish),
            (("edit", "수정"), self._edit),
            (("show", "보기"), self._show),
            (("history", "이력"), self._history),
            (("rollback", "되돌리기"), self._rollback),
            (("delete", "삭제"), self._delete),
            (("restore", "복원"), self._restore),
            (("share", "공유"), self._share),
            (("list", "목록"), self._list),
            (("cancel", "취소"), self._cancel),
        ):
            for name in names:
                self._subs[name] = handler

    async def assistant(self, turn: Turn, args: str) -> Reply:
        sub, _, rest = args.strip().partition(" ")
        if "\n" in sub:
            sub, _, more = sub.partition("\n")
            rest = more + ("\n" + rest if rest else "")
        author = await author_of(turn)
        if not sub:
            return await self._list(turn, author, "")
        handler = self._subs.get(sub.casefold())
        if handler is None:
            return Reply(
                t("authoring_unknown_sub", author.locale, sub=sub) + "\n\n" + t("authoring_usage", author.locale),
                kind="error",
            )
        try:
            return await handler(turn, author, rest.strip())
        except AuthoringRefused as refused:
            return Reply(refused.message(author.locale), kind="error")

    # ---- subcommands -------------------------------------------------------------------------

    async def _new(self, turn: Turn, author: Author, rest: str) -> Reply:
        return await self.dialogue.start(turn)

    async def _cancel(self, turn: Turn, author: Author, rest: str) -> Reply:
        return await self.dialogue.cancel(turn)

    async def _create(self, turn: Turn, author: Author, rest: str) -> Reply:
        name, prompt = first_name(rest)
        if not name:
            raise AuthoringRefused("authoring_need_name", usage="/assistant create 이름")
        if not prompt:
            raise AuthoringRefused("authoring_prompt_missing")
        spec, _ = await self.studio.create(
            author,
            {"name": name, "system_prompt": prompt, "description": prompt.splitlines()[0][:80]},
            note="한 번에 만듦",
        )
        return Reply(t("authoring_created", author.locale, name=spec.name))

    async def _try(self, turn: Turn, author: Author, rest: str) -> Reply:
        from bot.dispatch.dispatcher import ask_assistant

        if not author.can_edit:
            raise AuthoringRefused(
                "authoring_editors_only", role=author.role, admins=", ".join(turn.identity.department.admins)
            )
        owned, question = await self.studio.resolve(author, rest)
        if not question:
            raise AuthoringRefused("authoring_try_usage", name=owned.spec.name)
        message = dataclasses.replace(
            turn.message, thread_id=f"{turn.message.thread_id}#try:{owned.state.id}", text=question
        )
        conversation = await turn.services.store.conversations.ensure(
            message.conversation_key,
            platform=message.platform,
            user_id=author.user_id,
            department_id=author.department_id,
        )
        trial = dataclasses.replace(turn, message=message, conversation=conversation)
        reply = await ask_assistant(trial, owned.spec, question)
        reply.text = (
            t("authoring_try_header", author.locale, name=owned.spec.name, version=owned.spec.version)
            + "\n\n"
            + reply.text
        )
        return reply

    async def _publish(self, turn: Turn, author: Author, rest: str) -> Reply:
        owned, _ = await self.studio.resolve(author, rest)
        spec = await self.studio.publish(author, owned)
        audience = self.studio.audience(spec.visibility, author.locale)
        return Reply(t("authoring_published", author.locale, name=spec.name, version=spec.version, audience=audience))

    async def _edit(self, turn: Turn, author: Author, rest: str) -> Reply:
        owned, body = await self.studio.resolve(author, rest)
        if not body:
            fields = ", ".join(EDITABLE)
            return Reply(
                t("authoring_edit_usage", author.locale, name=owned.spec.name, fields=fields)
                + "\n\n"
                + _describe(self.studio, owned, author.locale)
            )
        spec = await self.studio.edit(author, owned, _changes(body), note="수정")
        published = owned.state.published_version
        values = {"name": spec.name, "version": spec.version, "published": published}
        if published:
            return Reply(t("authoring_edited_draft", author.locale, **values))
        return Reply(t("authoring_edited_unpublished", author.locale, **values))

    async def _show(self, turn: Turn, author: Author, rest: str) -> Reply:
        try:
            owned, _ = await self.studio.resolve(author, rest, include_deleted=True)
        except AuthoringRefused:
            # Assistants shared with the department (and official ones) may be read, not changed.
            spec = await turn.services.assistants.find(rest, author.department_id)
            if spec is None:
                raise
            return Reply(_describe_spec(self.studio, spec, author.locale))
        return Reply(_describe(self.studio, owned, author.locale))

    async def _history(self, turn: Turn, author: Author, rest: str) -> Reply:
        owned, versions = await self.studio.history(author, rest)
        locale = author.locale
        columns = (
            t("authoring_col_version", locale),
            t("authoring_col_saved", locale),
            t("authoring_col_by", locale),
            t("authoring_col_note", locale),
            t("authoring_col_state", locale),
        )
        rows = []
        for info in versions:
            marks = []
            if info.version == owned.state.published_version:
                marks.append(t("authoring_mark_published", locale))
            if info.version == owned.state.latest_version:
                marks.append(t("authoring_mark_latest", locale))
            rows.append(
                (str(info.version), f"{info.created_at:%Y-%m-%d %H:%M}", info.created_by, info.note, ", ".join(marks))
            )
        return Reply(f"**{owned.spec.name}**", parts=[Table(columns, tuple(rows), title=owned.spec.name)])

    async def _rollback(self, turn: Turn, author: Author, rest: str) -> Reply:
        owned, tail = await self.studio.resolve(author, rest)
        digits = tail.strip().lstrip("vV")
        if not digits.isdigit():
            raise AuthoringRefused("authoring_rollback_usage", name=owned.spec.name)
        spec, published = await self.studio.rollback(author, owned, int(digits))
        suffix = t("authoring_rolled_back_published", author.locale) if published else ""
        return Reply(
            t(
                "authoring_rolled_back",
                author.locale,
                name=spec.name,
                target=int(digits),
                version=spec.version,
                published=suffix,
            )
        )

    async def _delete(self, turn: Turn, author: Author, rest: str) -> Reply:
        owned, _ = await self.studio.resolve(author, rest)
        await self.studio.delete(author, owned)
        return Reply(t("authoring_deleted", author.locale, name=owned.spec.name))

    async def _restore(self, turn: Turn, author: Author, rest: str) -> Reply:
        owned, _ = await self.studio.resolve(author, rest, include_deleted=True)
        await self.studio.restore(author, owned)
        return Reply(t("authoring_restored", author.locale, name=owned.spec.name))

    async def _share(self, turn: Turn, author: Author, rest: str) -> Reply:
        owned, tail = await self.studio.resolve(author, rest)
        if not tail:
            raise AuthoringRefused("authoring_share_usage", name=owned.spec.name)
        visibility = self.studio.parse_visibility(tail)
        spec = await self.studio.share(author, owned, visibility)
        return Reply(
            t(
                "authoring_shared",
                author.locale,
                name=spec.name,
                audience=self.studio.audience(visibility, author.locale),
                version=spec.version,
            )
        )

    async def _list(self, turn: Turn, author: Author, rest: str) -> Reply:
        owned = await self.studio.owned(author.department_id)
        if not owned:
            return Reply(t("authoring_nothing_yet", author.locale) + "\n\n" + t("authoring_usage", author.locale))
        locale = author.locale
        columns = (
            t("authoring_col_name", locale),
            t("authoring_col_description", locale),
            t("authoring_col_shared_with", locale),
            t("authoring_col_latest", locale),
            t("authoring_col_published", locale),
        )
        rows = tuple(
            (
                o.spec.name,
                o.spec.description,
                self.studio.audience(o.spec.visibility, author.locale),
                str(o.state.latest_version),
                str(o.state.published_version)
                if o.state.published_version
                else t("authoring_state_draft", author.locale),
            )
            for o in owned
        )
        return Reply(
            t("authoring_usage", author.locale), parts=[Table(columns, rows, title=turn.identity.department.name)]
        )

    # ---- /role ----------------------------------------------------------------------------------

    async def role(self, turn: Turn, args: str) -> Reply:
        author = await author_of(turn)
        department = turn.identity.department
        words = args.split()
        if not words:
            return Reply(t("authoring_role_is", author.locale, department=department.name, role=author.role))
        if not author.is_admin:
            return Reply(t("authoring_admins_only", author.locale, admins=", ".join(department.admins)), kind="error")
        if words in (["list"], ["목록"]):
            configured: list[tuple[str, str, str]] = [(m.user, m.role, "app.yaml") for m in department.members]
            granted = await turn.services.store.roles.all(department.id)
            columns = (
                t("authoring_col_user", author.locale),
                t("authoring_col_role", author.locale),
                t("authoring_col_set_by", author.locale),
            )
            return Reply(
                t("authoring_role_is", author.locale, department=department.name, role=author.role),
                parts=[Table(columns, tuple(configured + granted), title=department.name)],
            )
        if len(words) != 2 or words[1] not in (*ROLES, "reset"):
            return Reply(t("authoring_role_usage", author.locale), kind="error")
        user, role = words
        store = turn.services.store
        await change_role(
            store.roles, department.id, user, role, by=author.user_id, audit=store.audit, platform=turn.message.platform
        )
        if role == "reset":
            return Reply(t("authoring_role_cleared", author.locale, user=user))
        return Reply(t("authoring_role_set", author.locale, user=user, role=role))


def _changes(body: str) -> dict[str, Any]:
    """YAML naming known fields changes those fields; any other text is the new prompt."""
    try:
        data = yaml.safe_load(body)
    except yaml.YAMLError:
        data = None
    if isinstance(data, dict) and any(isinstance(k, str) and FIELD_ALIASES.get(k, k) in EDITABLE for k in data):
        return data  # the studio names any unknown field
    return {"system_prompt": body}


def _describe(studio: AssistantStudio, owned: Owned, locale: str) -> str:
    state = owned.state
    if state.deleted:
        status = t("authoring_state_deleted", locale)
    elif state.published_version is None:
        status = t("authoring_state_draft", locale)
    else:
        status = t("authoring_state_published", locale, version=state.published_version)
    head = t("authoring_describe_head", locale, version=state.latest_version, status=status) + "\n\n"
    return head + _describe_spec(studio, owned.spec, locale)


def _describe_spec(studio: AssistantStudio, spec: AssistantSpec, locale: str) -> str:
    lines = [f"**{spec.name}** — {spec.description}".rstrip(" —")]
    lines.append(
        t(
            "authoring_describe_settings",
            locale,
            audience=studio.audience(spec.visibility, locale),
            model=spec.model,
            temperature=spec.temperature,
            max_tokens=spec.max_output_tokens,
        )
    )
    lines.append(t("authoring_describe_prompt", locale) + f"\n```\n{spec.system_prompt.strip()}\n```")
    if spec.style_guide:
        lines.append(t("authoring_describe_style_guide", locale) + f"\n{spec.style_guide.strip()}")
    if spec.template:
        lines.append(t("authoring_describe_template", locale, headings=" · ".join(s.heading for s in spec.template)))
    if spec.examples:
        lines.append(t("authoring_describe_examples", locale, count=len(spec.examples)))
    if spec.starters:
        lines.append(t("authoring_describe_starters", locale) + "\n" + "\n".join(f"- {s}" for s in spec.starters))
    return "\n\n".join(lines)


def register_authoring(
    commands: CommandRegistry,
    store: Store,
    registry: AssistantRegistry,
    config: AppConfig,
    skill_names: tuple[str, ...],
) -> Interceptor:
    """Adds `/assistant` and `/role` to `commands`; returns the guided dialogue, an interceptor that dispatch
    is built with (it gets every message first while a dialogue waits for its next answer)."""
    studio = AssistantStudio(store.assistants, registry, ContentPolicy(config), config, skill_names)
    handlers = AssistantCommands(studio, GuidedCreation(studio, author_of))
    commands.add(
        Command(
            "assistant",
            handlers.assistant,
            "command_help_assistant",
            usage="new|create|try|publish|edit|show|history|rollback|delete|share|list",
            aliases=("도우미만들기",),
        )
    )
    commands.add(
        Command(
            "role",
            handlers.role,
            "command_help_role",
            usage="[사용자 역할]",
            aliases=("역할",),
        )
    )
    return handlers.dialogue
