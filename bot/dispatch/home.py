"""What a home screen shows a known user: department, month's usage and assistants (Slack App Home, Teams
welcome), or the web chat's start page (assistants and the one a new conversation starts with)."""

from __future__ import annotations

from datetime import datetime

from assistants.registry import AssistantRegistry
from bot.config import AppConfig
from bot.conversation import AssistantCard, DepartmentSummary, Home, Who
from bot.dispatch.choice import default_assistant
from bot.dispatch.identity import Identity
from bot.store import Store
from bot.time import month_start


def who(identity: Identity) -> Who:
    return Who(identity.user_id, identity.name, identity.department.id, identity.department.name, identity.role)


async def department_summary(
    config: AppConfig, store: Store, registry: AssistantRegistry, identity: Identity
) -> DepartmentSummary:
    department = identity.department
    since = month_start(datetime.now(config.zone))
    used = await store.usage.totals(department.id, since)
    visible = await registry.visible(department.id)
    starters = tuple(s for spec in visible for s in spec.starters)[:6]
    return DepartmentSummary(
        user_name=identity.name,
        department_id=department.id,
        department_name=department.name,
        role=identity.role,
        tokens_used_month=used.tokens,
        tokens_limit_month=department.quota.tokens_per_month,
        assistants=tuple((s.name, s.description) for s in visible),
        starters=starters,
    )


async def start_page(config: AppConfig, registry: AssistantRegistry, identity: Identity, platform: str) -> Home:
    visible = await registry.visible(identity.department.id)
    default = await default_assistant(config, registry, identity.department, platform)
    cards = tuple(AssistantCard(s.id, s.name, s.description, tuple(s.starters)) for s in visible)
    return Home(who(identity), cards, default.name)
