"""The documented office installation's front door, deploy/Caddyfile, run by a real Caddy on loopback in front of a
real `govbot serve` and a fake single sign-on: the official signed in by the portal reaches govbot under their own
name, a browser that writes X-Forwarded-User itself cannot name another official (signed in or not), and Slack's
path gets no user header at all. Attacked over HTTPS the way a browser on the intranet would."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from tests.fakes.openai_server import FakeOpenAI
from tests.support.cluster import migrate, serve_env, write_config
from tests.support.serve import free_port, serve_govbot, wait_healthy

ROOT = Path(__file__).resolve().parents[2]
CADDY = shutil.which("caddy")
pytestmark = pytest.mark.skipif(
    CADDY is None, reason="caddy is not installed (`apt-get install caddy`; `make test` installs it as root)"
)
PORTAL_COOKIE = "portal-session=kim"  # what the fake portal accepts as 김민수's sign-in (it sends no groups)
PORTAL_COOKIE_WITH_GROUPS = "portal-session=park"  # 박지영's, for whom the portal also sends her directory groups


async def _serve(app: web.Application) -> tuple[str, web.AppRunner]:
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return f"127.0.0.1:{port}", runner


async def _fake_sso() -> tuple[str, web.AppRunner]:
    """The portal's verify endpoint as forward_auth calls it: 200 with Remote-User for a signed-in browser, 401 else."""

    async def verify(request: web.Request) -> web.Response:
        cookie = request.headers.get("Cookie", "")
        if PORTAL_COOKIE in cookie:
            return web.Response(status=200, headers={"Remote-User": "kim.minsu"})
        if PORTAL_COOKIE_WITH_GROUPS in cookie:
            return web.Response(status=200, headers={"Remote-User": "park.jiyoung", "Remote-Groups": "traffic-team"})
        return web.Response(status=401, text="portal login required")

    app = web.Application()
    app.router.add_get("/api/verify", verify)
    return await _serve(app)


async def _echo() -> tuple[str, web.AppRunner]:
    """An upstream that answers with the identity headers it was given (to see exactly what Caddy passes on)."""

    async def echo(request: web.Request) -> web.Response:
        seen = {name: request.headers.get(name) for name in ("X-Forwarded-User", "X-Forwarded-Groups")}
        return web.json_response(seen)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", echo)
    return await _serve(app)


async def _caddy(tmp_path: Path, upstream: str, sso: str) -> tuple[str, asyncio.subprocess.Process]:
    """deploy/Caddyfile as shipped, its placeholders filled for loopback; its HTTPS URL once it answers."""
    https_port = free_port()
    env = {
        **os.environ,
        "HOME": str(tmp_path),  # Caddy's data (its internal CA) under the test's folder
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "GOVBOT_SITE": f"127.0.0.1:{https_port}",
        "GOVBOT_UPSTREAMS": upstream,
        "GOVBOT_SSO": sso,
        "GOVBOT_CADDY_ADMIN": "off",
        "GOVBOT_HTTP_PORT": str(free_port()),
        "GOVBOT_HTTPS_PORT": str(https_port),
    }
    assert CADDY is not None
    caddy = await asyncio.create_subprocess_exec(
        CADDY,
        "run",
        "--config",
        str(ROOT / "deploy" / "Caddyfile"),
        "--adapter",
        "caddyfile",
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    url = f"https://127.0.0.1:{https_port}"
    try:
        # Caddy answers /healthz itself once listening (401 from the portal without a session).
        await wait_healthy(url, caddy, 30, ready=lambda status: status < 500, verify_tls=False)
    except BaseException:
        if caddy.returncode is None:
            caddy.kill()
            await caddy.wait()
        raise
    return url, caddy


async def _stop(process: asyncio.subprocess.Process) -> None:
    process.terminate()
    await process.wait()


@pytest.fixture
async def front_door(tmp_path, fake_openai: FakeOpenAI) -> AsyncIterator[str]:
    """Caddy in front of a real govbot (web login from the proxy only) and the fake portal."""
    config = write_config(tmp_path / "app.yaml", fake_openai.base_url)
    env = serve_env(config, f"sqlite+aiosqlite:///{tmp_path}/govbot.db", None, None, GOVBOT_WEB_DEV_LOGIN="false")
    await migrate(env)
    govbot_url, govbot = await serve_govbot(env)
    sso, sso_runner = await _fake_sso()
    try:
        url, caddy = await _caddy(tmp_path, govbot_url.removeprefix("http://"), sso)
        try:
            yield url
        finally:
            await _stop(caddy)
    finally:
        await _stop(govbot)
        await sso_runner.cleanup()


@pytest.fixture
async def front_door_to_echo(tmp_path) -> AsyncIterator[str]:
    """Caddy in front of an upstream that shows the identity headers it receives."""
    upstream, echo_runner = await _echo()
    sso, sso_runner = await _fake_sso()
    try:
        url, caddy = await _caddy(tmp_path, upstream, sso)
        try:
            yield url
        finally:
            await _stop(caddy)
    finally:
        await echo_runner.cleanup()
        await sso_runner.cleanup()


async def _session(url: str, headers: dict[str, str]) -> tuple[int, dict | str]:
    async with aiohttp.ClientSession() as session:
        async with session.get(url + "/api/session", headers=headers, ssl=False) as response:
            if response.content_type == "application/json":
                return response.status, await response.json()
            return response.status, await response.text()


async def test_the_portal_login_reaches_govbot_and_a_forged_user_header_never_does(front_door):
    status, signed_in = await _session(front_door, {"Cookie": PORTAL_COOKIE})
    assert status == 200 and isinstance(signed_in, dict)
    assert signed_in["user"]["id"] == "kim.minsu" and signed_in["user"]["name"] == "김민수"
    assert signed_in["dev_login"] is False

    # Signed in as 김민수 but naming another official (and a group): the portal's answer wins.
    status, forged = await _session(
        front_door,
        {"Cookie": PORTAL_COOKIE, "X-Forwarded-User": "park.jiyoung", "X-Forwarded-Groups": "office-admins"},
    )
    assert status == 200 and isinstance(forged, dict) and forged["user"]["id"] == "kim.minsu"

    # Not signed in at all, naming an official: the portal refuses, govbot is never asked.
    status, refused = await _session(front_door, {"X-Forwarded-User": "park.jiyoung"})
    assert status == 401 and "park.jiyoung" not in str(refused)

    # Chat as a forged user without a portal session: refused before govbot.
    async with aiohttp.ClientSession() as session:
        async with session.post(
            front_door + "/api/chat",
            json={"text": "/quota", "thread": "t"},
            headers={"X-Forwarded-User": "park.jiyoung"},
            ssl=False,
        ) as response:
            assert response.status == 401


async def test_the_proxy_passes_only_the_portal_login_and_none_on_the_messenger_paths(front_door_to_echo):
    """What reaches the upstream: the portal's user on the portal path whatever the browser wrote; on the paths
    Slack and Teams call (no portal login), no user header at all, so their signatures alone decide."""
    forged = {"X-Forwarded-User": "park.jiyoung", "X-Forwarded-Groups": "office-admins"}
    seen = {}
    async with aiohttp.ClientSession() as session:
        for path, headers in (
            ("/api/session", {"Cookie": PORTAL_COOKIE, **forged}),
            ("/api/chat", {"Cookie": PORTAL_COOKIE_WITH_GROUPS, "X-Forwarded-Groups": "office-admins"}),
            ("/slack/events", forged),
            ("/api/messages", forged),
            ("/api/teams/files/abc", forged),
        ):
            async with session.post(front_door_to_echo + path, headers=headers, ssl=False) as response:
                assert response.status == 200, (path, await response.text())
                seen[path] = await response.json()
    assert seen["/api/session"] == {"X-Forwarded-User": "kim.minsu", "X-Forwarded-Groups": None}  # none sent
    assert seen["/api/chat"] == {"X-Forwarded-User": "park.jiyoung", "X-Forwarded-Groups": "traffic-team"}
    for path in ("/slack/events", "/api/messages", "/api/teams/files/abc"):
        assert seen[path] == {"X-Forwarded-User": None, "X-Forwarded-Groups": None}, path
