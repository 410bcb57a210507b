"""Builds every long-lived part once, from settings and app.yaml, and hands them around.

There is no global state: the server, the CLI and the tests each build their own Runtime.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from types import MappingProxyType

from assistants.registry import AssistantRegistry, StaticSource, StoredSource, load_builtin
from assistants.skills.registry import SkillDeps, build_skills, load_office_config, skill_actions, skill_commands
from assistants.tools.registry import tool_map
from bot.admin import AdminConsole
from bot.audit.keys import load_audit_key
from bot.authoring.commands import register_authoring
from bot.config import AppConfig
from bot.conversation import PosterRegistry
from bot.dispatch.builtin_commands import register_builtin_commands
from bot.dispatch.commands import CommandRegistry
from bot.dispatch.dispatcher import ActionHandler, Dispatcher, Interceptor, Services
from bot.dispatch.memory import DatabaseMemory, Memory, ProcessMemory, SharedMemory
from bot.documents import DocumentWorker
from bot.gateway.factory import GatewayBundle, build_gateway
from bot.gateway.pipeline import Gateway
from bot.host import AdapterHost, ConsoleHost
from bot.settings import Settings
from bot.store import Store
from bot.tools.commands import ToolDesk

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    config: AppConfig
    store: Store
    bundle: GatewayBundle
    bot: Dispatcher
    posters: PosterRegistry  # adapters that can post into a channel register here while they mount
    console_key: bytes  # signs the admin console's CSRF tokens (derived from the audit key)

    @property
    def host(self) -> AdapterHost:
        """What a messenger adapter gets when it mounts (the Bot, its settings, the poster registry)."""
        return AdapterHost(self.bot, self.settings, self.config, self.posters, self.bundle.offline, self.store.shared)

    @property
    def console_host(self) -> ConsoleHost:
        """What the admin console gets: the Bot for identity, and the console service over the same quota service
        the gateway reserves with."""
        console = AdminConsole(self.config, self.store, self.bundle.quota, build_registry(self.config, self.store))
        return ConsoleHost(self.bot, self.settings, console, self.console_key)

    @property
    def gateway(self) -> Gateway:
        return self.bundle.gateway

    @property
    def offline(self) -> bool:
        return self.bundle.offline

    async def close(self) -> None:
        self.bot.services.documents.close()
        await self.bundle.close()
        await self.store.close()


def build_memory(config: AppConfig, store: Store) -> Memory:
    """store_content: the database (personal information redacted); else Redis when configured (sealed, any process
    continues the thread); else this process only (a thread must then stay on one process: sticky sessions)."""
    retention = config.retention
    if retention.store_content:
        return DatabaseMemory(store.conversations, retention.memory_tokens)
    process = ProcessMemory(retention.memory_tokens, retention.memory_ttl_minutes * 60)
    if store.volatile is not None:
        return SharedMemory(store.volatile, retention.memory_tokens, retention.memory_ttl_minutes * 60, process)
    return process


def build_registry(config: AppConfig, store: Store) -> AssistantRegistry:
    """app.yaml's assistants override the built-in ones; department assistants come last."""
    return AssistantRegistry(
        [StaticSource(config.assistants), StaticSource(load_builtin()), StoredSource(store.assistants)],
        switches=store.assistants,
    )


async def build_runtime(
    settings: Settings,
    *,
    environ: Mapping[str, str] | None = None,
    config: AppConfig | None = None,
    migrate: bool = False,
    schema: str | None = None,
    actions: Mapping[str, ActionHandler] | None = None,
    interceptors: Sequence[Interceptor] = (),
) -> Runtime:
    """Everything long-lived, built once. `actions` (button verbs -> handlers) and `interceptors` (a first look
    at every message) are added to those of the skills and the authoring dialogue: a deployment's own features,
    and tests."""
    env = os.environ if environ is None else environ
    config = config or load_office_config(settings.config)
    audit_key = await asyncio.to_thread(load_audit_key, settings)
    if (warning := audit_key.warning()) is not None:
        log.warning("%s", warning[1])
    store = await Store.open(
        settings.database_url,
        redis_url=settings.redis_url,
        redis_prefix=settings.redis_prefix,
        schema=schema or settings.database_schema,
        migrate=migrate,
        audit_key=audit_key,
    )
    bundle = build_gateway(config, store, env, lease=timedelta(seconds=settings.quota_lease_seconds))
    # Everything dispatch needs is collected first, then Services is built once, complete.
    posters = PosterRegistry()
    documents = DocumentWorker(settings.document_limits())  # one pool reads attachments and complaint lists
    skills = build_skills(SkillDeps(config, store, posters, documents, bundle.gateway))
    assistants = build_registry(config, store)
    commands = CommandRegistry()
    register_builtin_commands(commands)
    dialogue = register_authoring(commands, store, assistants, config, tuple(skills))
    for command in skill_commands(skills):  # e.g. the knowledge skill's /search and /knowledge
        commands.add(command)
    tools = tool_map()  # assistants/tools/registry.py: offered to models, and by command (/여비) with a dialogue
    desk = ToolDesk(tools, config)
    for command in desk.commands():
        commands.add(command)
    services = Services(
        config=config,
        store=store,
        gateway=bundle.gateway,
        assistants=assistants,
        memory=build_memory(config, store),
        commands=commands,
        quota=bundle.quota,
        offline=bundle.offline,
        skills=MappingProxyType(skills),
        actions=MappingProxyType({**skill_actions(skills), **(actions or {})}),
        interceptors=(desk, dialogue, *interceptors),
        posters=posters,
        documents=documents,
        max_message_chars=settings.max_message_chars,
        tools=MappingProxyType(tools),
    )
    console_key = hmac.new(audit_key.secret, b"govbot admin console csrf", hashlib.sha256).digest()
    return Runtime(settings, config, store, bundle, Dispatcher(services), posters, console_key)
