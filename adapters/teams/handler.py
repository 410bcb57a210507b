"""The ActivityHandler: what govbot does with each Teams activity.

Message: typing indicator, a "작성 중…" message, the answer streamed into it (throttled updates) and
finally replaced by the answer card. Card buttons: Action.Execute invokes answer in place, Action.Submit
presses arrive as messages. Being added to a chat or team: a welcome card with starter questions.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from dataclasses import dataclass
from typing import Any

from botbuilder.core import InvokeResponse, MessageFactory, TurnContext
from botbuilder.core.teams import TeamsActivityHandler, TeamsInfo
from botbuilder.schema import Activity, ActivityTypes
from botbuilder.schema import Attachment as BfAttachment
from cachetools import LRUCache

from adapters.teams import activities as acts
from adapters.teams import cards
from adapters.teams.files import AttachmentFetcher, FileLinks
from adapters.teams.poster import TeamsPoster
from adapters.teams.retry import status_of
from bot.config import AppConfig
from bot.conversation import Bot, Caller, Reply
from bot.i18n import t

log = logging.getLogger(__name__)
RAW_KEY = "govbot.raw_activity"  # the activity JSON as Teams posted it, kept on the turn state
_VERB_SHOWN = re.compile(r"[A-Za-z0-9_.:-]{1,60}")
BUILTIN_ACTIONS = frozenset({"feedback"})  # answered by the dispatcher itself, not a registered action handler


def card_attachment(card: dict[str, Any]) -> BfAttachment:
    return BfAttachment(content_type=acts.CARD_CONTENT_TYPE, content=card)


def card_activity(card: dict[str, Any], summary: str = "") -> Activity:
    activity = MessageFactory.attachment(card_attachment(card))
    activity.summary = summary[:200] if summary else None
    return activity


@dataclass
class HandlerOptions:
    update_seconds: float = 1.5  # at most one interim update of the "작성 중…" message per interval
    member_cache_size: int = 2000


class PlaceholderSink:
    """Streams the answer into the "작성 중…" message, at most one update per interval, never blocking the model."""

    def __init__(self, context: TurnContext, activity_id: str | None, interval: float):
        self._context = context
        self._id = activity_id
        self._interval = interval
        self._text = ""
        self._last = time.monotonic()
        self._pending: asyncio.Task[None] | None = None

    async def delta(self, text: str) -> None:
        self._text += text
        self._maybe_update(self._text + " …")

    async def progress(self, note: str) -> None:
        self._maybe_update(f"_{note}_", force=True)

    def _maybe_update(self, text: str, force: bool = False) -> None:
        if not self._id or (self._pending and not self._pending.done()):
            return
        if not force and time.monotonic() - self._last < self._interval:
            return
        self._last = time.monotonic()
        self._pending = asyncio.create_task(self._update(text))

    async def _update(self, text: str) -> None:
        activity = MessageFactory.text(text)
        activity.id = self._id
        try:
            await self._context.update_activity(activity)
        except Exception as error:  # noqa: BLE001 - interim updates are best effort
            log.info("interim Teams update failed: %s", type(error).__name__)

    async def settle(self) -> None:
        if self._pending is not None:
            await asyncio.gather(self._pending, return_exceptions=True)


class GovbotTeamsHandler(TeamsActivityHandler):
    def __init__(
        self,
        bot: Bot,
        config: AppConfig,
        fetcher: AttachmentFetcher,
        links: FileLinks,
        poster: TeamsPoster,
        options: HandlerOptions,
    ):
        super().__init__()
        self.bot = bot
        self.config = config
        self.fetcher = fetcher
        self.links = links
        self.poster = poster
        self.options = options
        self._emails: LRUCache[str, str] = LRUCache(maxsize=options.member_cache_size)

    async def run(self, context: TurnContext, raw: dict[str, Any]) -> None:
        """The adapter's callback: keep the raw JSON (mentions, channelData) for the pure translators."""
        context.turn_state[RAW_KEY] = raw
        await self.poster.remember(raw)
        await self.on_turn(context)

    # ---- messages ------------------------------------------------------------------------

    async def on_message_activity(self, context: TurnContext) -> None:
        raw: dict[str, Any] = context.turn_state[RAW_KEY]
        submitted = acts.submitted_action(raw)
        if submitted is not None:
            locale = self._locale(raw)
            reply = await self._act(context, raw, *submitted)
            if reply is not None:
                await cards.parse_off_loop(reply)
                await context.send_activity(await self._reply_activity(reply, locale))
            return
        if not acts.is_addressed_to_bot(raw):
            return  # a channel message not meant for govbot (only possible with channel-wide permissions)
        locale = self._locale(raw)
        await self._best_effort(context, Activity(type=ActivityTypes.typing))
        email = await self._email(context, raw)
        attachments = await self.fetcher.fetch_all(acts.file_refs(raw), locale)
        message = acts.to_message(raw, attachments=attachments, email=email)
        placeholder_id = await self._best_effort(context, MessageFactory.text(t("teams_writing", locale)))
        sink = PlaceholderSink(context, placeholder_id, self.options.update_seconds)
        reply = await self.bot.on_message(message, sink)
        await sink.settle()
        await cards.parse_off_loop(reply)
        await self._deliver(context, placeholder_id, await self._reply_activity(reply, message.locale or locale))

    async def _best_effort(self, context: TurnContext, activity: Activity) -> str | None:
        """Typing and the "작성 중…" message help but must not cost the answer when the connector is struggling."""
        try:
            sent = await context.send_activity(activity)
        except Exception as error:  # noqa: BLE001 - the answer is still sent (or its failure handled) later
            log.info("Teams %s not sent: %s", activity.type, status_of(error) or type(error).__name__)
            return None
        return sent.id if sent is not None and sent.id else None

    async def _deliver(self, context: TurnContext, placeholder_id: str | None, final: Activity) -> None:
        """Replace the placeholder with the answer; where Teams does not allow the update, send it anew."""
        if placeholder_id:
            final.id = placeholder_id
            try:
                await context.update_activity(final)
                return
            except Exception as error:  # noqa: BLE001 - fall back to a new message below
                log.info(
                    "Teams refused the update (%s); sending the answer as a new message",
                    status_of(error) or type(error).__name__,
                )
            final.id = None
        await context.send_activity(final)

    async def _reply_activity(self, reply: Reply, locale: str) -> Activity:
        card = cards.reply_card(reply, locale=locale, file_link=await self.links.for_reply(reply))
        return card_activity(card, summary=cards.plain_text(reply, 200))

    # ---- card actions --------------------------------------------------------------------

    async def on_invoke_activity(self, context: TurnContext) -> InvokeResponse:
        raw: dict[str, Any] = context.turn_state[RAW_KEY]
        if raw.get("name") != "adaptiveCard/action":
            return await super().on_invoke_activity(context)
        executed = acts.executed_action(raw)
        if executed is None:
            return InvokeResponse(
                status=400,
                body={
                    "statusCode": 400,
                    "type": "application/vnd.microsoft.error",
                    "value": {"code": "BadRequest", "message": "Action.Execute with a verb expected"},
                },
            )
        locale = self._locale(raw)
        verb, value = executed
        reply = await self._act(context, raw, verb, value)
        if reply is not None and reply.kind in ("error", "refusal") and not reply.parts:
            # Not done: an error the client shows as such, never a "처리했습니다" for something that did not happen.
            code = "BadRequest" if reply.kind == "error" else "Forbidden"
            body = {
                "statusCode": 400,
                "type": "application/vnd.microsoft.error",
                "value": {"code": code, "message": reply.text},
            }
            return InvokeResponse(status=400, body=body)
        if reply is None or verb == "feedback" or not (reply.parts or reply.kind == "answer"):
            text = reply.text if reply is not None else t("teams_action_done", locale)
            body = {"statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": text}
        else:
            await cards.parse_off_loop(reply)
            body = {
                "statusCode": 200,
                "type": "application/vnd.microsoft.card.adaptive",
                "value": cards.reply_card(reply, locale=locale, file_link=await self.links.for_reply(reply)),
            }
        return InvokeResponse(status=200, body=body)

    async def _act(self, context: TurnContext, raw: dict[str, Any], verb: str, value: str) -> Reply | None:
        """A button press: refused plainly when govbot has no such action or does not know the user."""
        locale = self._locale(raw)
        if verb not in BUILTIN_ACTIONS and not self.bot.handles_action(verb):
            log.info("Teams card action with an unknown verb refused")
            shown = verb if _VERB_SHOWN.fullmatch(verb) else "?"  # never echo Markdown or links the sender wrote
            return Reply(t("teams_action_unknown", locale, verb=shown), kind="error")
        email = await self._email(context, raw)
        reply = await self.bot.on_action(acts.to_action(raw, verb, value, email=email))
        if reply is None and not await self._known(raw, email):
            user_id, user_name = acts.user_of(raw)
            return Reply(
                t("unknown_user", locale, user=user_name or user_id, contact=self.config.organisation.support_contact),
                kind="refusal",
            )
        return reply

    async def _known(self, raw: dict[str, Any], email: str) -> bool:
        """Whether the bot could place the user (same rules; a None reply alone cannot tell)."""
        user_id, user_name = acts.user_of(raw)
        caller = Caller("teams", user_id, email, channel_id=acts.channel_id_of(raw), user_name=user_name)
        who = await self.bot.identify(caller)
        return who is not None

    # ---- being added ---------------------------------------------------------------------

    async def on_conversation_update_activity(self, context: TurnContext) -> None:
        raw: dict[str, Any] = context.turn_state[RAW_KEY]
        bot_id = (raw.get("recipient") or {}).get("id")
        added = [m.get("id") for m in raw.get("membersAdded") or []]
        if bot_id not in added:
            return
        locale = self._locale(raw)
        personal = acts.conversation_type(raw) == "personal"
        user_id, user_name = acts.user_of(raw)
        summary, unknown = None, ""
        if personal:  # in a team or group chat the installer's department and usage are nobody else's business
            summary = await self.bot.on_home(Caller("teams", user_id, await self._email(context, raw)))
            if summary is None:
                unknown = t(
                    "unknown_user", locale, user=user_name or user_id, contact=self.config.organisation.support_contact
                )
        card = cards.welcome_card(
            self.config.organisation.name, summary, locale=locale, personal=personal, unknown_text=unknown
        )
        await context.send_activity(
            card_activity(card, summary=t("teams_welcome_title", locale, organisation=self.config.organisation.name))
        )

    async def on_installation_update(self, context: TurnContext) -> None:
        return  # the welcome is sent on conversationUpdate, which Teams sends alongside

    # ---- helpers -------------------------------------------------------------------------

    def _locale(self, raw: dict[str, Any]) -> str:
        return acts._locale(raw.get("locale")) or self.config.organisation.locale

    async def _email(self, context: TurnContext, raw: dict[str, Any]) -> str:
        """The user's UPN, asked of Teams only when app.yaml does not already list their AAD object id."""
        user_id, _ = acts.user_of(raw)
        # Without e-mail, channel or groups only app.yaml's explicit membership by AAD id can place the user.
        if await self.bot.identify(Caller("teams", user_id)) is not None:
            return ""
        account_id = str((raw.get("from") or {}).get("id") or "")
        if not account_id:
            return ""
        known = self._emails.get(account_id)
        if known is not None:
            return known
        try:
            member = await TeamsInfo.get_member(context, account_id)
            email = str(getattr(member, "user_principal_name", None) or getattr(member, "email", None) or "")
        except Exception as error:  # noqa: BLE001 - an unknown UPN means "unknown user", which dispatch answers
            log.info("Teams member look-up failed: %s", status_of(error) or type(error).__name__)
            return ""
        self._emails[account_id] = email
        return email
