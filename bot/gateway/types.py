"""What goes into and comes out of the gateway: the one door to every model."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

Role = Literal["system", "user", "assistant"]
ROLES: tuple[Role, ...] = ("system", "user", "assistant")


def as_role(value: str) -> Role:
    """A role read from outside (a stored row, a client's request) as a Role; anything else is the user's."""
    for role in ROLES:
        if value == role:
            return role
    return "user"


# interrupted: the process serving the call stopped mid-call (written later by the reservation sweeper).
Decision = Literal["allowed", "masked", "blocked", "refused_quota", "failed", "interrupted"]
# chat: messages in, text out. embeddings: each user message is one input, one vector out per input
# (no text, so the output policies see nothing; input policies, quota, usage and audit apply as to chat).
CallKind = Literal["chat", "embeddings"]


@dataclass(frozen=True, slots=True)
class ChatMessage:
    role: Role
    content: str


@dataclass(slots=True)
class GatewayRequest:
    """One model call, always on behalf of a user in a department (billing and audit need both)."""

    department_id: str
    user_id: str
    messages: list[ChatMessage]
    model: str = "default"  # an alias from app.yaml `models`
    assistant_id: str | None = None
    assistant_version: int | None = None
    conversation_key: str = ""  # scopes PII placeholders to one conversation
    max_output_tokens: int = 1200
    temperature: float = 0.3
    platform: str = "api"
    purpose: str = "chat"  # chat, api, meta_prompt, triage, …


@dataclass(frozen=True, slots=True)
class Usage:
    prompt_tokens: int
    completion_tokens: int
    estimated: bool = False  # True when the provider did not report usage

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True, slots=True)
class Completion:
    text: str
    usage: Usage
    provider: str
    model: str
    latency_ms: float
    finish_reason: str | None
    call_id: str
    # The answer stopped before the model said it was finished (upstream stream cut off, or the reader
    # left): `text` is what was delivered, usage is billed for that, and it must not be shown as whole.
    interrupted: bool = False


@dataclass(frozen=True, slots=True)
class Embeddings:
    """An embeddings call's answer: one vector per input, in the order sent."""

    vectors: list[list[float]]
    usage: Usage
    provider: str
    model: str
    call_id: str


@dataclass(slots=True)
class GatewayCall:
    """A request on its way through the stages; stages record what they did here."""

    request: GatewayRequest
    call_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    decision: Decision = "allowed"
    findings: Counter[str] = field(default_factory=Counter)  # policy findings by type (never values)
    stream: bool = False
    scratch: dict[str, object] = field(default_factory=dict)  # stage-private state, keyed by stage name
    # Failed provider attempts (retries and fail-overs) as (provider id, reason), recorded by the router.
    provider_failures: list[tuple[str, str]] = field(default_factory=list)
    kind: CallKind = "chat"
    vectors: list[list[float]] | None = None  # an embeddings call's answer, one per input, set by the provider


# ---- what providers emit ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TextDelta:
    text: str


@dataclass(frozen=True, slots=True)
class Finished:
    usage: Usage | None
    provider: str
    model: str
    finish_reason: str | None


StreamEvent = TextDelta | Finished
