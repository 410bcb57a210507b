"""Personal information never leaves the office: every message is masked with typed placeholders
before any other stage sees it; blocked types refuse the call; the answer gets the user's own values
back and has any new personal information it invents masked."""

from __future__ import annotations

import logging
from dataclasses import replace

from bot.config import AppConfig
from bot.gateway.errors import PolicyBlocked
from bot.gateway.pipeline import Next
from bot.gateway.stream import ReplyStream, whole
from bot.gateway.types import ChatMessage, GatewayCall
from bot.i18n import t
from bot.privacy import PlaceholderVault, RestoreStream
from bot.privacy.policy import pii_actions
from bot.privacy.vault import MaskStream, find_split_values
from bot.shared_state import VAULTS, SealedState, StateUnavailable, process_state

log = logging.getLogger(__name__)


class VaultStore:
    """Vaults per (conversation, user), expiring when idle, in a sealed state store: Redis when configured (so any
    serve process restores the placeholders another one issued), this process's memory otherwise (where the thread's
    memory is too). Redis unreachable: the call gets a fresh vault (the history is masked again, consistently, within
    the call, so its answer is still restored), and a warning is logged."""

    def __init__(self, state: SealedState | None = None, ttl_seconds: float = 4 * 3600) -> None:
        self._state = state or process_state()
        self._ttl = ttl_seconds

    async def load(self, conversation_key: str, user_id: str) -> PlaceholderVault:
        try:
            data = await self._state.get_json(VAULTS, f"{conversation_key}\0{user_id}")
        except StateUnavailable as error:
            log.warning("placeholder vault unavailable (%s): this call uses a fresh one", error)
            return PlaceholderVault()
        return PlaceholderVault.from_json(data) if data is not None else PlaceholderVault()

    async def save(self, conversation_key: str, user_id: str, vault: PlaceholderVault) -> None:
        """Kept again (which restarts its time to live) after every call that has anything in it."""
        if not len(vault):
            return
        try:
            await self._state.put_json(VAULTS, f"{conversation_key}\0{user_id}", vault.to_json(), self._ttl)
        except StateUnavailable as error:
            log.warning("placeholder vault not kept (%s)", error)


class MaskPersonalInformation:
    name = "pii"

    def __init__(self, config: AppConfig, vaults: VaultStore):
        self._config = config
        self._vaults = vaults

    async def __call__(self, call: GatewayCall, next: Next) -> ReplyStream:
        request = call.request
        actions = pii_actions(self._config, request.department_id)
        # A call without a conversation (the OpenAI-compatible endpoint: its clients send the whole
        # history every time) gets a vault of its own, so no other call can have its placeholders restored.
        vault = (
            await self._vaults.load(request.conversation_key, request.user_id)
            if request.conversation_key
            else PlaceholderVault()
        )
        # A number split over the user's messages ("900101-", then "1234568") reaches the model whole
        # in the conversation memory: read the user's messages as one text too.
        users = [i for i, message in enumerate(request.messages) if message.role == "user"]
        split = find_split_values([request.messages[i].content for i in users])
        split_of = {users[index]: parts for index, parts in split.items()}
        masked: list[ChatMessage] = []
        blocked: set[str] = set()
        for index, message in enumerate(request.messages):
            result = vault.mask(message.content, actions, split=split_of.get(index, ()))
            call.findings.update(result.counts())
            blocked |= result.blocked
            # the arguments of tools the model called earlier in this turn hold restored values: masked again
            calls = []
            for tool_call in message.tool_calls:
                arguments = vault.mask(tool_call.arguments, actions)
                call.findings.update(arguments.counts())
                blocked |= arguments.blocked
                calls.append(replace(tool_call, arguments=arguments.text))
            masked.append(replace(message, content=result.text, tool_calls=tuple(calls)))
        request.messages = masked  # replaced before any refusal, so nothing downstream ever holds raw values
        if request.conversation_key:
            await self._vaults.save(request.conversation_key, request.user_id, vault)
        if blocked:
            # one catalog message per PII type: pii_rrn, pii_phone, ...
            kinds_ko = ", ".join(t(f"pii_{k}", "ko") for k in sorted(blocked))
            kinds_en = ", ".join(t(f"pii_{k}", "en") for k in sorted(blocked))
            raise PolicyBlocked(
                t("gateway_pii_blocked", "ko", kinds=kinds_ko), t("gateway_pii_blocked", "en", kinds=kinds_en)
            )
        if call.findings:
            call.decision = "masked"
        reply = await next(call)

        def count_output(kind: str) -> None:
            call.findings[f"output_{kind}"] += 1

        reply.add_filter(MaskStream(actions, on_finding=count_output))
        reply.add_filter(RestoreStream(vault))
        # a tool's arguments get the same treatment: new personal information masked, the user's own values back
        reply.add_call_filter(whole(lambda: MaskStream(actions, on_finding=count_output)))
        reply.add_call_filter(whole(lambda: RestoreStream(vault)))
        return reply
