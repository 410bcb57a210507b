"""Posting into a Teams channel without a user's message first (e.g. a complaint summary forwarded to
the responsible department's channel).

Teams only lets a bot start a thread in a channel it is installed in, at the regional `serviceUrl`
Teams told it about. So every activity govbot receives leaves its channel's serviceUrl and tenant
here, in the shared state (bot/shared_state.py: Redis or the database, for 30 days after the channel was last
heard from), so any serve process can post there; `GOVBOT_TEAMS_SERVICE_URL` (+ `MicrosoftAppTenantId`) covers
channels not heard from yet.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from botbuilder.core import MessageFactory
from botbuilder.schema import Attachment as BfAttachment
from botbuilder.schema import ChannelAccount, ConversationParameters
from botframework.connector.aio import ConnectorClient
from cachetools import TTLCache

from adapters.teams import activities as acts
from adapters.teams import cards
from adapters.teams.files import FileLinks
from adapters.teams.retry import RetryPolicy, status_of, with_retry
from bot.conversation import Reply
from bot.shared_state import TEAMS_CHANNELS, SealedState, StateUnavailable, process_state

log = logging.getLogger(__name__)

ConnectorMaker = Callable[[str], Awaitable[ConnectorClient]]  # service_url -> an authenticated connector client


@dataclass(frozen=True, slots=True)
class ChannelReference:
    service_url: str
    tenant_id: str
    bot_id: str


class TeamsPoster:
    """Implements bot.conversation.ChannelPoster for Teams."""

    def __init__(
        self,
        make_connector: ConnectorMaker,
        links: FileLinks,
        retry: RetryPolicy,
        *,
        locale: str,
        fallback_service_url: str = "",
        fallback_tenant_id: str = "",
        bot_id: str = "",
        max_channels: int = 5000,
        shared: SealedState | None = None,
        remember_seconds: float = 30 * 86_400,
    ):
        self._make_connector = make_connector
        self._links = links
        self._retry = retry
        self._locale = locale
        self._fallback = (fallback_service_url, fallback_tenant_id)
        self._bot_id = bot_id
        self._shared = shared or process_state()
        self._remember_seconds = remember_seconds
        # What this process wrote lately, so the same channel's every message does not write the store again.
        self._written: TTLCache[str, ChannelReference] = TTLCache(maxsize=max_channels, ttl=3600)

    async def remember(self, raw: dict[str, Any]) -> None:
        """Keep where a channel can be reached (called for every incoming activity)."""
        if acts.conversation_type(raw) != "channel":
            return
        channel = acts.channel_id_of(raw)
        service_url = str(raw.get("serviceUrl") or "")
        if not channel or not service_url:
            return
        tenant = str(
            ((raw.get("channelData") or {}).get("tenant") or {}).get("id")
            or (raw.get("conversation") or {}).get("tenantId")
            or ""
        )
        bot_id = str((raw.get("recipient") or {}).get("id") or self._bot_id)
        reference = ChannelReference(service_url, tenant, bot_id)
        if self._written.get(channel) == reference:
            return
        try:
            await self._shared.put_json(
                TEAMS_CHANNELS,
                channel,
                {"service_url": service_url, "tenant_id": tenant, "bot_id": bot_id},
                self._remember_seconds,
            )
        except StateUnavailable as error:  # the message is still answered; only a later forward may miss the channel
            log.warning("could not keep the Teams channel's address: %s", error)
            return
        self._written[channel] = reference

    async def reference(self, channel_id: str) -> ChannelReference | None:
        try:
            known = await self._shared.get_json(TEAMS_CHANNELS, channel_id)
        except StateUnavailable as error:
            log.warning("could not read the Teams channel's address: %s", error)
            known = None
        if known is not None:
            return ChannelReference(known["service_url"], known["tenant_id"], known["bot_id"])
        service_url, tenant = self._fallback
        if service_url:
            return ChannelReference(service_url, tenant, self._bot_id)
        return None

    async def can_post(self, channel_id: str) -> bool:
        """A channel heard from (by any serve process), or any channel when a fallback serviceUrl is configured."""
        return await self.reference(channel_id) is not None

    async def post(self, channel_id: str, reply: Reply) -> str | None:
        """Start a new thread in `channel_id` with the reply as a card; its message id, or None."""
        reference = await self.reference(channel_id)
        if reference is None:
            log.warning(
                "Teams 채널 %s에 게시할 수 없습니다: 이 채널에서 govbot이 받은 활동이 아직 없고 GOVBOT_TEAMS_SERVICE_URL이 비어 있습니다. "
                "채널에서 govbot을 한 번 @멘션하거나 GOVBOT_TEAMS_SERVICE_URL(예: https://smba.trafficmanager.net/kr/)을 설정하세요. / "
                "Cannot post to Teams channel %s: no activity seen there since start and GOVBOT_TEAMS_SERVICE_URL is not set; "
                "@mention govbot in the channel once or set GOVBOT_TEAMS_SERVICE_URL.",
                channel_id,
                channel_id,
            )
            return None
        await cards.parse_off_loop(reply)
        card = cards.reply_card(reply, locale=self._locale, file_link=await self._links.for_reply(reply))
        activity = MessageFactory.attachment(BfAttachment(content_type=acts.CARD_CONTENT_TYPE, content=card))
        activity.summary = cards.plain_text(reply, 200)
        channel_data: dict[str, Any] = {"channel": {"id": channel_id}}
        if reference.tenant_id:
            channel_data["tenant"] = {"id": reference.tenant_id}
        parameters = ConversationParameters(
            is_group=True,
            bot=ChannelAccount(id=reference.bot_id) if reference.bot_id else None,
            channel_data=channel_data,
            activity=activity,
            tenant_id=reference.tenant_id or None,
        )
        try:
            client = await self._make_connector(reference.service_url)
            created = await with_retry(
                lambda: client.conversations.create_conversation(parameters), self._retry, what="create conversation"
            )
        except Exception as error:  # noqa: BLE001 - best effort by contract: the caller decides what to do with None
            log.warning("posting to Teams channel %s failed: %s", channel_id, status_of(error) or type(error).__name__)
            return None
        return str(created.activity_id or created.id or "") or None
