"""The Slack adapter: a bolt AsyncApp whose listeners translate events and hand them to the bot.

Bolt acknowledges events at once (process_before_response=False) and runs each listener in its own
task, so model work never delays the 3-second acknowledgement. Slack's retries are de-duplicated by
event id through the store shared by all govbot processes.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import events
from adapters.slack.files import FileTransfer, download_policy
from adapters.slack.home import home_view
from adapters.slack.logfilter import WithholdContent
from adapters.slack.pacing import UpdatePacer
from adapters.slack.poster import UNREACHABLE_CHANNEL, ReplyPoster, explain
from adapters.slack.progress import SlackProgress
from adapters.slack.render import ACTION_PREFIX, action_name, progress_message, render_reply_async
from adapters.slack.users import UserDirectory
from bot.conversation import Bot, Caller, Reply, Section
from bot.i18n import t

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://slack.com/api/"


def with_note(reply: Reply, note: str) -> Reply:
    """`reply` with `note` shown first (as its own section when the reply is made of sections)."""
    if any(isinstance(p, Section) for p in reply.parts):
        return replace(reply, parts=[Section("", note), *reply.parts])
    return replace(reply, text=f"{note}\n\n{reply.text}")


def web_client(token: str, api_url: str | None, *, retry_rate_limits: bool = True) -> AsyncWebClient:
    """The Web API client: Slack or an on-premises proxy; 429s wait for Retry-After and retry (not for
    progress edits, which are skipped instead). 5xx answers are not retried: Slack may have posted the
    message already, and a retry would post it twice."""
    base_url = (api_url or DEFAULT_API_URL).rstrip("/") + "/"
    client = AsyncWebClient(token=token, base_url=base_url, logger=_API_LOG)
    if retry_rate_limits:
        client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=3))
    if not any(isinstance(h, AsyncConnectionErrorRetryHandler) for h in client.retry_handlers):
        client.retry_handlers.append(AsyncConnectionErrorRetryHandler())
    return client


class _DropClientTokenNotice(logging.Filter):
    """Bolt warns that SLACK_BOT_TOKEN from the environment is unused because we pass our own client
    (built from the same token, with retries and the API URL override); that is intended."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


_BOLT_LOG = logging.getLogger("govbot.slack.bolt")
_BOLT_LOG.addFilter(_DropClientTokenNotice())
_BOLT_LOG.addFilter(WithholdContent())  # copied by bolt to every logger it derives from this one
_API_LOG = logging.getLogger("govbot.slack.api")
_API_LOG.addFilter(WithholdContent())


class SlackAdapter:
    def __init__(
        self,
        bot: Bot,
        *,
        token: str,
        signing_secret: str | None,
        claim_event: Callable[[str], Awaitable[bool]],
        is_command: Callable[[str], bool],
        is_bot_thread: Callable[[str], Awaitable[bool]],
        locale: str,
        organisation: str,
        contact: str,
        max_upload_bytes: int,
        api_url: str | None = None,
        onprem_file_hosts: Sequence[str] = (),
        answer_bots: bool = False,
        update_seconds: float = 1.5,
        socket_mode: bool = False,
    ):
        self.bot = bot
        self.locale = locale
        self.organisation = organisation
        self.contact = contact
        self.answer_bots = answer_bots
        self.update_seconds = update_seconds
        self._claim_event = claim_event
        self._is_command = is_command
        self._is_bot_thread = is_bot_thread
        self.client = web_client(token, api_url)
        self.progress_client = web_client(token, api_url, retry_rate_limits=False)
        self.pacer = UpdatePacer(channel_gap=update_seconds)
        self.files = FileTransfer(
            self.client,
            token,
            max_upload_bytes,
            contact=contact,
            locale=locale,
            policy=download_policy(api_url, onprem_file_hosts),
        )
        self.users = UserDirectory(self.client)
        self.poster = ReplyPoster(self.client, self.files, locale, self.pacer, self.progress_client)
        self.app = AsyncApp(
            client=self.client,
            signing_secret=signing_secret or "",
            request_verification_enabled=not socket_mode,
            process_before_response=False,
            ignoring_self_events_enabled=True,
            logger=_BOLT_LOG,
        )
        self._register()

    # ---- wiring -------------------------------------------------------------------------

    def _register(self) -> None:
        app = self.app
        app.middleware(self._deduplicate)
        app.event("app_mention")(self.on_mention)
        app.event("message")(self.on_message)
        app.event("app_home_opened")(self.on_home_opened)
        app.command(re.compile(r"^/govbot"))(self.on_command)
        app.action(re.compile("^" + re.escape(ACTION_PREFIX)))(self.on_action)
        app.error(self.on_error)

    async def _deduplicate(self, body: dict[str, Any], next: Callable[[], Awaitable[None]]) -> BoltResponse | None:  # noqa: A002 - bolt injects by name
        """Slack re-sends an event it thinks was not acknowledged (X-Slack-Retry-Num); answer it once."""
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and not await self._claim_event(f"slack:event:{body.get('team_id', '')}:{event_id}"):
            log.info("slack event %s already claimed; retry ignored", event_id)
            return BoltResponse(status=200, body="")
        await next()
        return None

    async def on_error(self, error: Exception, body: dict[str, Any]) -> None:
        raw = body.get("event")
        event = raw if isinstance(raw, dict) else {}
        kind = event.get("type") or body.get("type") or "?"
        log.error("slack %s handling failed: %s", kind, type(error).__name__, exc_info=error)

    # ---- events -------------------------------------------------------------------------

    async def on_mention(self, event: dict[str, Any], context: dict[str, Any]) -> None:
        if not events.mention_allowed(
            event,
            bot_user_id=context.get("bot_user_id", ""),
            bot_id=context.get("bot_id", ""),
            answer_bots=self.answer_bots,
        ):
            return
        await self._answer(event, events.reply_place(event, "mention"), context)

    async def on_message(self, event: dict[str, Any], context: dict[str, Any]) -> None:
        route = events.route_message(
            event,
            bot_user_id=context.get("bot_user_id", ""),
            bot_id=context.get("bot_id", ""),
            answer_bots=self.answer_bots,
        )
        if route == "ignore":
            return
        where = events.reply_place(event, route)
        if route == "thread" and not await self._is_bot_thread(f"{events.PLATFORM}:{where.channel}:{where.thread_ts}"):
            return
        await self._answer(event, where, context)

    async def _answer(self, event: dict[str, Any], where: events.Where, context: dict[str, Any]) -> None:
        """Placeholder first, then the answer streamed into it and posted in its final form."""
        note = t("slack_working", self.locale)
        placeholder = await self.poster.placeholder(where.channel, where.thread_ts, progress_message(note))
        user = await self.users.get(str(event.get("user", "")))
        attachments = await self.files.attachments(event.get("files") or [])
        message = events.to_message(
            event,
            where,
            bot_user_id=context.get("bot_user_id", ""),
            user_name=user.name,
            user_email=user.email,
            attachments=attachments,
        )
        sink = SlackProgress(
            self.progress_client, where.channel, placeholder, note, interval=self.update_seconds, pacer=self.pacer
        )
        reply = await self.bot.on_message(message, sink)
        posted = await self.poster.send(where.channel, where.thread_ts, reply, replace_ts=placeholder)
        if posted.code in UNREACHABLE_CHANNEL and not message.is_direct and message.user_id:
            # The channel refuses the bot; the official still gets the answer, privately, with the reason.
            note = t("slack_moved_to_dm", self.locale, channel=where.channel)
            moved = await self.poster.send(message.user_id, None, with_note(reply, note))
            if moved.ts is None:
                log.warning("slack answer could not be delivered to %s or by DM", where.channel)

    async def on_home_opened(self, event: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        user_id = str(event.get("user", ""))
        user = await self.users.get(user_id)
        summary = await self.bot.on_home(Caller(events.PLATFORM, user_id, user.email))
        unknown = t("unknown_user", self.locale, user=user.name or user_id, contact=self.contact)
        view = home_view(summary, organisation=self.organisation, locale=self.locale, unknown_text=unknown)
        await client.views_publish(user_id=user_id, view=view)

    # ---- slash command and buttons ------------------------------------------------------

    async def on_command(
        self, ack: Callable[..., Awaitable[None]], command: dict[str, Any], respond: Callable[..., Awaitable[Any]]
    ) -> None:
        """Acknowledge at once (Slack shows an error after 3 s), then answer through response_url."""
        text = events.command_text(str(command.get("text", "")), self._is_command)
        if text.startswith("/"):
            await ack()
        else:
            await ack(response_type="ephemeral", text=t("slack_working", self.locale))
        user = await self.users.get(str(command.get("user_id", "")))
        message = events.command_message(command, text, user_name=user.name, user_email=user.email)
        reply = await self.bot.on_message(message)
        await self._respond(
            respond, reply, user_id=message.user_id, channel=message.channel_id if message.is_direct else ""
        )

    async def on_action(
        self,
        ack: Callable[..., Awaitable[None]],
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Callable[..., Awaitable[Any]],
    ) -> None:
        await ack()
        user = await self.users.get(str((body.get("user") or {}).get("id", "")))
        translated = events.to_action(body, action, action_name(str(action.get("action_id", ""))), user.email)
        reply = await self.bot.on_action(translated)
        if reply is None:
            return
        if body.get("response_url"):
            await self._respond(
                respond,
                reply,
                user_id=translated.user_id,
                channel=translated.channel_id if translated.channel_id.startswith("D") else "",
            )
        elif translated.channel_id:
            for message in (await render_reply_async(reply, self.locale)).messages:
                await self.client.chat_postEphemeral(
                    channel=translated.channel_id, user=translated.user_id, text=message.text, blocks=message.blocks
                )

    async def _respond(
        self, respond: Callable[..., Awaitable[Any]], reply: Reply, *, user_id: str, channel: str
    ) -> None:
        """Ephemeral answers through response_url (only the official sees them). Files cannot be ephemeral,
        so they go to the official's direct chat with govbot (`channel` when the command came from there)."""
        rendered = await render_reply_async(reply, self.locale)
        for message in rendered.messages:
            await respond(text=message.text, blocks=message.blocks, response_type="ephemeral", replace_original=False)
        parts = rendered.files
        if not parts:
            return
        target = channel or await self._direct_channel(user_id)
        failed = await self.files.upload(target, None, parts) if target else [p.name for p in parts]
        for name in failed:
            await respond(
                text=t("slack_upload_failed", self.locale, name=name, reason="upload"),
                response_type="ephemeral",
                replace_original=False,
            )

    async def _direct_channel(self, user_id: str) -> str | None:
        try:
            response = await self.client.conversations_open(users=user_id)
        except SlackApiError as error:
            log.warning("slack conversations.open failed: %s", explain(error))
            return None
        return str((response.get("channel") or {}).get("id") or "") or None

    # ---- start-up ------------------------------------------------------------------------

    async def verify(self, timeout: float = 10.0) -> bool:
        """Check the bot token once at start, so a wrong token is reported then and not at the first question."""
        try:
            identity = await asyncio.wait_for(self.client.auth_test(), timeout)
        except SlackApiError as error:
            log.error("Slack: %s", explain(error))
            return False
        except (TimeoutError, aiohttp.ClientError) as error:
            log.error(
                "Slack Web API(%s)에 연결할 수 없습니다: %s. GOVBOT_SLACK_API_URL과 방화벽을 확인하세요. / cannot reach the Slack Web API.",
                self.client.base_url,
                type(error).__name__,
            )
            return False
        log.info("Slack: @%s (%s)", identity.get("user"), identity.get("team"))
        return True

    # ---- for other features -------------------------------------------------------------

    async def can_post(self, channel_id: str) -> bool:
        """ChannelPoster: the bot token reaches every channel the app was added to (Slack says which not)."""
        return True

    async def post(self, channel_id: str, reply: Reply) -> str | None:
        """ChannelPoster (registered in the host's PosterRegistry as "slack")."""
        return await self.poster.post(channel_id, reply)


__all__ = ["SlackAdapter", "explain", "web_client"]
