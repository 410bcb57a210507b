"""`/assistant new`: four questions, a drafted prompt the creator can correct, then version 1.

The dialogue's state sits in the database (any govbot process may receive the next answer); each
answer passes the content policy before it is kept, so no personal information is stored on the way.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from bot.authoring.meta_prompt import clean_draft, draft_messages, parse_example
from bot.authoring.service import AssistantStudio, Author, AuthoringRefused
from bot.conversation import Reply, ReplySink
from bot.dispatch.commands import parse_command
from bot.gateway.errors import GatewayError
from bot.gateway.types import GatewayRequest
from bot.i18n import t

if TYPE_CHECKING:
    from bot.dispatch.dispatcher import Turn

log = logging.getLogger(__name__)

CANCEL = {"취소", "그만", "그만두기", "cancel", "stop"}
SAVE = {"저장", "확인", "네", "예", "좋아요", "save", "ok", "yes"}
SKIP = {"건너뛰기", "없음", "없어요", "skip", "-", "none"}


def _word(text: str) -> str:
    return text.strip().rstrip(".!").casefold()


class GuidedCreation:
    def __init__(self, studio: AssistantStudio, author_of):
        self._studio = studio
        self._author_of = author_of

    async def start(self, turn: Turn) -> Reply:
        author = await self._author_of(turn)
        if not author.can_edit:
            raise AuthoringRefused(
                "authoring_editors_only", role=author.role, admins=", ".join(turn.identity.department.admins)
            )
        await turn.services.store.dialogues.put(turn.message.conversation_key, author.user_id, "name", {})
        return Reply(t("authoring_dlg_start", author.locale))

    async def cancel(self, turn: Turn) -> Reply:
        await turn.services.store.dialogues.end(turn.message.conversation_key)
        return Reply(t("authoring_dlg_cancelled", turn.locale))

    async def __call__(self, turn: Turn, sink: ReplySink | None) -> Reply | None:
        """The dispatcher's interceptor: answers the open dialogue's next step; commands pass through."""
        store, key = turn.services.store, turn.message.conversation_key
        state = await store.dialogues.get(key, turn.identity.user_id)
        if state is None:
            return None
        text = turn.message.text.strip()
        if _word(text) in CANCEL:
            return await self.cancel(turn)
        if parse_command(text) is not None:
            return None
        step, data = state
        author = await self._author_of(turn)
        try:
            return await self._step(turn, author, step, data, text, sink)
        except AuthoringRefused as refused:
            return Reply(refused.message(author.locale), kind="error")

    async def _step(
        self, turn: Turn, author: Author, step: str, data: dict[str, Any], text: str, sink: ReplySink | None
    ) -> Reply:
        store, key, locale = turn.services.store, turn.message.conversation_key, author.locale
        if not text:
            return Reply(t("authoring_dlg_empty", locale), kind="info")
        refusal = self._studio.refusal_for_text(author, text)
        if refusal:
            return Reply(refusal, kind="error")
        if step == "name":
            await self._studio.check_name(author, text, exclude_id=None)
            await store.dialogues.put(key, author.user_id, "purpose", {**data, "name": text})
            return Reply(t("authoring_dlg_purpose", locale))
        if step == "purpose":
            await store.dialogues.put(key, author.user_id, "example", {**data, "purpose": text})
            return Reply(t("authoring_dlg_example", locale))
        if step == "example":
            example = "" if _word(text) in SKIP else text
            await store.dialogues.put(key, author.user_id, "audience", {**data, "example": example})
            return Reply(t("authoring_dlg_audience", locale))
        if step == "audience":
            try:
                visibility = self._studio.parse_visibility(text)
            except AuthoringRefused as refused:
                return Reply(t("authoring_dlg_bad_audience", locale, detail=refused.message(locale)), kind="error")
            data = {**data, "visibility": visibility}
            if turn.services.offline:
                await store.dialogues.put(key, author.user_id, "prompt", data)
                department = turn.identity.department.name
                return Reply(t("authoring_dlg_write_prompt", locale, department=department, purpose=data["purpose"]))
            return await self._draft(turn, author, data, sink)
        if step == "review":
            if _word(text) in SAVE:
                return await self._save(turn, author, data, data["prompt"])
            await store.dialogues.put(key, author.user_id, "review", {**data, "prompt": text})
            return Reply(t("authoring_dlg_review", locale, prompt=text))
        if step == "prompt":
            return await self._save(turn, author, data, text)
        await store.dialogues.end(key)  # a step this version does not know: start again rather than guess
        return Reply(t("authoring_dlg_cancelled", locale), kind="error")

    async def _draft(self, turn: Turn, author: Author, data: dict[str, Any], sink: ReplySink | None) -> Reply:
        """One model call, billed to the creator's department, drafts the prompt."""
        store, key, locale = turn.services.store, turn.message.conversation_key, author.locale
        if sink is not None:
            await sink.progress(t("authoring_dlg_drafting", locale))
        request = GatewayRequest(
            department_id=author.department_id,
            user_id=author.user_id,
            messages=draft_messages(
                name=data["name"],
                purpose=data["purpose"],
                example=data.get("example", ""),
                audience=self._studio.audience(data["visibility"], locale),
                department=turn.identity.department.name,
                organisation=turn.services.config.organisation.name,
                locale=locale,
            ),
            conversation_key=key,
            max_output_tokens=900,
            temperature=0.2,
            platform=turn.message.platform,
            purpose="meta_prompt",
        )
        try:
            completion = await turn.services.gateway.complete(request)
        except GatewayError as error:
            await store.dialogues.put(key, author.user_id, "prompt", data)
            return Reply(t("authoring_dlg_draft_failed", locale, reason=error.message(locale)), kind="error")
        prompt = clean_draft(completion.text)
        await store.dialogues.put(key, author.user_id, "review", {**data, "prompt": prompt})
        return Reply(
            t("authoring_dlg_review", locale, prompt=prompt),
            kind="answer",
            notice=turn.services.config.organisation.ai_notice,
        )

    async def _save(self, turn: Turn, author: Author, data: dict[str, Any], prompt: str) -> Reply:
        fields: dict[str, Any] = {
            "name": data["name"],
            "description": data["purpose"],
            "system_prompt": prompt,
            "visibility": data["visibility"],
        }
        example = parse_example(data.get("example", ""))
        if example is not None:
            fields["examples"] = [example.model_dump()]
        spec, narrowed = await self._studio.create(author, fields, note="안내 대화로 만듦")
        await turn.services.store.dialogues.end(turn.message.conversation_key)
        text = t("authoring_created", author.locale, name=spec.name)
        if narrowed:
            text += "\n\n" + t("authoring_wider_needs_admin", author.locale, name=spec.name)
        return Reply(text)
