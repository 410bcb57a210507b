"""An internal service on 127.0.0.1 that must never be reached through govbot (the SSRF target).

It serves a secret at /secret.txt, redirects from /go?to=<url>, and records every request with its
Authorization header, so a test can prove the secret server saw nothing (or no bot token).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes import serve_on_loopback

SECRET = "내부전용-비밀-7Q2X9 관리자 비밀번호 hunter2"


@dataclass
class SecretServer:
    host: str = "127.0.0.1"
    port: int = 0
    requests: list[dict[str, Any]] = field(default_factory=list)
    _runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def secret_url(self) -> str:
        return f"{self.base_url}/secret.txt"

    def redirect_url(self, to: str) -> str:
        return f"{self.base_url}/go?to={to}"

    async def start(self) -> SecretServer:
        app = web.Application()
        app.router.add_get("/{path:.*}", self._any)
        self._runner, self.port = await serve_on_loopback(app, self.host, self.port)
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _any(self, request: web.Request) -> web.Response:
        self.requests.append({"path": request.path, "authorization": request.headers.get("Authorization")})
        if request.path == "/go":
            raise web.HTTPFound(request.query["to"])
        return web.Response(text=SECRET, content_type="text/plain")
