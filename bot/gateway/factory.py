"""Builds the gateway from app.yaml: providers, model aliases, and the ordered stages.

This is the one place that lists the stages; a new policy is a new module plus one line here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from bot.config import AppConfig
from bot.gateway.pipeline import Gateway, Stage
from bot.gateway.providers.base import ModelProvider
from bot.gateway.providers.openai_compatible import OpenAICompatibleProvider
from bot.gateway.providers.router import ModelRouter, Target
from bot.gateway.stages.audit import AuditTrail
from bot.gateway.stages.authorise import Authorise
from bot.gateway.stages.bound_usage import BoundUsage
from bot.gateway.stages.metrics import CountCalls
from bot.gateway.stages.privacy import MaskPersonalInformation, VaultStore
from bot.gateway.stages.quota import EnforceQuota
from bot.gateway.stages.record_usage import RecordUsage
from bot.gateway.stages.words import BlockProhibitedWords
from bot.metrics import GatewayMetrics
from bot.offline.engine import MODEL_NAME as OFFLINE_MODEL
from bot.offline.engine import OfflineEngine
from bot.quota.service import LEASE, QuotaService
from bot.store import Store


@dataclass
class GatewayBundle:
    gateway: Gateway
    router: ModelRouter
    quota: QuotaService
    providers: list[ModelProvider] = field(default_factory=list)
    metrics: GatewayMetrics = field(default_factory=GatewayMetrics)

    @property
    def offline(self) -> bool:
        return self.router.offline

    async def close(self) -> None:
        for provider in self.providers:
            close = getattr(provider, "close", None)
            if close is not None:
                await close()


def build_providers(config: AppConfig, environ: Mapping[str, str]) -> dict[str, ModelProvider]:
    """Providers that can be used now: offline always, the others only with their credentials."""
    providers: dict[str, ModelProvider] = {"offline": OfflineEngine(config.organisation.locale)}
    for spec in config.providers:
        if spec.kind == "offline" or not spec.has_credentials(dict(environ)):
            continue
        providers[spec.id] = OpenAICompatibleProvider.build(
            spec.id,
            base_url=spec.base_url,
            api_key=environ.get(spec.api_key_env) if spec.api_key_env else None,
            timeout=spec.timeout_seconds,
            max_retries=spec.max_retries,
            tools=spec.tools,
        )
    return providers


def build_router(config: AppConfig, providers: Mapping[str, ModelProvider]) -> ModelRouter:
    """Aliases keep only usable targets; with none left an alias answers from the offline engine."""
    offline = Target(providers["offline"], OFFLINE_MODEL)
    aliases: dict[str, list[Target]] = {}
    for alias, targets in (config.models or {"default": []}).items():
        usable = [Target(providers[t.provider], t.model) for t in targets if t.provider in providers]
        aliases[alias] = usable or [offline]
    aliases.setdefault("default", [offline])
    return ModelRouter(aliases, support_contact=config.organisation.support_contact)


def build_stages(
    config: AppConfig,
    store: Store,
    quota: QuotaService,
    vaults: VaultStore | None = None,
    metrics: GatewayMetrics | None = None,
) -> list[Stage]:
    """The stages in order: metrics and audit see every outcome; personal information is masked before anything
    else (so no refusal or record ever holds a raw value); policies run before quota, so a blocked
    call reserves nothing; usage is recorded only for answered calls, and only after it was clamped to
    what the call could have used (innermost, so its hook runs before the others)."""
    counted: list[Stage] = [CountCalls(metrics)] if metrics is not None else []
    return counted + [
        AuditTrail(store.audit, store_content=config.retention.store_content),
        Authorise(config),
        MaskPersonalInformation(config, vaults or VaultStore(store.volatile)),
        BlockProhibitedWords(config),
        EnforceQuota(quota),
        RecordUsage(store.usage),
        BoundUsage(),
    ]


def build_gateway(
    config: AppConfig, store: Store, environ: Mapping[str, str] | None = None, *, lease: timedelta = LEASE
) -> GatewayBundle:
    env = os.environ if environ is None else environ
    providers = build_providers(config, env)
    router = build_router(config, providers)
    quota = QuotaService(config, store.quota, lease=lease)
    metrics = GatewayMetrics()
    gateway = Gateway(build_stages(config, store, quota, metrics=metrics), router)
    return GatewayBundle(gateway, router, quota, list(providers.values()), metrics)
