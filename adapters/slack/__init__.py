"""Slack adapter (slack-bolt AsyncApp): HTTP at /slack/events, or Socket Mode with --slack-socket-mode.

`mount` does nothing unless SLACK_BOT_TOKEN is set, so offices without Slack are unaffected.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from aiohttp import web

from adapters.slack.app import SlackAdapter
from bot.host import AdapterHost

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
SLACK = web.AppKey("slack_adapter", SlackAdapter)


def build_adapter(host: AdapterHost) -> SlackAdapter | None:
    settings = host.settings
    if settings.slack_bot_token is None:
        return None
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    if not settings.slack_socket_mode and not secret:
        log.error(
            "Slack: SLACK_SIGNING_SECRET이 없어 /slack/events를 열지 않습니다(또는 --slack-socket-mode). / "
            "SLACK_SIGNING_SECRET is not set; /slack/events stays closed (or use --slack-socket-mode)."
        )
        return None
    if settings.slack_socket_mode and settings.slack_app_token is None:
        log.error(
            "Slack: Socket Mode에는 SLACK_APP_TOKEN(xapp-…)이 필요합니다. / Socket Mode needs SLACK_APP_TOKEN (xapp-…)."
        )
        return None
    config = host.config
    return SlackAdapter(
        host.bot,
        token=settings.slack_bot_token.get_secret_value(),
        signing_secret=secret,
        claim_event=host.bot.claim_event,
        is_command=host.bot.is_command,
        is_bot_thread=host.bot.is_bot_thread,
        locale=config.organisation.locale,
        organisation=config.organisation.name,
        contact=config.organisation.support_contact,
        max_upload_bytes=settings.max_upload_mb * 1024 * 1024,
        api_url=settings.slack_api_url,
        onprem_file_hosts=settings.slack_onprem_file_hosts,
        answer_bots=settings.slack_answer_bots,
        update_seconds=settings.slack_update_seconds,
        socket_mode=settings.slack_socket_mode,
    )


def mount(app: web.Application, host: AdapterHost) -> None:
    adapter = build_adapter(host)
    if adapter is None:
        return
    app[SLACK] = adapter
    host.posters.register("slack", adapter)

    async def verify(_: web.Application) -> None:
        await adapter.verify()

    app.on_startup.append(verify)
    if host.settings.slack_socket_mode:
        from adapters.slack.socket_mode import socket_mode_context

        token = host.settings.slack_app_token
        assert token is not None  # build_adapter refused Socket Mode without an app token
        app.cleanup_ctx.append(socket_mode_context(adapter, token.get_secret_value()))
        log.info("Slack: Socket Mode")
        return
    from slack_bolt.adapter.aiohttp import to_aiohttp_response
    from slack_bolt.request.async_request import AsyncBoltRequest

    from adapters.slack.http import check

    secret = host.settings.slack_signing_secret.get_secret_value() if host.settings.slack_signing_secret else ""

    async def slack_events(request: web.Request) -> web.Response:
        """Verify, then parse, then dispatch: nothing unsigned reaches a parser (or the log)."""
        body = await request.read()
        verdict = check(
            secret,
            body,
            request.content_type,
            request.headers.get("X-Slack-Request-Timestamp"),
            request.headers.get("X-Slack-Signature"),
        )
        if verdict.status != 200:
            log.warning("slack request refused (%s, %d bytes): %d", verdict.reason, len(body), verdict.status)
            return web.json_response({"error": "invalid request"}, status=verdict.status)
        headers: dict[str, str | Sequence[str]] = {name: request.headers.getall(name) for name in request.headers}
        bolt_request = AsyncBoltRequest(body=verdict.text, query=request.query_string, headers=headers)
        bolt_response = await adapter.app.async_dispatch(bolt_request)
        return await to_aiohttp_response(bolt_response)

    app.router.add_post(EVENTS_PATH, slack_events)
    log.info("Slack: HTTP events at %s", EVENTS_PATH)
