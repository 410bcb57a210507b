"""A fake Bot Framework Connector (the v3 REST API Teams exposes at an activity's `serviceUrl`) on 127.0.0.1.

botbuilder's real ConnectorClient talks to it: it records every call (send, reply, update, typing,
create conversation, member look-up), can be scripted to fail the next calls (429 with Retry-After,
5xx), and serves files at `/files/{name}` the way Teams' `downloadUrl` does.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes import serve_on_loopback


@dataclass
class Call:
    method: str
    kind: str  # send, reply, update, create, member
    conversation_id: str
    activity_id: str  # the activity replied to / updated (the member for look-ups); "" for send and create
    body: dict[str, Any]
    at: float
    authorization: str = ""

    @property
    def type(self) -> str:
        return str(self.body.get("type", ""))

    @property
    def card(self) -> dict[str, Any] | None:
        for attachment in self.body.get("attachments") or []:
            if attachment.get("contentType") == "application/vnd.microsoft.card.adaptive":
                return attachment.get("content")
        return None


@dataclass
class FakeBotConnector:
    host: str = "127.0.0.1"
    port: int = 0
    calls: list[Call] = field(default_factory=list)
    failed: list[tuple[str, int]] = field(default_factory=list)  # (kind, status) answered with an error
    members: dict[str, dict[str, Any]] = field(default_factory=dict)  # channel account id -> TeamsChannelAccount JSON
    files: dict[str, bytes] = field(default_factory=dict)
    file_requests: list[str] = field(default_factory=list)
    _failures: deque[tuple[int, float | None, set[str] | None]] = field(default_factory=deque)
    _ids: Any = field(default_factory=lambda: itertools.count(1))
    _runner: web.AppRunner | None = None
    _changed: asyncio.Event | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def fail_next(
        self, status: int, times: int = 1, retry_after: float | None = None, kinds: set[str] | None = None
    ) -> None:
        """The next `times` calls (of `kinds`, default any) get `status` instead of being accepted."""
        for _ in range(times):
            self._failures.append((status, retry_after, kinds))

    def add_member(self, account_id: str, *, aad_object_id: str, upn: str, name: str) -> None:
        self.members[account_id] = {
            "id": account_id,
            "name": name,
            "aadObjectId": aad_object_id,
            "userPrincipalName": upn,
            "email": upn,
            "tenantId": "tenant-hanbit",
        }

    async def start(self) -> FakeBotConnector:
        self._changed = asyncio.Event()
        app = web.Application()
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_post("/v3/conversations/{cid}/activities", self._send)
        app.router.add_post("/v3/conversations/{cid}/activities/{aid}", self._reply)
        app.router.add_put("/v3/conversations/{cid}/activities/{aid}", self._update)
        app.router.add_get("/v3/conversations/{cid}/members/{mid}", self._member)
        app.router.add_get("/files/{name}", self._file)
        self._runner, self.port = await serve_on_loopback(app, self.host, self.port)
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # ---- what tests look at ----------------------------------------------------------

    def of_kind(self, *kinds: str) -> list[Call]:
        return [c for c in self.calls if c.kind in kinds]

    def messages(self) -> list[Call]:
        """Calls that carry a message (not typing), in order."""
        return [c for c in self.calls if c.kind in ("send", "reply", "update") and c.type == "message"]

    async def wait_for(self, predicate: Callable[[FakeBotConnector], Any], timeout: float = 15.0) -> Any:
        """Wait until `predicate(self)` is truthy (returns it); fails the test with what was received otherwise."""
        assert self._changed is not None
        deadline = time.monotonic() + timeout
        while True:
            result = predicate(self)
            if result:
                return result
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                summary = [(c.kind, c.type, c.conversation_id, (c.body.get("text") or "")[:60]) for c in self.calls]
                raise AssertionError(f"connector never saw what was expected; calls: {summary}")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), min(remaining, 0.5))
            except TimeoutError:
                pass

    # ---- handlers --------------------------------------------------------------------

    def _scripted_failure(self, kind: str) -> web.Response | None:
        if not self._failures:
            return None
        status, retry_after, kinds = self._failures[0]
        if kinds is not None and kind not in kinds:
            return None
        self._failures.popleft()
        self.failed.append((kind, status))
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        return web.json_response(
            {"error": {"code": "Throttled" if status == 429 else "ServiceError", "message": "scripted"}},
            status=status,
            headers=headers,
        )

    async def _record(self, request: web.Request, kind: str) -> tuple[Call, web.Response | None]:
        body = await request.json() if request.can_read_body else {}
        call = Call(
            request.method,
            kind,
            request.match_info.get("cid", ""),
            request.match_info.get("aid", "") or request.match_info.get("mid", ""),  # the member, for look-ups
            body,
            time.monotonic(),
            request.headers.get("Authorization", ""),
        )
        failure = self._scripted_failure(kind)
        if failure is None:
            self.calls.append(call)
        assert self._changed is not None
        self._changed.set()
        return call, failure

    async def _send(self, request: web.Request) -> web.Response:
        _, failure = await self._record(request, "send")
        return failure or web.json_response({"id": f"bot-{next(self._ids)}"}, status=201)

    async def _reply(self, request: web.Request) -> web.Response:
        call, failure = await self._record(request, "reply")
        if failure:
            return failure
        return web.json_response(
            {"id": f"bot-{next(self._ids)}"} if call.type != "typing" else {},
            status=201 if call.type != "typing" else 200,
        )

    async def _update(self, request: web.Request) -> web.Response:
        call, failure = await self._record(request, "update")
        return failure or web.json_response({"id": call.activity_id}, status=200)

    async def _create(self, request: web.Request) -> web.Response:
        call, failure = await self._record(request, "create")
        if failure:
            return failure
        number = next(self._ids)
        return web.json_response(
            {"id": f"19:new-thread-{number};messageid={number}", "activityId": str(number)}, status=201
        )

    async def _member(self, request: web.Request) -> web.Response:
        _, failure = await self._record(request, "member")
        if failure:
            return failure
        member = self.members.get(request.match_info["mid"])
        if member is None:
            return web.json_response(
                {"error": {"code": "MemberNotFoundInConversation", "message": "not found"}}, status=404
            )
        return web.json_response(member)

    async def _file(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        self.file_requests.append(name)
        if name not in self.files:
            return web.Response(status=404, text="gone")
        return web.Response(body=self.files[name], content_type="application/octet-stream")
