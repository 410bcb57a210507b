"""What a messenger adapter is given when it mounts: the bot it translates for, the settings and app.yaml it reads
its own options from, and the registry it registers its channel poster in. Nothing else: an adapter never sees the
store, the gateway or dispatch (the composition root, bot/server.py, builds this from the Runtime)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.admin import AdminConsole
from bot.config import AppConfig
from bot.conversation import Bot, PosterRegistry
from bot.settings import Settings
from bot.shared_state import SealedState, process_state


@dataclass(frozen=True)
class AdapterHost:
    bot: Bot
    settings: Settings
    config: AppConfig  # the organisation's name, locale and contact; departments for channel routing
    posters: PosterRegistry  # register(platform, poster) while mounting, if the adapter can post into channels
    offline: bool = False  # no model connected: the web chat says so on its start page
    # Download files, button tokens and channel addresses that any serve process may be asked for (sealed; Redis or
    # the database behind it, see bot/shared_state.py); this process's memory when none is given (tests).
    shared: SealedState = field(default_factory=process_state)


@dataclass(frozen=True)
class ConsoleHost:
    """What the admin console mounts with: the Bot (to place the signed-in official exactly as the web chat does),
    the settings (the identity headers), the console service (usage, quotas, roles, keys) and the key its CSRF
    tokens are signed with (derived from the audit key, so every serve process accepts every other's forms)."""

    bot: Bot
    settings: Settings
    console: AdminConsole
    csrf_key: bytes
