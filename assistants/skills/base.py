"""A skill is code an assistant may use (complaint triage, knowledge search, …).

Skills see one turn and may answer it; they call models only through the gateway they are given.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from bot.conversation import Message, Reply, ReplySink

if TYPE_CHECKING:
    from assistants.spec import AssistantSpec
    from bot.config import AppConfig
    from bot.dispatch.identity import Identity
    from bot.gateway.pipeline import Gateway


@dataclass(frozen=True, slots=True)
class SkillTurn:
    message: Message
    text: str  # the request text, without command or assistant prefix
    identity: Identity
    assistant: AssistantSpec
    config: AppConfig
    gateway: Gateway
    offline: bool  # True when no generative model is connected
    sink: ReplySink | None = None

    @property
    def locale(self) -> str:
        return self.identity.locale


class Skill(Protocol):
    name: str

    async def run(self, turn: SkillTurn) -> Reply | None:
        """Answer the turn, or None to let the assistant's model answer it."""
