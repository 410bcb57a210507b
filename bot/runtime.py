"""Builds every long-lived part once, from settings and app.yaml, and hands them around.

There is no global state: the server, the CLI and the tests each build their own Runtime.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from assistants.registry import AssistantRegistry, StaticSource, StoredSource, load_builtin
from assistants.skills.base import Skill
from bot.audit.keys import load_audit_key
from bot.authoring.commands import register_authoring
from bot.config import AppConfig, load_config
from bot.dispatch.builtin_commands import register_builtin_commands
from bot.dispatch.commands import CommandRegistry
from bot.dispatch.dispatcher import Dispatcher, Services
from bot.dispatch.memory import DatabaseMemory, Memory, ProcessMemory
from bot.documents import DocumentLimits, DocumentWorker
from bot.gateway.factory import GatewayBundle, build_gateway
from bot.gateway.pipeline import Gateway
from bot.settings import Settings
from bot.store import Store

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    config: AppConfig
    store: Store
    bundle: GatewayBundle
    bot: Dispatcher

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
    retention = config.retention
    if retention.store_content:
        return DatabaseMemory(store.conversations, retention.memory_tokens)
    return ProcessMemory(retention.memory_tokens, retention.memory_ttl_minutes * 60)


def build_registry(config: AppConfig, store: Store) -> AssistantRegistry:
    """app.yaml's assistants override the built-in ones; department assistants come last."""
    return AssistantRegistry(
        [StaticSource(config.assistants), StaticSource(load_builtin()), StoredSource(store.assistants)]
    )


def build_skills(config: AppConfig, documents: DocumentWorker | None = None) -> dict[str, Skill]:
    """Skills assistants may enable, by name."""
    from assistants.skills.complaints import ComplaintTriageSkill

    skills: list[Skill] = [ComplaintTriageSkill(config, documents=documents or DocumentWorker(DocumentLimits()))]
    return {skill.name: skill for skill in skills}


async def build_runtime(
    settings: Settings,
    *,
    environ: Mapping[str, str] | None = None,
    config: AppConfig | None = None,
    migrate: bool = False,
    schema: str | None = None,
) -> Runtime:
    env = os.environ if environ is None else environ
    config = config or load_config(settings.config)
    audit_key = await asyncio.to_thread(load_audit_key, settings)
    if (warning := audit_key.warning()) is not None:
        log.warning("%s", warning[1])
    store = await Store.open(
        settings.database_url,
        redis_url=settings.redis_url,
        schema=schema or settings.database_schema,
        migrate=migrate,
        audit_key=audit_key,
    )
    bundle = build_gateway(config, store, env, lease=timedelta(seconds=settings.quota_lease_seconds))
    commands = CommandRegistry()
    register_builtin_commands(commands)
    assistants = build_registry(config, store)
    documents = DocumentWorker(settings.document_limits())  # one pool reads attachments and complaint lists
    services = Services(
        config=config,
        store=store,
        gateway=bundle.gateway,
        assistants=assistants,
        memory=build_memory(config, store),
        commands=commands,
        quota=bundle.quota,
        offline=bundle.offline,
        skills=build_skills(config, documents),
        documents=documents,
        max_message_chars=settings.max_message_chars,
    )
    for skill in services.skills.values():  # skills with buttons handle their own actions (e.g. complaint_forward)
        register = getattr(skill, "actions", None)
        if register is not None:
            services.actions.update(register(services))
    register_authoring(services)
    return Runtime(settings, config, store, bundle, Dispatcher(services))
