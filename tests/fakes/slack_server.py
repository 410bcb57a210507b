"""A fake Slack Web API (and Socket Mode WebSocket) on 127.0.0.1, reached by the real slack_sdk client.

It records every call (method, arguments, headers) so tests can assert what Slack received, serves
private files only with the right bearer token, accepts files upload v2, collects response_url
posts, and can be scripted to fail a method (an error code, or 429 with Retry-After).

It enforces Slack's real limits with Slack's real error replies, so a test catches what Slack would refuse:
- Block Kit (documented): at most 50 blocks a message, 3000 characters a section text, 2000 a field, 150 a
  header; `invalid_blocks` otherwise. The `text` argument: `msg_too_long` above 40,000 characters.
- Undocumented but observed (slackapi/bolt-js#2509): `msg_blocks_too_long` when the blocks of one message
  hold more than about 13,200 characters of text in total.
- chat.update and chat.delete of a message that does not exist (never posted, or deleted): `message_not_found`.
- chat.update is Tier 3 (50+ per minute per workspace, short bursts allowed): a token bucket of
  `update_burst` calls refilled at `updates_per_minute`; beyond it HTTP 429 `ratelimited` with Retry-After.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.fakes import serve_on_loopback

MAX_BLOCKS = 50
SECTION_TEXT = 3000
FIELD_TEXT = 2000
HEADER_TEXT = 150
BLOCKS_TEXT_TOTAL = 13_200
MESSAGE_TEXT = 40_000

BOT_USER_ID = "UGOVBOT01"
BOT_ID = "BGOVBOT01"
TEAM_ID = "T0HANBIT1"
BOT_TOKEN = "xoxb-test-govbot-token"
APP_TOKEN = "xapp-test-govbot-token"


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    at: float
    retry_after: int | None = None  # set when the fake answered 429


@dataclass
class FakeSlack:
    host: str = "127.0.0.1"
    port: int = 0
    calls: list[Call] = field(default_factory=list)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # id -> (content type, data)
    redirects: dict[str, str] = field(default_factory=dict)  # id -> Location the file download answers with
    file_requests: list[dict[str, Any]] = field(default_factory=list)
    uploads: dict[str, bytes] = field(default_factory=dict)
    responses: list[dict[str, Any]] = field(default_factory=list)  # posts to response_url
    socket_acks: list[dict[str, Any]] = field(default_factory=list)
    messages: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (channel, ts) -> message
    refused: list[tuple[Call, str]] = field(default_factory=list)  # calls answered with an error, and the error
    updates_per_minute: float = 50.0
    update_burst: float = 20.0
    _update_tokens: float | None = None
    _update_refilled: float = 0.0
    _failures: dict[str, deque[tuple[str, int, float]]] = field(default_factory=dict)
    _ts: itertools.count = field(default_factory=lambda: itertools.count(1))
    _sockets: list[web.WebSocketResponse] = field(default_factory=list)
    _socket_connected: asyncio.Event = field(default_factory=asyncio.Event)
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _runner: web.AppRunner | None = None

    # ---- addresses ----------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def response_url(self, name: str = "cmd") -> str:
        return f"{self.base_url}/response/{name}"

    def add_file(self, file_id: str, name: str, data: bytes, content_type: str = "text/csv") -> dict[str, Any]:
        """Store a private file and return the `files[]` entry an event would carry."""
        self.files[file_id] = (content_type, data)
        return {
            "id": file_id,
            "name": name,
            "title": name,
            "mimetype": content_type,
            "filetype": name.rsplit(".", 1)[-1],
            "size": len(data),
            "url_private": f"{self.base_url}/files-pri/{TEAM_ID}-{file_id}/{name}",
            "url_private_download": f"{self.base_url}/files-pri/{TEAM_ID}-{file_id}/download/{name}",
        }

    def add_redirect(self, file_id: str, name: str, location: str) -> dict[str, Any]:
        """A private file whose download answers 302 to `location` (a file host moved, or a hostile one)."""
        self.redirects[file_id] = location
        return self.add_file(file_id, name, b"", "text/plain")

    # ---- scripting ----------------------------------------------------------------------

    def fail(
        self,
        method: str,
        error: str = "channel_not_found",
        *,
        status: int = 200,
        retry_after: float = 0,
        times: int = 1,
    ) -> None:
        """The next `times` calls of `method` fail: `{"ok": false, "error": error}`, or HTTP 429 when status=429."""
        queue = self._failures.setdefault(method, deque())
        for _ in range(times):
            queue.append((error, status, retry_after))

    # ---- queries ------------------------------------------------------------------------

    def called(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, predicate, timeout: float = 10.0):  # type: ignore[no-untyped-def]
        """Wait until `predicate()` is truthy (re-checked after every call received); return its value."""
        deadline = time.monotonic() + timeout
        async with self._changed:
            while True:
                value = predicate()
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"fake Slack: condition not met within {timeout}s; calls: {[c.method for c in self.calls]}"
                    )
                try:
                    await asyncio.wait_for(self._changed.wait(), remaining)
                except TimeoutError:
                    pass

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # ---- lifecycle ----------------------------------------------------------------------

    async def start(self) -> FakeSlack:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_get("/files-pri/{path:.*}", self._file)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_post("/response/{name}", self._response)
        app.router.add_get("/socket", self._socket)
        self._runner, self.port = await serve_on_loopback(app, self.host, self.port)
        return self

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # ---- Web API ------------------------------------------------------------------------

    async def _arguments(self, request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                args.update(await request.json())
            else:
                form = await request.post()
                args.update({k: v for k, v in form.items() if isinstance(v, str)})
        for key in ("blocks", "view", "files", "attachments"):
            if isinstance(args.get(key), str):
                try:
                    args[key] = json.loads(args[key])
                except ValueError:
                    pass
        return args

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._arguments(request)
        self.calls.append(Call(method, args, dict(request.headers), time.monotonic()))
        await self._notify()
        if request.headers.get("Authorization") not in (f"Bearer {BOT_TOKEN}", f"Bearer {APP_TOKEN}"):
            return web.json_response({"ok": False, "error": "invalid_auth"})
        queue = self._failures.get(method)
        if queue:
            error, status, retry_after = queue.popleft()
            self.refused.append((self.calls[-1], error if status != 429 else "ratelimited"))
            if status == 429:
                self.calls[-1].retry_after = int(retry_after)
                return web.json_response(
                    {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": str(int(retry_after))}
                )
            return web.json_response({"ok": False, "error": error}, status=status)
        if method == "chat.update":
            wait = self._take_update_token()
            if wait:
                self.calls[-1].retry_after = wait
                self.refused.append((self.calls[-1], "ratelimited"))
                return web.json_response(
                    {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": str(wait)}
                )
        if method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
            problem = message_problem(args)
            if problem is not None:
                self.refused.append((self.calls[-1], problem[0]))
                return web.json_response({"ok": False, "error": problem[0], "errors": problem[1]})
        if method in ("chat.update", "chat.delete") and (args.get("channel"), args.get("ts")) not in self.messages:
            self.refused.append((self.calls[-1], "message_not_found"))
            return web.json_response({"ok": False, "error": "message_not_found"})
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        body = handler(args) if handler else {}
        return web.json_response({"ok": True, **body})

    def _take_update_token(self) -> int:
        """Tier 3 for chat.update: 0 when the call may go through, else the whole seconds to wait."""
        now = time.monotonic()
        rate = self.updates_per_minute / 60.0
        if self._update_tokens is None:
            self._update_tokens, self._update_refilled = self.update_burst, now
        self._update_tokens = min(self.update_burst, self._update_tokens + (now - self._update_refilled) * rate)
        self._update_refilled = now
        if self._update_tokens >= 1:
            self._update_tokens -= 1
            return 0
        return max(1, math.ceil((1 - self._update_tokens) / rate))

    def ratelimited(self, method: str = "chat.update") -> list[Call]:
        return [call for call, error in self.refused if call.method == method and error == "ratelimited"]

    def _next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    def _m_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": "https://hanbit.slack.com/",
            "team": "한빛구청",
            "user": "govbot",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
        }

    def _m_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user_id = args.get("user", "")
        return {"user": self.users.get(user_id, {"id": user_id, "name": user_id, "profile": {}})}

    def _m_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        ts = self._next_ts()
        self.messages[(str(args.get("channel")), ts)] = {"text": args.get("text"), "blocks": args.get("blocks")}
        return {"channel": args.get("channel"), "ts": ts, "message": {"text": args.get("text"), "ts": ts}}

    def _m_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        self.messages[(str(args.get("channel")), str(args.get("ts")))] = {
            "text": args.get("text"),
            "blocks": args.get("blocks"),
        }
        return {"channel": args.get("channel"), "ts": args.get("ts"), "text": args.get("text")}

    def _m_chat_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        self.messages.pop((str(args.get("channel")), str(args.get("ts"))), None)
        return {"channel": args.get("channel"), "ts": args.get("ts")}

    def delete_message(self, channel: str, ts: str) -> None:
        """Someone deleted this message in Slack (e.g. the "작성 중…" placeholder)."""
        self.messages.pop((channel, ts), None)

    def _m_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"message_ts": self._next_ts()}

    def _m_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"channel": {"id": "D" + str(args.get("users", "")).lstrip("U")}}

    def _m_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"view": {"id": "VHOME0001", **(args.get("view") or {})}}

    def _m_files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        file_id = f"FUP{len(self.uploads) + len(self.called('files.getUploadURLExternal')):05d}"
        return {"upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}

    def _m_files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        files = args.get("files") or []
        return {"files": [{"id": f.get("id"), "title": f.get("title")} for f in files]}

    def _m_apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"url": f"ws://{self.host}:{self.port}/socket"}

    # ---- files, response_url ------------------------------------------------------------

    async def _file(self, request: web.Request) -> web.Response:
        self.file_requests.append({"path": request.path, "authorization": request.headers.get("Authorization")})
        await self._notify()
        if request.headers.get("Authorization") != f"Bearer {BOT_TOKEN}":
            # Slack answers an unauthenticated download with its sign-in page.
            return web.Response(text="<html>sign in</html>", content_type="text/html")
        file_id = request.path.split("/")[2].split("-", 1)[1]
        if file_id in self.redirects:
            raise web.HTTPFound(self.redirects[file_id])
        content_type, data = self.files[file_id]
        return web.Response(body=data, content_type=content_type)

    async def _upload(self, request: web.Request) -> web.Response:
        self.uploads[request.match_info["file_id"]] = await request.read()
        await self._notify()
        return web.Response(text="OK")

    async def _response(self, request: web.Request) -> web.Response:
        body = await request.json()
        problem = message_problem(body)
        if problem is not None:
            return web.Response(status=400, text=problem[0])
        self.responses.append({"name": request.match_info["name"], **body})
        await self._notify()
        return web.Response(text="ok")

    # ---- Socket Mode --------------------------------------------------------------------

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_str(json.dumps({"type": "hello", "num_connections": 1, "debug_info": {"host": "fake"}}))
        self._socket_connected.set()
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                self.socket_acks.append(json.loads(message.data))
                await self._notify()
        self._sockets.remove(ws)
        return ws

    async def wait_connected(self, timeout: float = 10.0) -> None:
        await asyncio.wait_for(self._socket_connected.wait(), timeout)

    async def push(self, envelope_type: str, payload: dict[str, Any], envelope_id: str) -> None:
        """Deliver an envelope to the connected Socket Mode client, as Slack would."""
        await self.wait_connected()
        envelope = {
            "envelope_id": envelope_id,
            "type": envelope_type,
            "payload": payload,
            "accepts_response_payload": envelope_type != "events_api",
        }
        await self._sockets[-1].send_str(json.dumps(envelope, ensure_ascii=False))


def _texts(value: Any) -> list[str]:
    """Every text string inside a block (section text, fields, header, context and button labels)."""
    if isinstance(value, dict):
        found = [value["text"]] if isinstance(value.get("text"), str) else []
        for inner in value.values():
            if isinstance(inner, dict | list):
                found += _texts(inner)
        return found
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    return []


def message_problem(args: dict[str, Any]) -> tuple[str, list[str]] | None:
    """Slack's reply to a message over its limits: (error, details), or None when Slack would accept it."""
    text = args.get("text") or ""
    if isinstance(text, str) and len(text) > MESSAGE_TEXT:
        return "msg_too_long", []
    blocks = args.get("blocks") or []
    if isinstance(blocks, str):
        return "invalid_blocks_format", []
    errors = []
    if len(blocks) > MAX_BLOCKS:
        errors.append(f"no more than {MAX_BLOCKS} items allowed [json-pointer:/blocks]")
    for index, block in enumerate(blocks):
        inner = block.get("text") if isinstance(block, dict) else None
        length = len(inner.get("text", "")) if isinstance(inner, dict) else 0
        if block.get("type") == "section" and length > SECTION_TEXT:
            errors.append(f"must be less than {SECTION_TEXT + 1} characters [json-pointer:/blocks/{index}/text/text]")
        if block.get("type") == "header" and length > HEADER_TEXT:
            errors.append(f"must be less than {HEADER_TEXT + 1} characters [json-pointer:/blocks/{index}/text/text]")
        for number, item in enumerate(block.get("fields") or []):
            if len(item.get("text", "")) > FIELD_TEXT:
                errors.append(
                    f"must be less than {FIELD_TEXT + 1} characters [json-pointer:/blocks/{index}/fields/{number}/text]"
                )
    if errors:
        return "invalid_blocks", errors
    if sum(len(t) for t in _texts(blocks)) > BLOCKS_TEXT_TOTAL:
        return "msg_blocks_too_long", []
    return None
