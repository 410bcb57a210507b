"""Posting a Reply into Slack: messages (updating a placeholder when there is one), then files.

Slack API failures are reported with what to do (invite the bot, check the channel id) and never
raised into the event loop: one failing post must not stop the app.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.files import FileTransfer
from adapters.slack.pacing import UpdatePacer, retry_after
from adapters.slack.render import FALLBACK_TEXT, SlackMessage, render_reply_async, whole_answer_file
from bot.conversation import Reply
from bot.i18n import t

log = logging.getLogger(__name__)

UNREACHABLE_CHANNEL = ("not_in_channel", "channel_not_found", "is_archived")
# Slack refused the message itself (its blocks or length): the same blocks would be refused again.
CONTENT_REFUSED = ("msg_blocks_too_long", "invalid_blocks", "invalid_blocks_format", "msg_too_long")

_EXPLAIN = {
    "channel_not_found": "채널 {channel}을(를) 찾을 수 없습니다. app.yaml의 채널 ID와, 비공개 채널이면 봇 초대를 확인하세요. / "
    "channel {channel} was not found; check the channel id in app.yaml and, for a private channel, invite the bot.",
    "not_in_channel": "봇이 채널 {channel}에 없습니다. 채널에서 `/invite @govbot`으로 초대하세요. / "
    "the bot is not a member of channel {channel}; invite it with `/invite @govbot`.",
    "is_archived": "채널 {channel}이(가) 보관(archived)되어 글을 쓸 수 없습니다. / channel {channel} is archived.",
    "ratelimited": "Slack 전송 한도를 넘어 재시도 후에도 실패했습니다. / Slack rate limit still exceeded after retries.",
    "invalid_auth": "Slack 봇 토큰이 올바르지 않습니다(SLACK_BOT_TOKEN). / the Slack bot token is invalid.",
    "missing_scope": "Slack 앱에 필요한 권한이 없습니다. adapters/slack/manifest.yaml의 scopes를 확인하세요. / the Slack app lacks a scope; see the manifest.",
}


def explain(error: SlackApiError, channel: str = "") -> str:
    """A Slack API error as a sentence an administrator can act on."""
    code = str(error.response.get("error") or error.response.status_code)
    template = _EXPLAIN.get(code)
    return f"{template.format(channel=channel)} ({code})" if template else f"Slack API error: {code}"


@dataclass
class Posted:
    ts: str | None  # the first message's ts, None when nothing could be posted
    error: str | None = None  # what went wrong, for the administrator
    code: str | None = None  # Slack's error code (not_in_channel, channel_not_found, …)


class ReplyPoster:
    """Renders and posts replies; also the ChannelPoster other features use (`post`)."""

    def __init__(
        self,
        client: AsyncWebClient,
        files: FileTransfer,
        locale: str,
        pacer: UpdatePacer | None = None,
        update_client: AsyncWebClient | None = None,
    ):
        self.client = client
        self.files = files
        self.locale = locale
        self.pacer = pacer
        # With a pacer, final updates handle 429 themselves, so every answer learns of the Retry-After at once.
        self.update_client = update_client if pacer is not None and update_client is not None else client

    async def post(self, channel_id: str, reply: Reply) -> str | None:
        """ChannelPoster: post `reply` at the top level of `channel_id`."""
        return (await self.send(channel_id, None, reply)).ts

    async def placeholder(self, channel: str, thread_ts: str | None, message: SlackMessage) -> str | None:
        try:
            response = await self.client.chat_postMessage(
                channel=channel, thread_ts=thread_ts, text=message.text, blocks=message.blocks
            )
        except SlackApiError as error:
            log.warning("slack placeholder not posted: %s", explain(error, channel))
            return None
        return str(response.get("ts"))

    async def send(self, channel: str, thread_ts: str | None, reply: Reply, *, replace_ts: str | None = None) -> Posted:
        """Post `reply` (replacing the placeholder `replace_ts` when given), then upload its files.

        The answer is never lost to a refused update: when Slack will not update the placeholder (deleted,
        `message_not_found`; too long; rate limited after retries) it is posted as a new message and the
        placeholder removed; when Slack refuses the blocks themselves, the plain text goes with the whole
        answer as a file."""
        rendered = await render_reply_async(reply, self.locale)
        files = list(rendered.files)
        if not rendered.messages and replace_ts:
            # Nothing to show (e.g. an empty answer): remove the "작성 중…" message rather than leave it hanging.
            await self._delete(channel, replace_ts)
        first: str | None = None
        try:
            for index, message in enumerate(rendered.messages):
                ts, refused = await self._deliver(channel, thread_ts, message, replace_ts if index == 0 else None)
                first = first or ts
                if refused and not rendered.cut:
                    files.insert(0, whole_answer_file(reply, self.locale))
        except SlackApiError as error:
            reason = explain(error, channel)
            log.warning("slack reply not posted: %s", reason)
            return Posted(first, reason, _code(error))
        if files:
            failed = await self.files.upload(channel, thread_ts, files)
            if failed:
                note = "\n".join(t("slack_upload_failed", self.locale, name=name, reason="upload") for name in failed)
                await self.send(channel, thread_ts, Reply(note, kind="error"))
        return Posted(first)

    async def _deliver(
        self, channel: str, thread_ts: str | None, message: SlackMessage, replace_ts: str | None
    ) -> tuple[str | None, bool]:
        """One message: the update of `replace_ts`, else a new message. Returns its ts and whether Slack
        refused the blocks (only the plain text went). Raises SlackApiError when nothing could be posted."""
        if replace_ts:
            try:
                await self._update(channel, replace_ts, message)
                return replace_ts, False
            except SlackApiError as error:
                if _code(error) in UNREACHABLE_CHANNEL:
                    raise
                log.warning("slack placeholder not updated (%s); the answer is posted as a new message", _code(error))
        refused = False
        try:
            response = await self.client.chat_postMessage(
                channel=channel, thread_ts=thread_ts, text=message.text, blocks=message.blocks
            )
        except SlackApiError as error:
            if _code(error) not in CONTENT_REFUSED:
                raise
            log.warning(
                "slack refused the answer's blocks (%s); posting its text and the whole answer as a file", _code(error)
            )
            refused = True
            response = await self.client.chat_postMessage(
                channel=channel, thread_ts=thread_ts, text=message.text[:FALLBACK_TEXT] or " "
            )
        if replace_ts:
            await self._delete(channel, replace_ts)  # the "작성 중…" left behind, if it still exists
        return str(response.get("ts")), refused

    async def _update(self, channel: str, ts: str, message: SlackMessage, attempts: int = 4) -> None:
        """The final chat.update, within the shared budget; a 429 pauses every answer for Retry-After."""
        for attempt in range(attempts):
            if self.pacer is not None:
                await self.pacer.before_final(channel)
            try:
                await self.update_client.chat_update(channel=channel, ts=ts, text=message.text, blocks=message.blocks)
                return
            except SlackApiError as error:
                if _code(error) != "ratelimited" or self.pacer is None or attempt == attempts - 1:
                    raise
                self.pacer.pause(retry_after(error.response.headers))

    async def _delete(self, channel: str, ts: str) -> None:
        try:
            await self.client.chat_delete(channel=channel, ts=ts)
        except SlackApiError as error:
            log.info("slack placeholder not removed: %s", _code(error))


def _code(error: SlackApiError) -> str:
    return str(error.response.get("error") or error.response.status_code)
