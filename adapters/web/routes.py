"""HTTP routes of the web chat. The signed-in user comes from a header the intranet's reverse proxy
sets (no separate login); in development a name picker stands in for it."""

from __future__ import annotations

import json
import logging
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from aiohttp import BodyPartReader, web

from adapters.web.render import reply_to_json, reply_to_json_async
from bot import origin
from bot.conversation import MAX_USER_ID_CHARS, Action, Attachment, Caller, ClientGone, Message, Reply
from bot.downloads import Downloads
from bot.host import AdapterHost
from bot.i18n import both, t
from bot.portal import portal_user

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"


class NdjsonSink:
    """Streams answer text and progress to the page as newline-delimited JSON events."""

    def __init__(self, response: web.StreamResponse):
        self._response = response

    async def delta(self, text: str) -> None:
        await self._send({"type": "delta", "text": text})

    async def progress(self, note: str) -> None:
        await self._send({"type": "progress", "text": note})

    async def finish(self, reply: dict[str, Any]) -> None:
        await self._send({"type": "reply", "reply": reply})

    async def _send(self, event: dict[str, Any]) -> None:
        try:
            await self._response.write((json.dumps(event, ensure_ascii=False) + "\n").encode())
        except ConnectionError as error:  # the page was closed mid-answer (aiohttp.ClientConnectionResetError)
            raise ClientGone() from error


class WebChat:
    def __init__(self, host: AdapterHost):
        self.host = host
        self.downloads = Downloads(host.shared)

    def mount(self, app: web.Application) -> None:
        app.router.add_get("/", self.index)
        app.router.add_static("/static/", STATIC, append_version=True)
        app.router.add_get("/api/session", self.session)
        app.router.add_post("/api/chat", self.chat)
        app.router.add_post("/api/action", self.action)
        app.router.add_get("/files/{token}", self.download)

    # ---- who is asking ------------------------------------------------------------------

    def _user(self, request: web.Request) -> tuple[str, tuple[str, ...]] | None:
        return portal_user(request.headers, request.cookies, self.host.settings)

    def _refusal(self, request: web.Request, *, multipart_allowed: bool = False) -> web.Response | None:
        """A JSON error for requests that may not change anything: cross-site ones (CSRF), wrong body type,
        or a user id the database cannot hold. None when the request may go on."""
        told, hosts = origin.from_headers(request.headers, request.host, request.content_type)
        verdict = origin.check(
            told,
            hosts=hosts,
            allowed_origins=self.host.settings.web_allowed_origins,
            multipart_allowed=multipart_allowed,
        )
        if verdict == "cross_site":
            log.warning("web chat refused a cross-site %s %s", request.method, request.path)
            return _error(403, "cross_site", both("web_cross_site"))
        if verdict == "json_required":
            return _error(415, "unsupported_media_type", both("web_json_required"))
        return None

    def _unauthenticated(self) -> web.Response:
        return web.json_response(
            {
                "error": "unauthenticated",
                "message": "로그인 정보가 없습니다. 행정포털을 통해 접속해 주세요. / No signed-in user; open govbot through the intranet portal.",
                "dev_login": self.host.settings.web_dev_login,
            },
            status=401,
        )

    # ---- routes -------------------------------------------------------------------------

    async def index(self, request: web.Request) -> web.FileResponse:
        return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})

    async def session(self, request: web.Request) -> web.Response:
        host = self.host
        config = host.config
        base: dict[str, Any] = {
            "organisation": config.organisation.name,
            "locale": config.organisation.locale,
            "offline": host.offline,
            "notice": config.organisation.ai_notice,
            "dev_login": host.settings.web_dev_login,
        }
        if host.settings.web_dev_login:
            base["members"] = [
                {"user": m.user, "name": m.name, "department": d.name} for d in config.departments for m in d.members
            ]
        who = self._user(request)
        if who is None:
            return web.json_response({**base, "user": None})
        user, groups = who
        home = await host.bot.home(Caller("web", user, groups=groups))
        if home is None:
            return web.json_response({**base, "user": {"id": user, "registered": False}})
        person = home.who
        return web.json_response(
            {
                **base,
                "user": {
                    "id": user,
                    "name": person.name,
                    "department": person.department_name,
                    "role": person.role,
                    "registered": True,
                },
                "assistants": [
                    {"id": a.id, "name": a.name, "description": a.description, "starters": list(a.starters)}
                    for a in home.assistants
                ],
                "default_assistant": home.default_assistant,
            }
        )

    def _too_long_id(self, user: str) -> web.Response | None:
        if len(user) <= MAX_USER_ID_CHARS:
            return None
        contact = self.host.config.organisation.support_contact
        return _error(400, "user_id_too_long", both("user_id_too_long", limit=MAX_USER_ID_CHARS, contact=contact))

    async def chat(self, request: web.Request) -> web.StreamResponse:
        refused = self._refusal(request, multipart_allowed=True)
        if refused is not None:
            return refused
        who = self._user(request)
        if who is None:
            return self._unauthenticated()
        user, groups = who
        if (too_long := self._too_long_id(user)) is not None:
            return too_long
        try:
            text, thread, attachments = await self._read_chat_form(request)
        except ValueError as error:
            return _error(400, "bad_request", str(error))
        message = Message(
            platform="web",
            user_id=user,
            text=text,
            thread_id=thread,
            directory_groups=groups,
            attachments=tuple(attachments),
            is_direct=True,
        )
        response = web.StreamResponse(
            headers={
                "Content-Type": "application/x-ndjson; charset=utf-8",
                "Cache-Control": "no-store",
                "X-Accel-Buffering": "no",
            }
        )
        await response.prepare(request)
        sink = NdjsonSink(response)
        try:
            reply = await self.host.bot.on_message(message, sink)
            await sink.finish(await reply_to_json_async(reply, self.downloads, user))
            await response.write_eof()
        except ClientGone:  # what was delivered is billed (bot/gateway/stream.py); one line, no content
            log.info("web chat: the page went away before the answer was complete")
        except Exception:  # e.g. the shared state unreachable while storing a result file: say so, never cut the stream
            ref = uuid.uuid4().hex[:8]
            log.exception("web chat failed after the answer began (ref %s)", ref)
            organisation = self.host.config.organisation
            text = t("internal_error", organisation.locale, contact=organisation.support_contact, ref=ref)
            try:
                await sink.finish(reply_to_json(Reply(text, kind="error")))
                await response.write_eof()
            except ClientGone:
                pass
        return response

    async def _read_chat_form(self, request: web.Request) -> tuple[str, str, list[Attachment]]:
        limit = self.host.settings.max_upload_mb * 1024 * 1024
        if request.content_type == "application/json":
            body = await _json_object(request)
            text, thread = body.get("text", ""), body.get("thread", "")
            if not isinstance(text, str) or not isinstance(thread, str):
                raise ValueError(both("web_json_required"))
            return text, thread, []
        text, thread, attachments = "", "", []
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):  # a nested multipart: the chat form never sends one
                continue
            if part.name == "text":
                text = await part.text()
            elif part.name == "thread":
                thread = await part.text()
            elif part.name == "file" and part.filename:
                data = await part.read()
                error = None
                if len(data) > limit:
                    error = both("web_file_too_large", limit=self.host.settings.max_upload_mb)
                    data = b""
                content_type = part.headers.get("Content-Type", "application/octet-stream")
                # Browsers send UTF-8 names as-is; some clients percent-encode them (RFC 5987).
                attachments.append(Attachment(unquote(part.filename), content_type, bytes(data), error))
        return text, thread, attachments

    async def action(self, request: web.Request) -> web.Response:
        refused = self._refusal(request)
        if refused is not None:
            return refused
        who = self._user(request)
        if who is None:
            return self._unauthenticated()
        if (too_long := self._too_long_id(who[0])) is not None:
            return too_long
        try:
            body = await _json_object(request)
        except ValueError as error:
            return _error(400, "bad_request", str(error))
        action = Action(
            "web",
            who[0],
            str(body.get("action", "")),
            str(body.get("value", "")),
            thread_id=str(body.get("thread", "")),
        )
        reply = await self.host.bot.on_action(action)
        return web.json_response({"reply": await reply_to_json_async(reply, self.downloads, who[0]) if reply else None})

    async def download(self, request: web.Request) -> web.Response:
        who = self._user(request)
        if who is None:
            return self._unauthenticated()
        part = await self.downloads.get(request.match_info["token"], who[0])
        if part is None:
            return web.json_response(
                {
                    "error": "not_found",
                    "message": "파일이 없거나 만료되었습니다. 다시 요청해 주세요. / The file is gone or expired; ask again.",
                },
                status=404,
            )
        return web.Response(
            body=part.data,
            content_type=part.content_type,
            headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(part.name, safe='')}"},
        )


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": code, "message": message}, status=status)


async def _json_object(request: web.Request) -> dict[str, Any]:
    """The body as a JSON object; ValueError (with a message to show) for anything else."""
    try:
        body = json.loads(await request.text())
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(both("web_json_required")) from error
    if not isinstance(body, dict):
        raise ValueError(both("web_json_required"))
    return body
