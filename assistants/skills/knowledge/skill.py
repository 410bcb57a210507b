"""The knowledge skill: answers from an office's statutes and manuals with citations.

Offline the answer is the ranked passages themselves; with a model, the passages go into the request and
the citations come back as the reply's sources. When nothing is relevant enough, the answer says so and
names the collections searched, and no model is asked (it would only guess a citation).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistants.skills.base import SkillTurn
from assistants.skills.knowledge.render import citation, offline_answer, passages_prompt
from bot.conversation import Reply
from bot.dispatch.commands import Command
from bot.gateway.types import ChatMessage, GatewayRequest
from bot.i18n import t
from bot.knowledge.permissions import Action, Actor, may_change
from bot.knowledge.service import KnowledgeService, SearchOutcome, elsewhere_hint
from bot.store.knowledge_repository import OFFICE, KnowledgeRepository

if TYPE_CHECKING:
    from bot.config import AppConfig
    from bot.dispatch.dispatcher import Services, Turn
    from bot.store import Store


class KnowledgeSkill:
    name = "knowledge"

    def __init__(self, service: KnowledgeService):
        self.service = service

    def commands(self) -> list[Command]:
        """The slash commands this skill brings (collected by the runtime before dispatch is built)."""
        return knowledge_commands(self)

    async def run(self, turn: SkillTurn) -> Reply | None:
        question = turn.text.strip()
        if not question:
            return None
        identity = turn.identity
        embedder = self.service.embedder(turn.gateway, identity.department.id, identity.user_id, turn.message.platform)
        outcome = await self.service.search(
            question,
            department_id=identity.department.id,
            collections=turn.assistant.knowledge or None,
            embedder=embedder,
        )
        return await answer(self.service, outcome, question, turn)


def _nothing(outcome: SearchOutcome, locale: str) -> Reply:
    if not outcome.collections:
        return Reply(t("knowledge_no_collections", locale), kind="info")
    text = t("knowledge_nothing", locale, collections=", ".join(outcome.collections))
    if outcome.elsewhere:
        text += "\n" + elsewhere_hint(outcome.elsewhere, locale)
    return Reply(text, kind="info")


async def answer(service: KnowledgeService, outcome: SearchOutcome, question: str, turn: SkillTurn) -> Reply:
    relevant = outcome.relevant
    if not relevant:
        return _nothing(outcome, turn.locale)
    sources = [citation(r) for r in relevant]
    if turn.offline:
        tokens = service.tokenizer.tokens(question, query=True)
        text = offline_answer(relevant, tokens, t("knowledge_results_head", turn.locale))
        return Reply(text, sources=sources)
    spec = turn.assistant
    request = GatewayRequest(
        department_id=turn.identity.department.id,
        user_id=turn.identity.user_id,
        messages=[
            ChatMessage("system", spec.system_prompt),
            ChatMessage("system", passages_prompt(relevant, turn.locale)),
            ChatMessage("user", question),
        ],
        model=spec.model,
        assistant_id=spec.id,
        assistant_version=spec.version,
        conversation_key=turn.message.conversation_key,
        max_output_tokens=spec.max_output_tokens,
        temperature=spec.temperature,
        platform=turn.message.platform,
        purpose="knowledge",
    )
    if turn.sink is None:
        completion = await turn.gateway.complete(request)
    else:
        async with turn.gateway.stream(request) as stream:
            async for delta in stream:
                await turn.sink.delta(delta)
        streamed = stream.completion
        assert streamed is not None  # the stream was read to its end, so it has its completion
        completion = streamed
    model_written = completion.provider != "offline"
    return Reply(
        completion.text,
        kind="incomplete" if completion.interrupted else "answer",
        notice=turn.config.organisation.ai_notice if model_written else None,
        sources=sources,
    )


def knowledge_commands(skill: KnowledgeSkill) -> list[Command]:
    """`/search` and `/knowledge add|remove`: the skill's own commands (dispatch adds them to its registry)."""

    async def search_command(turn: Turn, args: str) -> Reply:
        if not args.strip():
            return Reply(t("knowledge_search_usage", turn.locale), kind="error")
        services = turn.services
        identity = turn.identity
        embedder = skill.service.embedder(
            services.gateway, identity.department.id, identity.user_id, turn.message.platform
        )
        outcome = await skill.service.search(args, department_id=identity.department.id, embedder=embedder)
        skill_turn = SkillTurn(
            turn.message,
            args,
            turn.identity,
            await _search_spec(services, turn.identity.department.id),
            services.config,
            services.gateway,
            True,  # /search shows the passages themselves, never a model's answer
        )
        return await answer(skill.service, outcome, args, skill_turn)

    async def knowledge_command(turn: Turn, args: str) -> Reply:
        action, _, rest = args.strip().partition(" ")
        if action in ("remove", "삭제", "지우기"):
            return await _remove(skill.service, turn, turn.services.config, rest.strip())
        collection = rest.strip()
        if action not in ("add", "추가") or not collection or not turn.message.attachments:
            return Reply(t("knowledge_add_usage", turn.locale), kind="error")
        existing = await skill.service.repository.resolve(collection, turn.identity.department.id)
        owner = existing.department_id if existing else turn.identity.department.id
        if (denied := _denied(turn.services.config, turn, owner, collection, "add")) is not None:
            return denied
        files = [(a.name, a.data) for a in turn.message.attachments if not a.error and a.data]
        report = await skill.service.add(
            existing.name if existing else collection,
            files,
            by=turn.identity.user_id,
            department_id=owner or None,
            visibility=existing.visibility if existing else "department",
            # the official adding the files pays for embedding them (their department, their audit record)
            embedder=skill.service.embedder(
                turn.services.gateway, turn.identity.department.id, turn.identity.user_id, turn.message.platform
            ),
        )
        counts = {
            "collection": report.collection,
            "added": len(report.added),
            "replaced": len(report.replaced),
            "unchanged": len(report.unchanged),
            "failed": len(report.failed),
        }
        if owner == OFFICE:
            lines = [t("knowledge_added_office", turn.locale, **counts)]
        else:
            lines = [t("knowledge_added", turn.locale, **counts)]
        lines += [f"- {source}: {reason}" for source, reason in report.failed]
        return Reply("\n".join(lines), kind="error" if report.failed and not report.added else "info")

    return [
        Command("search", search_command, "command_help_search", usage="질문", aliases=("검색",)),
        Command(
            "knowledge", knowledge_command, "command_help_knowledge", usage="add|remove 모음이름", aliases=("지식",)
        ),
    ]


def _denied(config, turn: Turn, owner: str, collection: str, action: Action) -> Reply | None:
    """The refusal when the official may not change the collection owned by `owner`, else None."""
    identity = turn.identity
    if may_change(config, Actor(identity.user_id, identity.department.id, identity.role), owner, action):
        return None
    if owner == OFFICE:
        return Reply(t("knowledge_office_denied", turn.locale, collection=collection), kind="refusal")
    if owner != identity.department.id:
        department = config.department(owner)
        name = department.name if department else owner
        return Reply(
            t("knowledge_other_department", turn.locale, collection=collection, department=name), kind="refusal"
        )
    if action == "remove":
        return Reply(t("knowledge_remove_denied", turn.locale), kind="refusal")
    return Reply(t("knowledge_add_denied", turn.locale), kind="refusal")


CONFIRM_WORDS = ("확인", "confirm")


async def _remove(service: KnowledgeService, turn: Turn, config, rest: str) -> Reply:
    """`/knowledge remove NAME` asks first (it cannot be undone); `/knowledge remove NAME 확인` removes."""
    name, _, last = rest.rpartition(" ")
    confirmed = bool(name.strip()) and last.casefold() in CONFIRM_WORDS
    collection = name.strip() if confirmed else rest
    if not collection:
        return Reply(t("knowledge_add_usage", turn.locale), kind="error")
    info = await service.repository.resolve(collection, turn.identity.department.id)
    if info is None:
        return Reply(t("knowledge_not_found", turn.locale, collection=collection), kind="error")
    if (denied := _denied(config, turn, info.department_id, info.name, "remove")) is not None:
        return denied
    if not confirmed:
        return Reply(t("knowledge_remove_confirm", turn.locale, collection=info.name, documents=info.documents))
    await service.repository.remove_collection(info.id)
    return Reply(t("knowledge_removed", turn.locale, collection=info.name, documents=info.documents), kind="info")


async def _search_spec(services: Services, department_id: str):
    """The assistant /search answers as (only its name is used: /search never calls a model)."""
    spec = await services.assistants.get("law_search", department_id)
    return spec or (await services.assistants.visible(department_id))[0]


def build_knowledge_skill(config: AppConfig, store: Store) -> KnowledgeSkill:
    """The skill over the office's collections in `store` (app.yaml's knowledge settings from `config`)."""
    return KnowledgeSkill(KnowledgeService(config, KnowledgeRepository(store.sessions)))
