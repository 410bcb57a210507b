"""The HTTP server: one aiohttp application that every adapter mounts its routes on.

aiohttp because slack-bolt and botbuilder both speak it natively, and it streams responses.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import socket
from collections.abc import AsyncIterator
from pathlib import Path

from aiohttp import web

from bot.i18n import both
from bot.knowledge.startup import start_sync
from bot.metrics import CONTENT_TYPE_LATEST, may_scrape
from bot.quota.sweeper import ReservationSweeper
from bot.retention import DailyPurge
from bot.runtime import Runtime

log = logging.getLogger(__name__)

RUNTIME = web.AppKey("runtime", Runtime)
SHARED_STATE_SWEEP_SECONDS = 300

# Each messenger module exposes mount(app, host: AdapterHost) and does nothing when it is not configured: it
# talks only to the Bot. The OpenAI-compatible API is the gateway itself over HTTP, so it mounts with the Runtime.
MESSENGER_MODULES: tuple[str, ...] = ("adapters.web", "adapters.slack", "adapters.teams")
GATEWAY_MODULES: tuple[str, ...] = ("adapters.openai_api",)
# The admin console (/admin) mounts with a ConsoleHost: the Bot for identity and the console service.
CONSOLE_MODULES: tuple[str, ...] = ("adapters.admin",)


async def healthz(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    return web.json_response(
        {"status": "ok", "offline": runtime.offline, "organisation": runtime.config.organisation.name}
    )


async def metrics(request: web.Request) -> web.Response:
    """Prometheus exposition of this process's counters (each serve process is its own scrape target)."""
    runtime = request.app[RUNTIME]
    settings = runtime.settings
    token = settings.metrics_token.get_secret_value() if settings.metrics_token else None
    if not may_scrape(request.remote, request.headers.get("Authorization"), token, settings.metrics_allow):
        return web.json_response({"error": both("metrics_forbidden")}, status=403)
    body = runtime.bundle.metrics.exposition()
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


def build_app(runtime: Runtime) -> web.Application:
    app = web.Application(client_max_size=(runtime.settings.max_upload_mb + 1) * 1024 * 1024)
    app[RUNTIME] = runtime
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    app.cleanup_ctx.append(_sweep_reservations)
    app.cleanup_ctx.append(_purge_daily)
    app.cleanup_ctx.append(_load_knowledge)
    app.cleanup_ctx.append(_sweep_shared_state)
    host = runtime.host
    for module_name in MESSENGER_MODULES:
        importlib.import_module(module_name).mount(app, host)
    for module_name in GATEWAY_MODULES:
        importlib.import_module(module_name).mount(app, runtime)
    for module_name in CONSOLE_MODULES:
        importlib.import_module(module_name).mount(app, runtime.console_host)
    return app


async def _sweep_reservations(app: web.Application) -> AsyncIterator[None]:
    """While serving: keep this process's quota reservations alive and give back expired ones of
    processes that died (every serve process does; they cannot give the same one back twice)."""
    runtime = app[RUNTIME]
    sweeper = ReservationSweeper(runtime.bundle.quota, runtime.store.audit, runtime.settings.quota_sweep_seconds)
    task = asyncio.create_task(sweeper.run(), name="quota-reservation-sweeper")
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _purge_daily(app: web.Application) -> AsyncIterator[None]:
    """While serving: remove metadata older than retention.metadata_days a minute after start, then daily (bot/retention.py)."""
    runtime = app[RUNTIME]
    purge = DailyPurge(runtime.config, runtime.store, runtime.settings.purge_interval_hours * 3600)
    task = asyncio.create_task(purge.run(), name="retention-purge")
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _sweep_shared_state(app: web.Application) -> AsyncIterator[None]:
    """Expired rows of the database's shared state (download files, button tokens) are deleted now and then by every
    serve process (Redis expires its own)."""
    state = app[RUNTIME].store.database_state

    async def sweep() -> None:
        while True:
            try:
                await state.sweep()
            except Exception as error:  # noqa: BLE001 - the database may be restarting: try again next round
                log.warning("shared state sweep failed: %s", type(error).__name__)
            await asyncio.sleep(SHARED_STATE_SWEEP_SECONDS)

    task = asyncio.create_task(sweep(), name="shared-state-sweeper")
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _load_knowledge(app: web.Application) -> AsyncIterator[None]:
    """app.yaml's knowledge collections are loaded beside the server, never before it (bot/knowledge/startup.py)."""
    runtime = app[RUNTIME]
    skill = runtime.bot.services.skills.get("knowledge")
    base = Path(runtime.settings.config).resolve().parent
    task = start_sync(getattr(skill, "service", None), base, runtime.bundle.gateway)
    yield
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def start_server(runtime: Runtime, host: str, port: int, *, sock: socket.socket | None = None) -> web.AppRunner:
    """Start serving in the current event loop; returns the runner (stop it with `await runner.cleanup()`).
    `sock`: an already listening socket (shared by the processes of `govbot serve --workers N`)."""
    runner = web.AppRunner(build_app(runtime), access_log=None)
    await runner.setup()
    site: web.BaseSite = web.SockSite(runner, sock) if sock is not None else web.TCPSite(runner, host, port)
    await site.start()
    return runner


def bound_port(runner: web.AppRunner) -> int:
    """The port actually bound (useful when asked for port 0)."""
    for site in runner.sites:
        server = getattr(site, "_server", None)
        if server is not None and server.sockets:
            return int(server.sockets[0].getsockname()[1])
    raise RuntimeError("server is not listening")
