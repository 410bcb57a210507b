"""The complaint-triage skill: notices a triage request (a list attached or pasted, and words like
"민원 … 정리/분류/우선순위"), runs the triage off the event loop, asks the model through the gateway
when one is connected, and lets the official forward a cluster to the responsible department.

On the office's general assistant it declines (returns None) whatever is not a triage request; on the
dedicated 민원 정리 assistant it treats any list as one and explains itself otherwise.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from assistants.skills.base import SkillTurn
from assistants.skills.complaints.enrich import ModelHelper
from assistants.skills.complaints.masking import mask_text
from assistants.skills.complaints.model_read import estimate_note, outcome_note, plan, read_levels
from assistants.skills.complaints.nouns import KiwiNouns
from assistants.skills.complaints.parsing import is_list_file, read_file, read_text_list
from assistants.skills.complaints.pending import Caller, PendingRead, PendingReads
from assistants.skills.complaints.pipeline import TriageResult, analyse, mask_all, rerank, select
from assistants.skills.complaints.records import ComplaintList, UnreadableList
from assistants.skills.complaints.render import forward_message, to_reply
from assistants.skills.complaints.settings import ComplaintSettings
from assistants.skills.complaints.topic import expand, extract_topic
from bot.config import AppConfig, section
from bot.conversation import Action, Button, Buttons, ChannelPoster, Part, Reply, Table
from bot.documents import DocumentLimits, DocumentWorker, LimitExceeded
from bot.gateway.pipeline import Gateway
from bot.i18n import t
from bot.privacy.policy import pii_actions
from bot.shared_state import FORWARDS, SealedState, process_state

if TYPE_CHECKING:
    from bot.dispatch.dispatcher import ActionHandler
    from bot.dispatch.identity import Identity

DEDICATED_ASSISTANT = "complaints"
TRIAGE_ASK = re.compile(
    r"민원.{0,40}(?:정리|분류|우선\s?순위|분석|묶어|묶음|나눠|순위|추려|파악|트리아지|triage)|(?:우선\s?순위|분류|정리|분석).{0,20}민원|complaints?\b.{0,40}(?:triage|sort|priorit|cluster)",
    re.IGNORECASE | re.DOTALL,
)
FORWARD_TTL_SECONDS = 24 * 3600


# "이 민원 내용을 정리해서 답변서 써줘" asks for a reply letter, not a triage.
NOT_TRIAGE = re.compile(r"답변서|회신문|답장|답변\s?(?:을|를)?\s?(?:써|작성)|회신\s?(?:을|를)?\s?(?:써|작성)|초안")


def asks_for_triage(text: str) -> bool:
    first_line = text.strip().split("\n", 1)[0]
    return bool(TRIAGE_ASK.search(first_line)) and not NOT_TRIAGE.search(first_line)


@dataclass(frozen=True, slots=True)
class Forward:
    owner: str
    department_id: str
    rank: int
    reply: Reply


class ForwardStore:
    """Cluster summaries waiting for a confirm button, expiring after a day, in the shared state (sealed; Redis or the
    database, bot/shared_state.py), so the button works whichever serve process receives the press."""

    def __init__(self, shared: SealedState | None = None, ttl: float = FORWARD_TTL_SECONDS) -> None:
        self._shared = shared or process_state()
        self._ttl = ttl

    async def put(self, forward: Forward) -> str:
        token = secrets.token_urlsafe(12)
        await self._shared.put_json(FORWARDS, token, _forward_json(forward), self._ttl)
        return token

    async def get(self, token: str) -> Forward | None:
        data = await self._shared.get_json(FORWARDS, token)
        return _forward_of(data) if data is not None else None


def _forward_json(forward: Forward) -> dict[str, Any]:
    """A forward as JSON: the summary's text and its tables (what `forward_message` makes)."""
    reply = forward.reply
    tables = [
        {"columns": list(p.columns), "rows": [list(r) for r in p.rows], "title": p.title}
        for p in reply.parts
        if isinstance(p, Table)
    ]
    return {
        "owner": forward.owner,
        "department_id": forward.department_id,
        "rank": forward.rank,
        "text": reply.text,
        "kind": reply.kind,
        "tables": tables,
    }


def _forward_of(data: dict[str, Any]) -> Forward:
    parts: list[Part] = [
        Table(tuple(table["columns"]), tuple(tuple(r) for r in table["rows"]), title=table["title"])
        for table in data["tables"]
    ]
    reply = Reply(text=data["text"], kind=data["kind"], parts=parts)
    return Forward(data["owner"], data["department_id"], int(data["rank"]), reply)


class ComplaintTriageSkill:
    name = "complaint_triage"
    section = "complaints"  # its app.yaml section, parsed into `settings_model`
    settings_model = ComplaintSettings

    def __init__(
        self,
        config: AppConfig,
        posters: Mapping[str, ChannelPoster] | None = None,
        clock: Callable[[], datetime | None] | None = None,
        documents: DocumentWorker | None = None,
        shared: SealedState | None = None,
        volatile: SealedState | None = None,
        gateway: Gateway | None = None,
    ):
        """`posters`: platform -> ChannelPoster, for forwarding a cluster to the responsible department; `shared`:
        where forward buttons wait (every serve process's, see bot/shared_state.py); `volatile`: where large lists
        wait for the model-read button (Redis only, see pending.py); `gateway`: this process's, for a button pressed
        here on a list triaged by another process."""
        self._config = config
        self.settings = section(config, self.section, ComplaintSettings)
        self._posters: Mapping[str, ChannelPoster] = posters if posters is not None else {}
        # Lists are read in worker processes (time and memory capped); the runtime shares its pool.
        self.documents = documents or DocumentWorker(DocumentLimits())
        self.forwards = ForwardStore(shared)
        self.pending = PendingReads(volatile, FORWARD_TTL_SECONDS)
        self._gateway = gateway
        self.nouns = KiwiNouns()
        # The moment recency and handling deadlines are measured from; None: the list's own latest received date,
        # as `govbot complaints triage` without --as-of, so the chat and the CLI agree on the same file.
        self.clock: Callable[[], datetime | None] = clock or (lambda: None)

    # ---- the turn -------------------------------------------------------------------------

    async def run(self, turn: SkillTurn) -> Reply | None:
        dedicated = turn.assistant.id == DEDICATED_ASSISTANT
        files = [a for a in turn.message.attachments if is_list_file(a.name) and not a.error]
        asked = asks_for_triage(turn.text)
        max_rows = self.settings.max_rows
        if files and (asked or dedicated):
            first, documents = files[0], self.documents
            # Every file is read in a worker process (time and memory capped): decoding and splitting a
            # 15 MB list in this process would compete with the event loop for the interpreter.
            return await self._triage(
                turn,
                lambda: documents.run(read_file, first.name, first.data, max_rows, documents.limits),
                [t("triage_more_files", turn.locale, name=first.name)] if len(files) > 1 else [],
            )
        pasted = _pasted_list(turn.text, asked, dedicated)
        if pasted is not None:
            return await self._triage(
                turn, lambda: asyncio.to_thread(read_text_list, pasted, "붙여넣은 목록", max_rows), []
            )
        if dedicated:
            return Reply(t("triage_help", turn.locale), kind="info")
        return None

    async def _triage(self, turn: SkillTurn, read: Callable[[], Awaitable[ComplaintList]], notes: list[str]) -> Reply:
        config, locale = self._config, turn.locale
        await _progress(turn, t("triage_reading", locale))
        try:
            source = await read()
        except (UnreadableList, LimitExceeded) as error:
            return Reply(error.message(locale), kind="error")
        if not source.complaints:
            skipped = "; ".join(p.describe(locale) for p in source.skipped[:10])
            return Reply(
                t("triage_empty", locale)
                + ("\n\n" + t("triage_skipped", locale, count=len(source.skipped), rows=skipped) if skipped else ""),
                kind="error",
            )
        helper = (
            None
            if turn.offline
            else ModelHelper(
                turn.gateway,
                turn.identity.department.id,
                turn.identity.user_id,
                turn.message.conversation_key,
                turn.message.platform,
                turn.assistant.id,
                turn.assistant.model,
            )
        )
        topic = extract_topic(turn.text)
        terms: list[str] = []
        if topic:
            extra: list[str] = []
            if helper is not None:
                extra, note = await helper.expand_topic(topic)
                notes += [note] if note else []
            terms = expand(topic, self.settings.synonyms, extra)
        chosen = select(source.complaints, terms)
        if not chosen:
            return Reply(
                t("triage_none", locale, topic=topic, total=len(source.complaints), terms=", ".join(terms)), kind="info"
            )
        await _progress(turn, t("triage_analysing", locale, count=len(chosen)))
        actions = pii_actions(config, turn.identity.department.id)
        as_of = self.clock()

        def work() -> TriageResult:
            masked = mask_all(chosen, source, actions)
            return analyse(
                source,
                masked,
                settings=self.settings,
                departments=config.departments,
                as_of=as_of,
                nouns=self.nouns,
            )

        result = await asyncio.to_thread(work)
        result.topic, result.terms, result.total, result.notes = topic, terms, len(source.complaints), notes
        confirm: Button | None = None
        if helper is not None and self.settings.model_levels and result.complaints:
            reading = plan(result)
            if reading.complaints > self.settings.model_levels_confirm_over:
                # A large list: show the cost and wait for the button before any call is made.
                estimate = estimate_note(reading, locale)
                note = t("triage_model_ask", locale, estimate=estimate)
                result.notes.append(note)
                token = await self.pending.put(PendingRead(Caller.of(helper), result, note))
                confirm = Button(t("triage_model_confirm", locale), "complaint_model_read", token, confirm=estimate)
            else:
                await self._read_with_model(result, helper, locale, turn)
        return await self._finish(result, helper, turn.identity, locale, turn, confirm)

    async def _read_with_model(
        self, result: TriageResult, helper: ModelHelper, locale: str, turn: SkillTurn | None
    ) -> None:
        """The model pass (model_read.py), then groups ranked again from the new levels."""
        reading = plan(result)
        if turn is not None:
            await _progress(turn, estimate_note(reading, locale))
        outcome = await read_levels(helper.ask_text, result, reading, locale)
        rerank(result, self.settings)
        result.notes.append(outcome_note(outcome, reading, locale))
        result.model_calls = helper.calls

    async def _finish(
        self,
        result: TriageResult,
        helper: ModelHelper | None,
        identity: Identity,
        locale: str,
        turn: SkillTurn | None,
        confirm: Button | None = None,
    ) -> Reply:
        """Cluster titles from the model (when connected), forward buttons, the reply."""
        config = self._config
        if helper is not None and self.settings.model_clusters and result.clusters:
            count = min(len(result.clusters), self.settings.model_clusters)
            if turn is not None:
                await _progress(turn, t("triage_describing", locale, count=count))
            result.notes += await helper.describe(result, config.departments, count)
            result.model_calls = helper.calls
        tokens = await self._forward_tokens(result, identity)
        written = any(c.written_by_model for c in result.clusters) or any(
            "model_level" in c.priority.signals for c in result.complaints
        )
        reply = await asyncio.to_thread(
            to_reply, result, locale, tokens=tokens, notice=config.organisation.ai_notice if written else None
        )
        if confirm is not None:
            reply.parts.append(Buttons((confirm,)))
        return reply

    async def read_with_model(self, action: Action, identity: Identity) -> Reply:
        """The confirm button of a large list: the model pass on the result already shown, then the new reply."""
        locale = identity.locale
        seen = await self.pending.peek(action.value)
        if seen is not None and seen.caller.user_id != identity.user_id:
            return Reply(t("triage_model_not_owner", locale), kind="refusal")
        pending = await self.pending.take(action.value) if seen is not None else None  # one pass per confirmation
        if pending is None or self._gateway is None:
            return Reply(t("triage_model_expired", locale), kind="error")
        result = pending.result
        result.notes = [n for n in result.notes if n != pending.note]
        await self._read_with_model(result, pending.caller.helper(self._gateway), locale, None)
        return await self._finish(result, None, identity, locale, None)

    async def _forward_tokens(self, result: TriageResult, identity: Identity) -> dict[int, str]:
        tokens: dict[int, str] = {}
        for rank, cluster in enumerate(result.clusters, start=1):
            if cluster.route.department_id is None or len(tokens) >= 3:
                continue
            message = forward_message(cluster, result, rank, identity.name, identity.department.name)
            tokens[rank] = await self.forwards.put(
                Forward(identity.user_id, cluster.route.department_id, rank, message)
            )
        return tokens

    # ---- forwarding -----------------------------------------------------------------------

    def actions(self) -> dict[str, ActionHandler]:
        """The button verbs this skill handles (collected by the runtime before dispatch is built)."""
        return {"complaint_forward": self.forward, "complaint_model_read": self.read_with_model}

    async def forward(self, action: Action, identity: Identity) -> Reply:
        locale, config, posters = identity.locale, self._config, self._posters
        item = await self.forwards.get(action.value)
        if item is None:
            return Reply(t("forward_expired", locale), kind="error")
        if item.owner != identity.user_id:
            return Reply(t("forward_not_owner", locale), kind="refusal")
        department = config.department(item.department_id)
        if department is None:
            return Reply(t("forward_expired", locale), kind="error")
        platforms = [action.platform] + [p for p in ("slack", "teams", "web") if p != action.platform]
        channels = [(p, c) for p in platforms for c in getattr(department.channels, p, [])]
        if not channels:
            return Reply(t("forward_no_channel", locale, department=department.name), kind="error")
        reachable = [(p, c) for p, c in channels if p in posters and await posters[p].can_post(c)]
        if not reachable:
            listed = ", ".join(f"{p}: {c}" for p, c in channels)
            return Reply(t("forward_no_poster", locale, department=department.name, channels=listed), kind="error")
        message = _masked_for(item.reply, pii_actions(config, department.id))
        for platform, channel in reachable:  # the next channel when one refuses (bot removed, rate limit exhausted)
            if await posters[platform].post(channel, message) is not None:
                return Reply(
                    t(
                        "forward_done",
                        locale,
                        department=department.name,
                        platform=platform.capitalize(),
                        channel=channel,
                        rank=item.rank,
                    )
                )
        return Reply(
            t("forward_failed", locale, department=department.name, platform=platform.capitalize(), channel=channel),
            kind="error",
        )


def _masked_for(reply: Reply, actions: dict[str, str]) -> Reply:
    """The forwarded summary under the receiving department's policy as well (the stricter of the two)."""
    parts = []
    for part in reply.parts:
        if isinstance(part, Table):
            part = replace(part, rows=tuple(tuple(mask_text(cell, actions) for cell in row) for row in part.rows))
        parts.append(part)
    return Reply(text=mask_text(reply.text, actions), kind=reply.kind, parts=parts)


def _pasted_list(text: str, asked: bool, dedicated: bool) -> str | None:
    """The pasted complaints: the lines after a request line, or (on the dedicated assistant) all lines."""
    lines = text.strip().split("\n")
    if asked and len([line for line in lines[1:] if line.strip()]) >= 2:
        return "\n".join(lines[1:])
    if dedicated and not asked and len([line for line in lines if line.strip()]) >= 2:
        return "\n".join(lines)
    return None


async def _progress(turn: SkillTurn, note: str) -> None:
    if turn.sink is not None:
        await turn.sink.progress(note)
