"""`POST /api/messages`: where Teams (via Azure Bot Service) delivers activities.

We do not use `CloudAdapter.process`: it re-serialises invoke bodies with msrest and answers 500 when a
handler returns a plain JSON body (e.g. an Action.Execute card). Instead the activity is deserialised
here and given to `process_activity`, and the InvokeResponse is written as it is. Messages are
authenticated first (a bad token gets 401 at once), then answered in the background, so Teams gets its
202 within its 15-second window however long the model takes.

Who may post here (adapters/teams/mode.py): with MicrosoftAppId, only requests with a valid Bot Framework
token; without it, nobody, unless GOVBOT_TEAMS_DEV_EMULATOR is switched on for development, and then
only TCP connections from this machine naming a serviceUrl on this machine. Nothing the sender writes
(body, Host or X-Forwarded-* headers) decides who the sender is or where result-file links point.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Mapping
from functools import partial
from typing import Any

from aiohttp import web
from botbuilder.core import InvokeResponse, serializer_helper
from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from msrest.serialization import Model

from adapters.teams import activities as acts
from adapters.teams.connector import GovbotCloudAdapter
from adapters.teams.credentials import BotFrameworkConfig
from adapters.teams.files import FILES_ROUTE, AttachmentFetcher, FileLinks, download_policy
from adapters.teams.handler import GovbotTeamsHandler, HandlerOptions
from adapters.teams.mode import TeamsMode, endpoint_problems, teams_mode
from adapters.teams.netcheck import is_loopback_address, is_loopback_url, server_origin
from adapters.teams.poster import TeamsPoster
from adapters.teams.retry import RetryPolicy
from bot.downloads import Downloads
from bot.host import AdapterHost
from bot.i18n import both

log = logging.getLogger(__name__)
MESSAGES_ROUTE = "/api/messages"
TEAMS_KEY = web.AppKey("teams", object)


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": code, "message": message}, status=status)


class TeamsEndpoint:
    def __init__(self, host: AdapterHost, environ: Mapping[str, str], retry: RetryPolicy | None = None):
        settings, config = host.settings, host.config
        self.credentials = BotFrameworkConfig.from_env(environ)
        self.mode = teams_mode(self.credentials, dev_emulator=settings.teams_dev_emulator)
        self.emulator = self.mode is TeamsMode.EMULATOR
        self.problems = endpoint_problems(
            self.credentials,
            dev_emulator=settings.teams_dev_emulator,
            public_url=settings.teams_public_url,
            web_dev_login=settings.web_dev_login,
        )
        self.retry = retry or RetryPolicy()
        locale, contact = config.organisation.locale, config.organisation.support_contact
        # With an app id, links come from GOVBOT_TEAMS_PUBLIC_URL only (required); in emulator mode from it or,
        # failing that, from the address this server is bound to (see messages), never from a Host header.
        self.links = FileLinks(settings.teams_public_url, settings.public_url, Downloads(host.shared))
        self.adapter: GovbotCloudAdapter | None = None
        if not self.problems:
            authentication = ConfigurationBotFrameworkAuthentication(self.credentials)
            self.adapter = GovbotCloudAdapter(authentication, self.retry, locale=locale, contact=contact)
        self.poster = TeamsPoster(
            self._connector_for,
            self.links,
            self.retry,
            locale=locale,
            fallback_service_url=settings.teams_service_url or "",
            fallback_tenant_id=self.credentials.APP_TENANTID,
            bot_id=self.credentials.APP_ID,
            shared=host.shared,
        )
        fetcher = AttachmentFetcher(
            settings.max_upload_mb * 1024 * 1024, policy=download_policy(settings.teams_onprem_file_hosts)
        )
        self.handler = GovbotTeamsHandler(
            host.bot,
            config,
            fetcher,
            self.links,
            self.poster,
            HandlerOptions(update_seconds=settings.teams_update_seconds),
        )
        self.bot = host.bot
        self._tasks: set[asyncio.Task[None]] = set()

    def mount(self, app: web.Application) -> None:
        app.router.add_post(MESSAGES_ROUTE, self.messages)
        app.router.add_get(FILES_ROUTE, self.links.serve)
        app.on_shutdown.append(self._drain)
        if self.problems:
            log.error("Teams adapter is not usable: %s", " ".join(self.problems))
        elif self.emulator:
            log.warning(
                "Teams: GOVBOT_TEAMS_DEV_EMULATOR development mode: unauthenticated, "
                "connections from this machine with a loopback serviceUrl only"
            )

    async def _connector_for(self, service_url: str) -> Any:
        assert self.adapter is not None
        authentication = self.adapter.bot_framework_authentication
        claims = self.adapter.create_claims_identity(self.credentials.APP_ID)
        factory = authentication.create_connector_factory(claims)
        return await factory.create(service_url, authentication.get_originating_audience())

    # ---- the endpoint --------------------------------------------------------------------

    async def messages(self, request: web.Request) -> web.StreamResponse:
        if self.adapter is None:
            return _error(503, "teams_not_configured", both("teams_not_configured", problems=" ".join(self.problems)))
        auth_header = request.headers.get("Authorization", "")
        if self.emulator and not is_loopback_address(_peer_host(request)):
            # The TCP peer, never a header (X-Forwarded-For) or the body, says where the request comes from.
            return _error(403, "emulator_mode", both("teams_emulator_not_local"))
        if not self.emulator and not auth_header.startswith("Bearer "):
            # Decided here, before botbuilder could go looking for signing keys.
            return _error(401, "unauthorized", "인증 토큰이 없습니다. / Missing Bot Framework token.")
        if "application/json" not in request.headers.get("Content-Type", ""):
            return _error(415, "unsupported_media_type", "JSON 활동만 받습니다. / Only JSON activities are accepted.")
        try:
            raw = await request.json()
            activity = Activity().deserialize(raw)
        except Exception:  # noqa: BLE001 - any parse failure is the sender's
            return _error(400, "bad_request", "Bot Framework 활동 JSON이 아닙니다. / Not a Bot Framework activity.")
        if not isinstance(raw, dict) or not activity.type:
            return _error(400, "bad_request", "활동 종류(type)가 없습니다. / The activity has no type.")
        missing = acts.missing_fields(raw)
        if missing:
            return _error(400, "bad_request", both("teams_activity_incomplete", fields=", ".join(missing)))
        if self.emulator:
            if not is_loopback_url(activity.service_url or ""):
                return _error(403, "emulator_mode", both("teams_emulator_not_local"))
            # Without GOVBOT_TEAMS_PUBLIC_URL, links point at the address this server is bound to (not the Host header).
            self.links.observe(
                server_origin(request.transport.get_extra_info("sockname") if request.transport else None)
            )
        try:
            authenticated = await self.adapter.bot_framework_authentication.authenticate_request(activity, auth_header)
        except Exception as error:  # noqa: BLE001 - PermissionError, malformed JWTs, unknown issuers: all unauthorised
            log.info("Teams request refused: %s", type(error).__name__)
            return _error(401, "unauthorized", "Bot Framework 토큰이 유효하지 않습니다. / Invalid Bot Framework token.")
        callback = partial(self.handler.run, raw=raw)
        if activity.type == "invoke" or activity.delivery_mode == "expectReplies":
            try:
                invoke = await self.adapter.process_activity(authenticated, activity, callback)
            except Exception:  # noqa: BLE001 - logged; the channel gets a plain 500 without details
                log.exception("Teams invoke failed")
                return _error(500, "internal_error", "처리 중 오류가 발생했습니다. / Something went wrong.")
            return invoke_http_response(invoke)
        if activity.type == "message" and activity.id and not await self._first_delivery(activity):
            return web.Response(status=202)  # Teams re-delivered an activity we already took
        task = asyncio.create_task(self._process(authenticated, activity, callback))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return web.Response(status=202)

    async def _first_delivery(self, activity: Activity) -> bool:
        conversation = activity.conversation.id if activity.conversation else ""
        try:
            return await self.bot.claim_event(f"teams:{conversation}:{activity.id}")
        except Exception as error:  # noqa: BLE001 - better a rare duplicate answer than a lost one
            log.warning("Teams de-duplication unavailable: %s", type(error).__name__)
            return True

    async def _process(self, authenticated: Any, activity: Activity, callback: Any) -> None:
        assert self.adapter is not None
        try:
            await self.adapter.process_activity(authenticated, activity, callback)
        except Exception:  # noqa: BLE001 - on_turn_error already ran; nothing may stop the app
            log.exception("Teams activity of type %s failed", activity.type)

    async def _drain(self, app: web.Application) -> None:
        """On shutdown, let answers in progress finish (briefly) rather than cutting them off."""
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=10)


def _peer_host(request: web.Request) -> str:
    """The TCP peer's address as the socket reports it ("" for a Unix socket or a closed connection)."""
    peer = request.transport.get_extra_info("peername") if request.transport is not None else None
    return str(peer[0]) if isinstance(peer, tuple) and peer else ""


def invoke_http_response(invoke: InvokeResponse | None) -> web.Response:
    """Write the handler's InvokeResponse as is: plain JSON bodies stay plain (msrest models are serialised)."""
    if invoke is None:
        return web.Response(status=200)
    body = invoke.body
    if isinstance(body, Model):
        body = serializer_helper(body)
    status = int(invoke.status or 200)
    if body is None:
        return web.Response(status=status)
    return web.json_response(body, status=status, dumps=_dumps)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def mount(app: web.Application, host: AdapterHost) -> None:
    """Mount /api/messages only where Teams is configured (an app id, or the development emulator switch)."""
    endpoint = TeamsEndpoint(host, os.environ)
    if endpoint.mode is TeamsMode.OFF:
        log.debug("Teams not configured (no MicrosoftAppId): /api/messages is not served")
        return
    endpoint.mount(app)
    app[TEAMS_KEY] = endpoint
    if endpoint.adapter is not None:
        host.posters.register("teams", endpoint.poster)
